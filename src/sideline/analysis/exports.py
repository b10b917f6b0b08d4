"""Each analysis as JSON records, a flat table (CSV, text) and an SVG chart.

The pages, the API and the ``sideline analyse`` command all present the same reports;
these functions are the one place that decides the records' order (best first), the
table's columns and the chart, so the three interfaces cannot drift apart. Records name
states by ISO alpha-3 code and organizations by slug.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from sideline.analysis.balance import BalanceSeries
from sideline.analysis.duplication import Duplication
from sideline.analysis.selectors import (
    BridgeReport,
    OverlapReport,
)
from sideline.analysis.svg import bar_ranking_svg, heatmap_svg, network_svg, stacked_svg
from sideline.analysis.ties import PairTies
from sideline.analysis.vote_selectors import (
    VotingReport,
    year_of_session,
)
from sideline.validators import spreadsheet_row

__all__ = [
    "Export",
    "balance_export",
    "bridges_export",
    "duplication_export",
    "network_export",
    "overlap_export",
    "render_csv",
    "render_text",
    "suggestions_export",
    "ties_export",
    "voting_export",
]

Cell = str | int | float | None

#: Bars drawn in a ranking chart; the table and the downloads keep every row.
CHART_LIMIT = 25


@dataclass(frozen=True)
class Export:
    """One analysis ready to present: records, a flat table and a chart."""

    records: list[dict[str, object]]
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    svg: str


def _number(value: float | None, digits: int = 6) -> float | None:
    # Adding 0.0 turns the -0.0 of an entropy of (1, 0) into 0.0.
    return None if value is None else round(value, digits) + 0.0


def overlap_export(report: OverlapReport, *, names: Mapping[str, str] | None = None) -> Export:
    """Return the pairs sharing member states (highest Jaccard first) and the heatmap,
    its organizations labelled with ``names`` (slug → display name) where given."""
    day = report.day.isoformat()
    return Export(
        records=[row.as_dict() for row in report.pairs],
        headers=(
            "first",
            "second",
            "first_size",
            "second_size",
            "shared_count",
            "jaccard",
            "overlap_coefficient",
            "shared",
        ),
        rows=[
            (
                *row.organizations,
                *row.sizes,
                len(row.shared),
                _number(row.jaccard),
                _number(row.overlap_coefficient),
                " ".join(row.shared),
            )
            for row in report.pairs
        ],
        svg=heatmap_svg(
            rows=report.organizations,
            columns=report.organizations,
            values=report.jaccard,
            title=_("Membership overlap (Jaccard index) on %(day)s") % {"day": day},
            description=_(
                "Shared member states divided by the states in either organization; "
                "1 on the diagonal."
            ),
            id_prefix="overlap",
            names=names,
            legend=_("Jaccard index"),
        ),
    )


def duplication_export(
    ranking: Sequence[Duplication], *, names: Mapping[str, str] | None = None
) -> Export:
    """Return the duplicating pairs (highest score first) and their bar ranking."""
    shown = ranking[:CHART_LIMIT]
    named = dict(names or {})
    return Export(
        records=[d.as_dict() for d in ranking],
        headers=(
            "first",
            "second",
            "score",
            "functional",
            "membership",
            "shared_functions",
            "shared_states",
        ),
        rows=[
            (
                d.organizations[0],
                d.organizations[1],
                _number(d.score),
                _number(d.functional),
                _number(d.membership),
                " ".join(
                    f"{s.function}:{'core' if s.common_weight >= 1 else 'secondary'}"
                    for s in d.shared_functions
                ),
                " ".join(sorted(d.shared_states)),
            )
            for d in ranking
        ],
        svg=bar_ranking_svg(
            labels=["–".join(named.get(o, o) for o in d.organizations) for d in shown],
            values=[round(d.score, 2) for d in shown],
            title=_("Functional duplication score, highest first"),
            description=_("Score = 0.75 × shared mandates + 0.25 × shared members."),
            value_format="{:.2f}",
            id_prefix="duplication",
        ),
    )


def bridges_export(report: BridgeReport) -> Export:
    """Return the bridge-state ranking (most blocs first) and its bar chart."""
    shown = report.ranking[:CHART_LIMIT]
    return Export(
        records=[b.as_dict() for b in report.ranking],
        headers=("rank", "state", "bloc_count", "blocs", "organizations", "betweenness"),
        rows=[
            (
                rank,
                b.state,
                b.bloc_count,
                " ".join(b.blocs),
                " ".join(b.organizations),
                _number(b.betweenness),
            )
            for rank, b in enumerate(report.ranking, 1)
        ],
        svg=bar_ranking_svg(
            labels=[b.state for b in shown],
            values=[b.bloc_count for b in shown],
            title=_("Bridge states on %(day)s: blocs spanned") % {"day": report.day.isoformat()},
            description=_("Number of distinct blocs of the organizations a state belongs to."),
            id_prefix="bridges",
        ),
    )


def network_export(report: BridgeReport, *, highlight: int = 10) -> Export:
    """Return the organization–state edges and the bipartite network chart.

    The ``highlight`` best-ranked bridge states are drawn in a second colour.
    """
    states = sorted({state for _, state in report.edges})
    return Export(
        records=[{"organization": o, "state": s} for o, s in report.edges],
        headers=("organization", "state"),
        rows=list(report.edges),
        svg=network_svg(
            organizations=report.organizations,
            states=states,
            edges=report.edges,
            highlight=[b.state for b in report.ranking[:highlight]],
            title=_("Organizations and their member states on %(day)s")
            % {"day": report.day.isoformat()},
            description=_("Bridge states are drawn in orange."),
            id_prefix="network",
        ),
    )


def suggestions_export(
    requests: Sequence[dict[str, object]],
    *,
    names: Mapping[str, str] | None = None,
    topics: Mapping[str, str] | None = None,
) -> Export:
    """Return the suggested meeting requests (best first) and a priority chart whose
    bars are labelled with the organizations' and the topic's names where given."""
    shown = requests[:CHART_LIMIT]
    named, topic_names = dict(names or {}), dict(topics or {})

    def label(request: dict[str, object]) -> str:
        organizations = "–".join(named.get(str(o), str(o)) for o in request["organizations"])  # type: ignore[attr-defined]  # a list of slugs
        topic = str(request["topic"])
        return f"{organizations}: {topic_names.get(topic, topic)}"

    return Export(
        records=list(requests),
        headers=("id", "organizations", "topic", "priority", "slots"),
        rows=[
            (
                str(r["id"]),
                " ".join(str(o) for o in r["organizations"]),  # type: ignore[attr-defined]  # a list of slugs
                str(r["topic"]),
                int(r["priority"]),  # type: ignore[call-overload]  # an int
                int(r["slots"]),  # type: ignore[call-overload]  # an int
            )
            for r in requests
        ],
        svg=bar_ranking_svg(
            labels=[label(r) for r in shown],
            values=[int(r["priority"]) for r in shown],  # type: ignore[call-overload]  # an int
            title=_("Suggested meeting requests by priority"),
            id_prefix="suggestions",
        ),
    )


def balance_export(series: BalanceSeries) -> Export:
    """Return a state's balance year by year and the stacked pillar-share chart."""
    years = [y.year for y in series.years]
    return Export(
        records=[
            {**y.as_dict(), "index": _number(y.index, 12), "hhi": _number(y.hhi, 12)}
            for y in series.years
        ],
        headers=("year", "index", "hhi", *(f"share_{p}" for p in series.pillars)),
        rows=[
            (
                y.year,
                _number(y.index),
                _number(y.hhi),
                *(_number(y.shares[p]) if y.shares else None for p in series.pillars),
            )
            for y in series.years
        ],
        svg=stacked_svg(
            years=years,
            shares={
                p: [y.shares[p] if y.shares else None for y in series.years] for p in series.pillars
            },
            index=[y.index for y in series.years],
            title=_("Balance of %(state)s between the pillars, %(start)s–%(end)s")
            % {"state": series.state, "start": years[0], "end": years[-1]},
            description=_(
                "Stacked shares of each pillar in the year's engagements; the line is the "
                "balance index (1 = even, 0 = one pillar)."
            ),
            id_prefix="balance",
        ),
    )


