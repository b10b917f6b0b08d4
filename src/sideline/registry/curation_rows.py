"""Curated corrections as rows of the data package, without Django.

A curator's correction names one row of a package table by its key and says what the
row was (``before``) and what it is to be (``after``): a change has both, an addition
only ``after``, a removal only ``before``. The loader lays the approved corrections over
the bundled rows, in the order they were approved, so that no later load undoes them;
where the bundled row is neither the ``before`` nor the ``after`` of a correction, the
bundle changed a fact a curator had corrected: that is a conflict, reported, and the
curated row wins.

>>> tables = {"mandates": [{"organization": "sco", "function": "arms-control",
...                         "weight": "secondary", "basis": "", "source": "a"}]}
>>> fix = CorrectionRows(1, "mandates", "change",
...     before=dict(tables["mandates"][0]), after={**tables["mandates"][0], "weight": "core"})
>>> overlay(tables, [fix])
[]
>>> tables["mandates"][0]["weight"]
'core'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "ACTIONS",
    "KEYS",
    "TABLES",
    "Conflict",
    "CorrectionRows",
    "TableChanges",
    "TableSpec",
    "changed_columns",
    "diff_tables",
    "key_text",
    "overlay",
    "row_key",
]

Row = dict[str, str]
Tables = dict[str, list[Row]]

ACTIONS = ("change", "add", "remove")


@dataclass(frozen=True)
class TableSpec:
    """The columns that name a row (``key``) and those a curator may correct."""

    key: tuple[str, ...]
    editable: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """Return the key's columns, then the editable ones not in the key."""
        return self.key + tuple(c for c in self.editable if c not in self.key)


# The tables a curator corrects. The ``source`` column is not in ``editable``: every
# corrected row points at the source the curator gave for it.
TABLES: dict[str, TableSpec] = {
    "memberships": TableSpec(
        key=("organization", "state", "participant_organization", "start"),
        editable=("status", "start", "end", "note"),
    ),
    "mandates": TableSpec(key=("organization", "function"), editable=("weight", "basis")),
    "organizations": TableSpec(
        key=("slug",),
        editable=(
            "name_en",
            "name_ru",
            "abbreviation_en",
            "abbreviation_ru",
            "founded",
            "dissolved",
            "successor",
            "headquarters",
            "bloc",
            "pillars",
            "url",
        ),
    ),
    "forums": TableSpec(
        key=("slug",),
        editable=(
            "organization",
            "name_en",
            "name_ru",
            "level",
            "rrule",
            "dtstart",
            "duration_days",
            "timezone",
        ),
    ),
    "sessions": TableSpec(
        key=("id",),
        editable=("forum", "start", "end", "city", "country", "timezone", "attendees", "status"),
    ),
    "sources": TableSpec(key=("id",), editable=("title", "publisher", "url", "accessed", "note")),
}

# What names a row of every table, for the report of what a load changed.
KEYS: dict[str, tuple[str, ...]] = {
    **{name: spec.key for name, spec in TABLES.items()},
    "states": ("code",),
    "relations": ("id",),
    "pillars": ("slug",),
    "functions": ("slug",),
    "engagements": ("id",),
}


@dataclass(frozen=True)
class CorrectionRows:
    """One approved correction: ``before`` and ``after`` are whole rows (or empty)."""

    number: int
    table: str
    action: str
    before: Mapping[str, str] = field(default_factory=dict)
    after: Mapping[str, str] = field(default_factory=dict)
    source_row: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Conflict:
    """A bundled row that differs from what a curated correction expects."""

    number: int
    table: str
    key: str
    bundled: Mapping[str, str]
    curated: Mapping[str, str]

    def __str__(self) -> str:
        if not self.bundled:
            return (
                f"{self.table} {self.key}: the bundled data no longer has this row; "
                f"kept the curated row of correction {self.number}"
            )
        if not self.curated:
            return (
                f"{self.table} {self.key}: the bundled data changed a row that correction "
                f"{self.number} removed; kept it removed"
            )
        columns = changed_columns(self.bundled, self.curated)
        said = ", ".join(f"{c}={self.bundled.get(c, '')!r}" for c in columns)
        return (
            f"{self.table} {self.key}: the bundled data says {said}; kept correction {self.number}"
        )


