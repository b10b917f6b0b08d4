"""Make the registry's tables equal to checked package rows, keeping rows' keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sideline.registry.dates import PartialDate
from sideline.registry.models import (
    Engagement,
    Forum,
    ForumSession,
    Function,
    Mandate,
    Membership,
    Organization,
    Pillar,
    Relation,
    Source,
    State,
)
from sideline.registry.package_rules import referenced_states
from sideline.registry.package_tables import Row
from sideline.registry.state_names import state_names

__all__ = ["Progress", "write_tables"]

Progress = Callable[[str], None]


def _first_day(text: str) -> date | None:
    return PartialDate.parse(text).first_day if text else None


def write_tables(tables: dict[str, list[Row]], say: Progress) -> None:
    """Make the registry's tables equal to ``tables`` (package rows, checked)."""

    def rows(name: str) -> list[Row]:
        return tables.get(name, [])

    say("sources")
    sources = _write_sources([*rows("sources"), *rows("sources_activity")])
    say("states")
    states = _upsert(State, "code", _state_rows(tables), prune=False)
    say("organizations")
    organizations = _write_organizations(rows("pillars"), rows("organizations"), sources)
    say("memberships")
    _write_memberships(rows("memberships"), organizations, states, sources)
    say("relations")
    _write_relations(rows("relations"), organizations, sources)
    say("mandates")
    _write_mandates(rows("functions"), rows("mandates"), organizations, sources)
    say("forums")
    _write_forums(rows("forums"), rows("sessions"), organizations, states, sources)
    say("engagements")
    _write_engagements(rows("engagements"), states, sources)


# Each step returns the rows it wrote by key, for the steps after it to point at.
_ByKey = dict[str, Any]


def _write_sources(rows: list[Row]) -> _ByKey:
    return _upsert(
        Source,
        "key",
        {
            row["id"]: {
                "title": row["title"],
                "publisher": row["publisher"],
                "url": row["url"],
                "accessed": date.fromisoformat(row["accessed"]) if row["accessed"] else None,
                "note": row["note"],
            }
            for row in rows
        },
        prune=False,
    )


def _write_organizations(pillars: list[Row], rows: list[Row], sources: _ByKey) -> _ByKey:
    _upsert(
        Pillar,
        "slug",
        {row["slug"]: {"name_en": row["name_en"], "name_ru": row["name_ru"]} for row in pillars},
    )
    organizations = _upsert(
        Organization,
        "slug",
        {
            row["slug"]: {
                "abbreviation_en": row["abbreviation_en"],
                "abbreviation_ru": row["abbreviation_ru"],
                "name_en": row["name_en"],
                "name_ru": row["name_ru"],
                "founded": row["founded"],
                "dissolved": row["dissolved"],
                "headquarters": row["headquarters"],
                "bloc": row["bloc"],
                "pillars": row["pillars"],
                "url": row["url"],
                "source": sources[row["source"]],
            }
            for row in rows
        },
    )
    for row in rows:
        successor = organizations.get(row["successor"]) if row["successor"] else None
        Organization.objects.filter(pk=organizations[row["slug"]].pk).update(successor=successor)
    return organizations


def _write_memberships(
    rows: list[Row], organizations: _ByKey, states: _ByKey, sources: _ByKey
) -> None:
    Membership.objects.all().delete()
    Membership.objects.bulk_create(
        Membership(
            organization=organizations[row["organization"]],
            state=states[row["state"]] if row["state"] else None,
            participant_organization=(
                organizations[row["participant_organization"]]
                if row["participant_organization"]
                else None
            ),
            status=row["status"],
            start=row["start"],
            end=row["end"],
            start_date=PartialDate.parse(row["start"]).first_day,
            end_date=_first_day(row["end"]),
            source=sources[row["source"]],
            note=row["note"],
        )
        for row in rows
    )


