"""CSV and JSON exports of a state's record, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sideline.prevention.selectors import Monitor
from sideline.prevention.series import month_label, type_name
from sideline.validators import spreadsheet_row

__all__ = [
    "concern_rows",
    "concerns_csv",
    "dumps",
    "monitor_csv",
    "monitor_json",
]


def monitor_json(m: Monitor) -> dict[str, Any]:
    """Return the monitor as plain data (the API's and the JSON download's body)."""
    rates = m.rates
    return {
        "state": m.state,
        "name": m.name,
        "yearly": [{"year": y, "deaths": d} for y, d in m.yearly.items()],
        "monthly": None
        if m.monthly is None
        else [{"month": month_label(i), "deaths": d} for i, d in m.monthly],
        "base_rates": None
        if rates is None
        else {
            "months": rates.months,
            "months_with_deaths": rates.months_with_deaths,
            "share": rates.share,
            "mean": rates.mean,
            "share_recent": rates.share_recent,
            "mean_recent": rates.mean_recent,
            "last_event": None
            if rates.last_event is None
            else {
                "month": f"{rates.last_event.year}-{rates.last_event.month:02d}",
                "deaths": rates.last_event.deaths,
            },
            "months_since_last": rates.months_since_last,
        },
        "episodes": [
            {
                "conflict_id": e.conflict_id,
                "states": list(e.states),
                "first_year": e.first_year,
                "last_year": e.last_year,
                "intensity": e.intensity,
                "type": type_name(e.conflict_type),
                "ended": e.ended,
            }
            for e in m.episodes
        ],
        "signals": [
            {
                "rule": s.rule,
                "at": s.at,
                "raised": s.raised,
                "evidence": [
                    {"key": e.key, "label": e.label, "value": e.value, "params": dict(e.params)}
                    for e in s.evidence
                ],
            }
            for s in m.signals
        ],
        "datasets": [
            {
                "kind": d.kind,
                "file": d.name,
                "source": d.source,
                "licence": d.licence,
                "from": d.first_period,
                "to": d.last_period,
                "sha256": d.sha256,
                "bundled": d.bundled,
            }
            for d in m.datasets.values()
        ],
    }


def monitor_csv(m: Monitor) -> str:
    """Return the state's series as CSV: ``state,period,deaths`` (months, else years)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["state", "period", "deaths"])
    if m.monthly is not None:
        for index, deaths in m.monthly:
            writer.writerow(spreadsheet_row([m.state, month_label(index), f"{deaths:g}"]))
    else:
        for year, deaths in m.yearly.items():
            writer.writerow(spreadsheet_row([m.state, str(year), f"{deaths:g}"]))
    return out.getvalue()


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)


CONCERN_COLUMNS = (
    "id",
    "organization",
    "state",
    "other_state",
    "title",
    "severity",
    "public",
    "status",
    "concerned",
    "endorsed_by",
    "sources",
    "request",
    "created",
)


def concern_rows(concerns: Any) -> list[dict[str, Any]]:
    """Return the concerns as plain rows (the caller passes only those the user may read)."""
    return [
        {
            "id": c.pk,
            "organization": c.organization.slug,
            "state": c.state.code,
            "other_state": c.other_state.code if c.other_state else "",
            "title": c.title,
            "severity": c.severity,
            "public": c.public,
            "status": c.status,
            "concerned": " ".join(sorted(o.slug for o in c.concerned.all())),
            "endorsed_by": " ".join(e.organization.slug for e in c.endorsements.all()),
            "sources": list(c.sources),
            "request": f"{c.request_year}/{c.request_key}" if c.request_key else "",
            "created": c.created_at.isoformat(),
        }
        for c in concerns
    ]


def concerns_csv(rows: list[dict[str, Any]]) -> str:
    """Return concern rows as CSV; a cell that a spreadsheet would run as a formula is quoted."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CONCERN_COLUMNS)
    for row in rows:
        values = [" | ".join(row[k]) if k == "sources" else row[k] for k in CONCERN_COLUMNS]
        writer.writerow(spreadsheet_row(values))
    return out.getvalue()