def row_key(table: str, row: Mapping[str, str]) -> tuple[str, ...]:
    """Return the values that name ``row`` in ``table``."""
    return tuple(row.get(column, "") for column in KEYS[table])


def key_text(table: str, row: Mapping[str, str]) -> str:
    """Return the key as a reader writes it: ``csto UZB 2006-08-16``."""
    return " ".join(value for value in row_key(table, row) if value)


def _clean(row: Mapping[str, str]) -> Row:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def changed_columns(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    """Return the columns whose value differs, in the order of ``after`` then ``before``."""
    names = list(after) + [name for name in before if name not in after]
    return [
        name
        for name in names
        if not name.startswith("_") and before.get(name, "") != after.get(name, "")
    ]


def _find(rows: list[Row], table: str, key: tuple[str, ...]) -> int | None:
    for index, row in enumerate(rows):
        if row_key(table, row) == key:
            return index
    return None


def _upsert_source(tables: Tables, source_row: Mapping[str, str]) -> None:
    sources = tables.setdefault("sources", [])
    index = _find(sources, "sources", row_key("sources", source_row))
    if index is None:
        sources.append(dict(source_row))
    else:
        sources[index] = dict(source_row)


def overlay(tables: Tables, corrections: Iterable[CorrectionRows]) -> list[Conflict]:
    """Lay ``corrections`` over ``tables`` in order, in place; return the conflicts.

    A bundled row equal to a correction's ``after`` needs nothing (the bundle caught
    up); equal to its ``before``, it takes the correction; anything else is a conflict,
    and the correction is applied all the same.
    """
    conflicts: list[Conflict] = []
    for fix in corrections:
        if fix.source_row:
            _upsert_source(tables, fix.source_row)
        rows = tables.setdefault(fix.table, [])
        before, after = dict(fix.before), dict(fix.after)
        anchor = before or after
        index = _find(rows, fix.table, row_key(fix.table, anchor))
        if index is None and after and before:
            # The row may already carry the corrected key (a corrected start, say).
            index = _find(rows, fix.table, row_key(fix.table, after))
        current = _clean(rows[index]) if index is not None else {}
        if current == after:
            continue
        if current != before:
            conflicts.append(
                Conflict(fix.number, fix.table, key_text(fix.table, anchor), current, after)
            )
        if index is None:
            rows.append(after)
        elif after:
            rows[index] = after
        else:
            del rows[index]
    return conflicts


@dataclass(frozen=True)
class TableChanges:
    """The rows of one table that a load added, changed and removed (by key)."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def diff_tables(
    before: Mapping[str, Sequence[Row]], after: Mapping[str, Sequence[Row]]
) -> dict[str, TableChanges]:
    """Return, per table, the keys of the rows added, changed and removed.

    >>> old = {"forums": [{"slug": "a", "city": "X"}, {"slug": "b", "city": "Y"}]}
    >>> new = {"forums": [{"slug": "a", "city": "Z"}, {"slug": "c", "city": "Y"}]}
    >>> diff_tables(old, new)["forums"]
    TableChanges(added=('c',), changed=('a',), removed=('b',))
    """
    report: dict[str, TableChanges] = {}
    for table in sorted(set(before) | set(after)):
        old = {row_key(table, row): _clean(row) for row in before.get(table, ())}
        new = {row_key(table, row): _clean(row) for row in after.get(table, ())}
        report[table] = TableChanges(
            added=tuple(key_text(table, new[k]) for k in sorted(new.keys() - old.keys())),
            changed=tuple(
                key_text(table, new[k]) for k in sorted(new.keys() & old.keys()) if new[k] != old[k]
            ),
            removed=tuple(key_text(table, old[k]) for k in sorted(old.keys() - new.keys())),
        )
    return report