def voting_export(report: VotingReport) -> Export:
    """Return a state's UNGA agreement per session and a pillars × sessions heatmap."""
    return Export(
        records=report.rows(),
        headers=("session", "year", *report.pillars),
        rows=[
            (
                session,
                year_of_session(session),
                *(_number(report.agreement[p].get(session)) for p in report.pillars),
            )
            for session in report.sessions
        ],
        svg=heatmap_svg(
            rows=list(report.pillars),
            columns=[str(session) for session in report.sessions],
            # A session where a pillar cast no counted vote is drawn as 0 (and says so).
            values=[
                [report.agreement[p].get(session, 0.0) for session in report.sessions]
                for p in report.pillars
            ],
            title=_("UN General Assembly voting agreement of %(state)s by session")
            % {"state": report.state},
            description=_("Share of roll calls on which the state voted as the pillar did."),
            id_prefix="voting",
        ),
    )


def _text(value: Cell, *, digits: int, width: int) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    text = str(value)
    # A terminal table stays readable; CSV and JSON keep every item.
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(export: Export, *, digits: int = 3, width: int = 60) -> str:
    """Return the table as aligned plain text, numbers right-aligned, cells cut at ``width``."""
    cells = [list(export.headers)] + [
        [_text(value, digits=digits, width=width) for value in row] for row in export.rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(export.headers))]
    numeric = [
        all(isinstance(row[i], int | float) or row[i] is None for row in export.rows)
        and bool(export.rows)
        for i in range(len(export.headers))
    ]
    lines = []
    for row in cells:
        parts = [
            cell.rjust(width) if is_number else cell.ljust(width)
            for cell, width, is_number in zip(row, widths, numeric, strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def render_csv(export: Export) -> str:
    """Return the table as CSV (header row first, empty cells for missing values)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spreadsheet_row(export.headers))
    writer.writerows(
        spreadsheet_row("" if value is None else value for value in row) for row in export.rows
    )
    return buffer.getvalue()


def ties_export(pairs: Sequence[PairTies]) -> Export:
    """Return each pair's formal ties beside its duplication (highest score first).

    The chart ranks the pairs that duplicate most and have no formal tie.
    """
    untied = [p for p in pairs if not p.has_tie][:CHART_LIMIT]
    return Export(
        records=[p.as_dict() for p in pairs],
        headers=(
            "first",
            "second",
            "score",
            "functional",
            "membership",
            "shared_states",
            "ties",
        ),
        rows=[
            (
                p.organizations[0],
                p.organizations[1],
                _number(p.score),
                _number(p.functional),
                _number(p.membership),
                len(p.shared_states),
                " ".join(f"{t.kind}:{t.id}" for t in p.ties),
            )
            for p in pairs
        ],
        svg=bar_ranking_svg(
            labels=["–".join(p.organizations) for p in untied],
            values=[round(p.score, 2) for p in untied],
            title=_("Duplicating pairs with no formal tie, highest score first"),
            description=_(
                "No relation (declaration, memorandum, observer status …) in force between them."
            ),
            value_format="{:.2f}",
            id_prefix="ties",
        ),
    )