def _write_relations(rows: list[Row], organizations: _ByKey, sources: _ByKey) -> None:
    Relation.objects.all().delete()
    Relation.objects.bulk_create(
        Relation(
            key=row["id"],
            organization=organizations[row["organization"]],
            counterpart=organizations[row["counterpart"]],
            kind=row["kind"],
            title=row["title"],
            signed=row["signed"],
            in_force=row["in_force"],
            ended=row["ended"],
            start_date=PartialDate.parse(row["in_force"] or row["signed"]).first_day,
            end_date=_first_day(row["ended"]),
            reference=row["reference"],
            source=sources[row["source"]],
            note=row["note"],
        )
        for row in rows
    )


def _write_mandates(
    functions_rows: list[Row], rows: list[Row], organizations: _ByKey, sources: _ByKey
) -> None:
    functions = _upsert(
        Function,
        "slug",
        {
            row["slug"]: {
                key: row[key] for key in ("name_en", "name_ru", "description_en", "description_ru")
            }
            for row in functions_rows
        },
    )
    Mandate.objects.all().delete()
    Mandate.objects.bulk_create(
        Mandate(
            organization=organizations[row["organization"]],
            function=functions[row["function"]],
            weight=row["weight"],
            basis=row["basis"],
            source=sources[row["source"]],
        )
        for row in rows
    )


def _write_forums(
    rows: list[Row],
    sessions_rows: list[Row],
    organizations: _ByKey,
    states: _ByKey,
    sources: _ByKey,
) -> None:
    forums = _upsert(
        Forum,
        "slug",
        {
            row["slug"]: {
                "organization": organizations[row["organization"]],
                "name_en": row["name_en"],
                "name_ru": row["name_ru"],
                "level": row["level"],
                "rrule": row["rrule"],
                "dtstart": date.fromisoformat(row["dtstart"]),
                "duration_days": int(row["duration_days"]),
                "timezone": row["timezone"],
                "source": sources[row["source"]],
            }
            for row in rows
        },
    )
    sessions = _upsert(
        ForumSession,
        "key",
        {
            row["id"]: {
                "forum": forums[row["forum"]],
                "start": date.fromisoformat(row["start"]),
                "end": date.fromisoformat(row["end"]),
                "city": row["city"],
                "country": states[row["country"]],
                "timezone": row["timezone"],
                "status": row["status"],
                "source": sources[row["source"]],
            }
            for row in sessions_rows
        },
    )
    for row in sessions_rows:
        sessions[row["id"]].attendees.set(
            [organizations[slug] for slug in row["attendees"].split()]
        )


def _write_engagements(rows: list[Row], states: _ByKey, sources: _ByKey) -> None:
    _upsert(
        Engagement,
        "key",
        {
            row["id"]: {
                "state": states[row["state"]],
                "date": row["date"],
                "end": row["end"],
                "kind": row["kind"],
                "title_en": row["title_en"],
                "title_ru": row["title_ru"],
                "pillars": row["pillars"],
                "category": row["category"],
                "weight": float(row["weight"]) if row["weight"] else 1.0,
                "source": sources[row["source"]],
            }
            for row in rows
        },
    )


def _state_rows(tables: dict[str, list[Row]]) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for code in referenced_states(tables):
        names = state_names(code)
        assert names is not None  # read_package refused unknown codes.
        rows[code] = {"name_en": names[0], "name_ru": names[1], "historical": names[2]}
    return rows


def _upsert(
    model: Any, key: str, rows: dict[str, dict[str, Any]], *, prune: bool = True
) -> dict[str, Any]:
    """Make the table hold ``rows`` (keyed on ``key``), returning the instances by key."""
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    result: dict[str, Any] = {}
    to_create = []
    to_update = []
    for value, fields in rows.items():
        obj = existing.get(value)
        if obj is None:
            obj = model(**{key: value}, **fields)
            to_create.append(obj)
        else:
            changed = False
            for name, new in fields.items():
                if getattr(obj, name) != new:
                    setattr(obj, name, new)
                    changed = True
            if changed:
                to_update.append(obj)
        result[value] = obj
    model.objects.bulk_create(to_create)
    if to_update:
        field_names = sorted({name for fields in rows.values() for name in fields})
        model.objects.bulk_update(to_update, field_names)
    if prune:
        stale = [value for value in existing if value not in rows]
        if stale:
            model.objects.filter(**{f"{key}__in": stale}).delete()
    return result
