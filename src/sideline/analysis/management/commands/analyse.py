"""``sideline analyse …``: overlap, duplication, ties, bridges, network, suggestions, balance,
voting.

Each sub-command prints a readable table; ``--json`` prints a list of objects instead,
best first, states by ISO alpha-3 code and organizations by slug; ``--svg FILE`` also
writes the chart. A user's mistake (an unknown state, a date outside the data, an empty
period) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sideline.analysis.errors import AnalysisError
from sideline.analysis.exports import (
    Export,
    balance_export,
    bridges_export,
    duplication_export,
    network_export,
    overlap_export,
    render_text,
    suggestions_export,
    ties_export,
    voting_export,
)
from sideline.analysis.facts import parse_statuses
from sideline.analysis.selectors import (
    balance_report,
    bridge_report,
    build_snapshot,
    duplication_report,
    overlap_report,
    suggestion_report,
    vote_dataset,
    voting_report,
)
from sideline.analysis.suggest import DEFAULT_THRESHOLD
from sideline.analysis.ties_report import ties_report

# The core names its arguments as the library does; the CLI's user knows the flags.
_FLAGS = {
    "day": "--as-of",
    "start": "--from",
    "end": "--to",
    "from": "--from",
    "to": "--to",
    "threshold": "--threshold",
    "half_life": "--half-life",
    "statuses": "--statuses",
}


def _usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _date(value: str | None) -> date:
    if value is None:
        return timezone.localdate()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _usage_error(f"--as-of {value!r} is not a date; use YYYY-MM-DD") from None


def _year(value: str | None, flag: str) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise _usage_error(f"{flag} {value!r} is not a year; use YYYY") from None


def _number(value: str | None, flag: str) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise _usage_error(f"{flag} {value!r} is not a number") from None


class Command(BaseCommand):
    help = "Analyse the registry: overlaps, duplication, bridge states, balance, UN votes."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="analysis", required=True, metavar="ANALYSIS")

        def add(name: str, help_text: str, *, as_of: bool = True) -> ArgumentParser:
            sub: ArgumentParser = actions.add_parser(name, help=help_text)
            if as_of:
                sub.add_argument("--as-of", metavar="YYYY-MM-DD", help="date (default: today)")
            sub.add_argument(
                "--json", action="store_true", help="print a list of JSON objects, best first"
            )
            sub.add_argument("--svg", metavar="FILE", type=Path, help="also write the chart")
            return sub

        for name, text in (
            ("overlap", "member states shared by each pair of organizations"),
            ("bridges", "states ranked by the blocs their organizations span"),
            ("network", "the organization–state membership network"),
        ):
            add(name, text).add_argument(
                "--statuses",
                default="member",
                metavar="S,S",
                help="statuses that count as belonging, comma-separated (default: member)",
            )
        add("duplication", "pairs of organizations ranked by functional duplication")
        ties = add(
            "ties", "formal ties between organizations beside their duplication, highest first"
        )
        ties.add_argument(
            "--untied",
            action="store_true",
            help="only the duplicating pairs with no formal tie in force",
        )
        suggest = add("suggest", "meeting requests for duplicating pairs, best first")
        suggest.add_argument(
            "--threshold",
            metavar="SCORE",
            help=f"lowest duplication score suggested, 0 to 1 (default: {DEFAULT_THRESHOLD})",
        )
        suggest.add_argument(
            "--common-forum",
            action="store_true",
            help="only pairs that attend a common forum session",
        )
        balance = add("balance", "a state's balance between the pillars, year by year", as_of=False)
        balance.add_argument("state", help="ISO 3166-1 alpha-3 code, e.g. KAZ")
        balance.add_argument("--from", dest="start", required=True, metavar="YEAR")
        balance.add_argument("--to", dest="end", required=True, metavar="YEAR")
        balance.add_argument(
            "--half-life", metavar="YEARS", help="years after which a past engagement counts half"
        )
        voting = add(
            "voting", "a state's UN General Assembly agreement with each pillar", as_of=False
        )
        voting.add_argument("state", help="ISO 3166-1 alpha-3 code, e.g. KAZ")
        voting.add_argument("--from", dest="start", metavar="YEAR", help="first year")
        voting.add_argument("--to", dest="end", metavar="YEAR", help="last year")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            export, empty = self._export(options)
        except AnalysisError as error:
            raise _usage_error(self._message(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(export.records, ensure_ascii=False, indent=2))
        elif export.rows:
            self.stdout.write(render_text(export))
        else:
            self.stdout.write(empty)
        svg: Path | None = options.get("svg")
        if svg is not None:
            try:
                svg.write_text(export.svg, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"--svg {svg}: {error.strerror}", returncode=1) from None
            self.stderr.write(f"wrote {svg}")

    @staticmethod
    def _message(error: AnalysisError) -> str:
        flag = _FLAGS.get(error.argument)
        prefix = f"{error.argument} "
        if flag and error.message.startswith(prefix):
            return f"{flag} {error.message.removeprefix(prefix)}"
        return error.message

    def _export(self, options: dict[str, Any]) -> tuple[Export, str]:
        """Run the chosen analysis; return its export and the line to print when empty."""
        analysis = options["analysis"]
        if analysis == "voting":
            return self._voting(options)
        snapshot = build_snapshot()
        if analysis == "balance":
            start = _year(options["start"], "--from")
            end = _year(options["end"], "--to")
            assert start is not None
            assert end is not None
            if start > end:
                raise _usage_error(f"--from {start} is after --to {end}; give --from <= --to")
            series = balance_report(
                state=options["state"].upper(),
                start=start,
                end=end,
                half_life=_number(options.get("half_life"), "--half-life"),
                snapshot=snapshot,
            )
            return balance_export(series), ""
        day = _date(options.get("as_of"))
        if analysis == "duplication":
            ranking = duplication_report(day=day, snapshot=snapshot)
            return duplication_export(ranking), f"no duplicating pairs on {day.isoformat()}"
        if analysis == "ties":
            pairs = ties_report(day=day, snapshot=snapshot)
            if options["untied"]:
                pairs = [p for p in pairs if not p.has_tie and p.score > 0]
            return ties_export(pairs), f"no duplicating or tied pair on {day.isoformat()}"
        if analysis == "suggest":
            threshold = _number(options.get("threshold"), "--threshold")
            requests = suggestion_report(
                day=day,
                threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
                common_forum=options["common_forum"],
                snapshot=snapshot,
            )
            return suggestions_export(requests), f"no suggestions on {day.isoformat()}"
        statuses = parse_statuses(s.strip() for s in options["statuses"].split(",") if s.strip())
        if analysis == "overlap":
            report = overlap_report(day=day, statuses=statuses, snapshot=snapshot)
            return overlap_export(report), f"no pair shares a state on {day.isoformat()}"
        bridges = bridge_report(day=day, statuses=statuses, snapshot=snapshot)
        empty = f"no state belongs to an organization on {day.isoformat()}"
        if analysis == "network":
            return network_export(bridges), empty
        return bridges_export(bridges), empty

    def _voting(self, options: dict[str, Any]) -> tuple[Export, str]:
        dataset = vote_dataset()
        if dataset is None:
            raise CommandError(
                "no UN votes imported yet; run: sideline data import-unvotes DIR", returncode=1
            )
        start = _year(options.get("start"), "--from")
        end = _year(options.get("end"), "--to")
        if start is not None and end is not None and start > end:
            raise _usage_error(f"--from {start} is after --to {end}; give --from <= --to")
        report = voting_report(
            dataset=dataset, state=options["state"].upper(), start=start, end=end
        )
        return voting_export(report), f"{report.state} cast no counted vote in that period"
