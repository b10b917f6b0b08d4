"""``sideline plan YEAR`` and ``sideline plan --instance FILE --json``: run the planner."""

from __future__ import annotations

import json
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sideline.planner.document import DEFAULT_PLENARY_SLOTS, DEFAULT_ROOMS, DEFAULT_SLOTS_PER_DAY
from sideline.planner.instance import MAX_ROOMS, MAX_SLOTS_PER_DAY
from sideline.planner.models import Plan, RequestOrigin
from sideline.planner.schema import Plan as CorePlan
from sideline.planner.schema import plan_to_json
from sideline.planner.services import (
    PlannerError,
    check_publisher,
    create_plan,
    publish_plan,
    solve_instance_data,
)
from sideline.planner.solver import Progress, SolveOptions
from sideline.registry.models import Organization
from sideline.validators import EARLIEST, LATEST


def _read_json(path: Path, *, what: str) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise CommandError(f"{path}: $: nested too deeply to be an {what}", returncode=2) from None
    except FileNotFoundError:
        raise CommandError(f"{path}: no such {what} file", returncode=2) from None
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot read the {what} file: {error}", returncode=2) from None
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{path}: $: not JSON (line {error.lineno}, column {error.colno}: {error.msg})",
            returncode=2,
        ) from None


def _read_list(path: Path, *, what: str) -> list[Any]:
    data = _read_json(path, what=what)
    if not isinstance(data, list):
        raise CommandError(f"{path}: $: must be a list of {what}", returncode=2)
    return data


def _bounded(name: str, lowest: int, highest: int) -> Callable[[str], int]:
    """Return an argparse type taking a whole number from ``lowest`` to ``highest``."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ArgumentTypeError(f"{value!r} is not a whole number") from None
        if not lowest <= number <= highest:
            raise ArgumentTypeError(f"{value} is not from {lowest} to {highest}")
        return number

    parse.__name__ = name
    return parse


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not 0 < number <= 86_400:  # Also refuses nan, which every comparison fails.
        raise ArgumentTypeError(f"{value} is not above 0 and at most 86400 seconds")
    return number


# A year the registry can hold (sideline.validators).
_year = _bounded("year", EARLIEST.year, LATEST.year)
_slots = _bounded("slots", 1, MAX_SLOTS_PER_DAY)
_rooms = _bounded("rooms", 1, MAX_ROOMS)
_plenary = _bounded("plenary", 0, MAX_SLOTS_PER_DAY)
# More solver threads than this only wait on each other, and each costs memory.
_workers = _bounded("workers", 1, 64)
_seed = _bounded("seed", 0, 2**31 - 1)


class Command(BaseCommand):
    help = (
        "Plan a year's calendar of possible meetings from the registry's forum sessions and "
        "the suggested (or given) meeting requests, and store it as a new draft version; "
        "or solve an instance file and print the plan JSON."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("year", nargs="?", type=_year, help="the year to plan")
        parser.add_argument(
            "--instance",
            type=Path,
            help="solve this sideline.plan-instance/1 file instead; nothing is stored",
        )
        parser.add_argument(
            "--json", action="store_true", help="print the plan (sideline.plan/1) on stdout"
        )
        parser.add_argument(
            "--requests",
            type=Path,
            help="JSON list of requests in the instance format (default: the suggestions)",
        )
        parser.add_argument(
            "--summits",
            type=Path,
            help=(
                "JSON list of special summit candidates in the instance format (id, city, "
                "country, timezone, start, end, slots_per_day, rooms, cost); a summit is "
                "opened only for requests that no forum session can serve"
            ),
        )
        parser.add_argument(
            "--slots-per-day",
            type=_slots,
            default=DEFAULT_SLOTS_PER_DAY,
            help=f"sideline slots per session day (default {DEFAULT_SLOTS_PER_DAY})",
        )
        parser.add_argument(
            "--rooms",
            type=_rooms,
            default=DEFAULT_ROOMS,
            help=f"rooms per session (default {DEFAULT_ROOMS})",
        )
        parser.add_argument(
            "--plenary-slots",
            type=_plenary,
            default=DEFAULT_PLENARY_SLOTS,
            help=f"slots of each day taken by the forum's plenary (default {DEFAULT_PLENARY_SLOTS})",
        )
        parser.add_argument(
            "--time-limit",
            type=_seconds,
            default=10.0,
            help="solver time limit in seconds (default 10)",
        )
        parser.add_argument(
            "--workers", type=_workers, default=2, help="solver workers, 1 to 64 (default 2)"
        )
        parser.add_argument("--seed", type=_seed, default=0, help="solver random seed (default 0)")
        parser.add_argument(
            "--publish", action="store_true", help="publish the new version right away"
        )
        parser.add_argument(
            "--publisher",
            metavar="ORGANIZATION",
            help="slug of the organization that publishes (required with --publish)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        solve_options = SolveOptions(
            time_limit=options["time_limit"],
            num_workers=options["workers"],
            seed=options["seed"],
            progress=self._live,
        )
        if options["instance"] is not None:
            if (
                options["year"] is not None
                or options["publish"]
                or options["requests"]
                or options["summits"]
            ):
                raise CommandError(
                    "--instance solves a file only; drop YEAR, --requests, --summits and --publish",
                    returncode=2,
                )
            self._solve_file(options["instance"], solve_options, as_json=options["json"])
            return
        year: int | None = options["year"]
        if year is None:
            raise CommandError("give a YEAR to plan, or --instance FILE", returncode=2)
        publisher = None
        if options["publish"]:
            slug = options["publisher"]
            if not slug:
                raise CommandError("--publish needs --publisher ORGANIZATION", returncode=2)
            publisher = Organization.objects.filter(slug=slug).first()
            if publisher is None:
                raise CommandError(f"--publisher: no organization {slug!r}", returncode=2)
            try:
                check_publisher(publisher)
            except PlannerError as error:
                raise CommandError(f"--publisher: {error.message}", returncode=2) from None
        requests = None
        if options["requests"] is not None:
            requests = _read_list(options["requests"], what="requests")
        summits = []
        if options["summits"] is not None:
            summits = _read_list(options["summits"], what="summits")
        # Announced by the first progress report: a refused argument stays the only line.
        self._announce = f"planning {year} (time limit {solve_options.time_limit:g} s)…"
        try:
            plan = create_plan(
                year=year,
                requests=requests,
                origin=RequestOrigin.FILE if requests is not None else RequestOrigin.SUGGESTED,
                summits=summits,
                slots_per_day=options["slots_per_day"],
                rooms=options["rooms"],
                plenary_slots=options["plenary_slots"],
                options=solve_options,
            )
        except PlannerError as error:
            # The message's JSON path is inside the file it came from: name that file.
            file = options.get(error.source or "")
            where = f"{file}: " if file is not None else ""
            raise CommandError(f"{where}{error.message}", returncode=2) from None
        self._progress(plan.plan.get("statistics", {}), plan.objective, plan.bound)
        if publisher is not None:
            publish_plan(plan=plan, publisher=publisher)
        if options["json"]:
            self.stdout.write(json.dumps(plan.plan, ensure_ascii=False, indent=2))
            return
        self.stdout.write(self._summary(plan))

    def _solve_file(self, path: Path, options: SolveOptions, *, as_json: bool) -> None:
        data = _read_json(path, what="instance")
        try:
            _instance, result = solve_instance_data(data, options=options)
        except PlannerError as error:
            raise CommandError(f"{path}: {error.message}", returncode=2) from None
        self._progress(result.statistics, result.objective, result.bound)
        if as_json:
            self.stdout.write(json.dumps(plan_to_json(result), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(self._core_summary(result))

    _announce = ""

    def _say_planning(self) -> None:
        if self._announce:
            self.stderr.write(self._announce)
            self._announce = ""

    def _live(self, progress: Progress) -> None:
        # Called from the solver's threads while it searches; stderr keeps stdout for JSON.
        self._say_planning()
        self.stderr.write(
            f"{progress.elapsed_s:7.1f} s  incumbent {progress.incumbent}, "
            f"bound {progress.bound}, gap {progress.gap:.2%} ({progress.phase})"
        )

    def _progress(self, statistics: Any, objective: int, bound: int) -> None:
        self._say_planning()
        for phase in statistics.get("phases", []):
            incumbent = phase.get("objective", "-")
            self.stderr.write(
                f"phase {phase['phase']}: {phase['status']}, incumbent {incumbent}, "
                f"bound {phase.get('bound', '-')}, {phase['wall_time_s']} s"
            )
        gap = statistics.get("gap")
        self.stderr.write(
            f"objective {objective}, bound {bound}, gap {'-' if gap is None else f'{gap:.2%}'}"
        )

    def _core_summary(self, result: CorePlan) -> str:
        return (
            f"{result.status}: {len(result.meetings)} meetings placed, "
            f"{len(result.unplaced)} unplaced, objective {result.objective}, bound {result.bound}"
        )

    def _summary(self, plan: Plan) -> str:
        state = "published" if not plan.is_draft else "draft"
        return (
            f"{plan.year} version {plan.version} ({state}, {plan.solver_status}): "
            f"{plan.meetings.count()} meetings placed, {plan.unplaced.count()} unplaced, "
            f"objective {plan.objective}, bound {plan.bound}"
        )
