"""Read and check the registry's Frictionless Data Package, without Django.

Each defect is reported with its file, line, field and what to do, and the whole
package is checked before anything is loaded, so that a curator sees every
problem at once.

Schema checks (required, enum, pattern, type) are done here rather than through
frictionless-py: that library is large, slow to import and its messages name
cells by position; the consistency rules (overlapping intervals, unknown codes,
missing sources) are ours anyway. The test suite still validates the bundled
package with frictionless-py, so the two cannot drift apart.
"""

from __future__ import annotations

import csv
import functools
import json
import re
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pycountry
from dateutil.rrule import rrulestr

from sideline.registry.dates import Interval, PartialDate, PartialDateError

__all__ = [
    "BUNDLED_PACKAGE",
    "DataIssue",
    "Package",
    "PackageError",
    "read_package",
    "state_names",
]

BUNDLED_PACKAGE = Path(__file__).resolve().parent.parent / "data"

Row = dict[str, str]


@dataclass(frozen=True, order=True)
class DataIssue:
    """One defect of the package, located as precisely as possible."""

    file: str
    line: int
    field: str
    code: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f", line {self.line}"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"


class PackageError(Exception):
    """The package cannot be used; ``issues`` lists every defect found."""

    def __init__(self, issues: list[DataIssue]) -> None:
        self.issues = sorted(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


@dataclass
class Package:
    """The rows of every resource, checked; each row keeps its CSV line as ``_line``."""

    directory: Path
    descriptor: dict[str, Any]
    tables: dict[str, list[Row]] = field(default_factory=dict)

    def rows(self, resource: str) -> list[Row]:
        return self.tables.get(resource, [])


@dataclass(frozen=True)
class _StateName:
    name_en: str
    name_ru: str
    historical: bool


def state_names(code: str) -> tuple[str, str, bool] | None:
    """Return the English and Russian names of an ISO 3166 alpha-3 code, and whether it is former.

    Names come from pycountry's ISO tables and its bundled Russian translations.

    >>> state_names("KAZ")
    ('Kazakhstan', 'Казахстан', False)
    >>> state_names("SUN")[2]
    True
    >>> state_names("XXX") is None
    True
    """
    found = _state_cache().get(code)
    if found is None:
        return None
    return found.name_en, found.name_ru, found.historical


def _build_state_cache() -> dict[str, _StateName]:
    import gettext

    def translator(domain: str) -> gettext.NullTranslations:
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["ru"], fallback=True)

    current = translator("iso3166-1")
    former = translator("iso3166-3")
    cache: dict[str, _StateName] = {}
    for country in pycountry.historic_countries:
        cache[country.alpha_3] = _StateName(country.name, former.gettext(country.name), True)
    for country in pycountry.countries:
        name = getattr(country, "common_name", None) or country.name
        ru = current.gettext(name)
        if ru == name:
            ru = current.gettext(country.name)
        cache[country.alpha_3] = _StateName(name, ru, False)
    return cache


# Where ISO's short names read oddly in a list of members, the common form is used.
_NAME_OVERRIDES = {
    "USA": ("United States", "Соединённые Штаты Америки"),
    "SUN": ("USSR", "СССР"),
    "YUG": ("Yugoslavia", "Югославия"),
    "CSK": ("Czechoslovakia", "Чехословакия"),
    "RUS": ("Russia", "Россия"),
    "MDA": ("Moldova", "Молдова"),
}


def _apply_overrides(cache: dict[str, _StateName]) -> dict[str, _StateName]:
    for code, (name_en, name_ru) in _NAME_OVERRIDES.items():
        if code in cache:
            cache[code] = _StateName(name_en, name_ru, cache[code].historical)
    return cache


@functools.cache
def _state_cache() -> dict[str, _StateName]:
    """Build the names once, on first use: reading pycountry's tables is slow at import."""
    return _apply_overrides(_build_state_cache())


def _check_cell(value: str, spec: dict[str, Any]) -> str | None:
    """Return what is wrong with one cell under its Table Schema field, or None."""
    constraints = spec.get("constraints", {})
    if value == "":
        return "is required" if constraints.get("required") else None
    kind = spec.get("type", "string")
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"{value!r} is not a date; write YYYY-MM-DD"
    elif kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            return f"{value!r} is not a whole number"
    elif kind == "number":
        try:
            float(value)
        except ValueError:
            return f"{value!r} is not a number"
    if "enum" in constraints and value not in constraints["enum"]:
        return f"{value!r} is not one of: {', '.join(constraints['enum'])}"
    pattern = constraints.get("pattern")
    if pattern and not re.fullmatch(pattern, value):
        return f"{value!r} does not match the pattern {pattern}"
    minimum = constraints.get("minimum")
    if minimum is not None and kind in {"integer", "number"} and float(value) < minimum:
        return f"{value!r} is below the minimum {minimum}"
    return None


def _read_resource(directory: Path, resource: dict[str, Any]) -> tuple[list[Row], list[DataIssue]]:
    name = resource["path"]
    path = directory / name
    issues: list[DataIssue] = []
    if not path.is_file():
        return [], [DataIssue(name, 0, "", "missing_file", f"the file is missing from {directory}")]
    fields = {spec["name"]: spec for spec in resource["schema"]["fields"]}
    rows: list[Row] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [column for column in fields if column not in header]
        unknown = [column for column in header if column not in fields]
        for column in missing:
            issues.append(
                DataIssue(
                    name, 1, column, "missing_column", "the column is missing from the header"
                )
            )
        for column in unknown:
            issues.append(
                DataIssue(
                    name,
                    1,
                    column,
                    "unknown_column",
                    "the column is not in datapackage.json; remove or declare it",
                )
            )
        if missing:
            return [], issues
        for line, raw in enumerate(reader, start=2):
            if None in raw:
                issues.append(
                    DataIssue(
                        name, line, "", "extra_cells", "the row has more cells than the header"
                    )
                )
                continue
            row = {column: (raw.get(column) or "").strip() for column in fields}
            for column, spec in fields.items():
                problem = _check_cell(row[column], spec)
                if problem:
                    issues.append(DataIssue(name, line, column, "invalid_value", problem))
            row["_line"] = str(line)
            rows.append(row)
    key = resource["schema"].get("primaryKey")
    if key:
        seen: dict[tuple[str, ...], str] = {}
        for row in rows:
            value = tuple(row[column] for column in key)
            if value in seen:
                issues.append(
                    DataIssue(
                        name,
                        int(row["_line"]),
                        key[0],
                        "duplicate_key",
                        f"{'/'.join(value)!r} already appears on line {seen[value]}",
                    )
                )
            else:
                seen[value] = row["_line"]
    return rows, issues


def _partial(row: Row, column: str, file: str, issues: list[DataIssue]) -> PartialDate | None:
    if not row[column]:
        return None
    try:
        return PartialDate.parse(row[column])
    except PartialDateError as error:
        issues.append(DataIssue(file, int(row["_line"]), column, "invalid_date", str(error)))
        return None


class _Checker:
    """The consistency rules that span rows and files."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.issues: list[DataIssue] = []
        self.sources = {
            row["id"] for name in ("sources", "sources_activity") for row in package.rows(name)
        }
        self.organizations = {row["slug"] for row in package.rows("organizations")}
        self.functions = {row["slug"] for row in package.rows("functions")}
        self.pillars = {row["slug"] for row in package.rows("pillars")}
        self.forums = {row["slug"] for row in package.rows("forums")}

    def file(self, resource: str) -> str:
        for spec in self.package.descriptor["resources"]:
            if spec["name"] == resource:
                return str(spec["path"])
        return resource

    def add(self, resource: str, row: Row, column: str, code: str, message: str) -> None:
        self.issues.append(DataIssue(self.file(resource), int(row["_line"]), column, code, message))

    def reference(
        self, resource: str, row: Row, column: str, known: set[str], what: str, hint: str
    ) -> None:
        for value in row[column].split():
            if value not in known:
                self.add(
                    resource,
                    row,
                    column,
                    f"unknown_{what}",
                    f"{value!r} is not a known {what}; {hint}",
                )

    def state(self, resource: str, row: Row, column: str) -> None:
        code = row[column]
        if code and code not in _state_cache():
            self.add(
                resource,
                row,
                column,
                "unknown_state",
                f"{code!r} is not an ISO 3166-1 (or ISO 3166-3 former) alpha-3 code",
            )

    def run(self) -> list[DataIssue]:
        source_hint = "add it to sources.csv or sources_activity.csv"
        for resource in (
            "organizations",
            "memberships",
            "mandates",
            "forums",
            "sessions",
            "engagements",
        ):
            for row in self.package.rows(resource):
                self.reference(resource, row, "source", self.sources, "source", source_hint)
        self.check_organizations()
        self.check_memberships()
        for row in self.package.rows("mandates"):
            self.reference(
                "mandates",
                row,
                "organization",
                self.organizations,
                "organization",
                "add it to organizations.csv",
            )
            self.reference(
                "mandates", row, "function", self.functions, "function", "add it to functions.csv"
            )
        self.check_forums()
        self.check_sessions()
        self.check_engagements()
        return self.issues

    def check_organizations(self) -> None:
        for row in self.package.rows("organizations"):
            founded = _partial(row, "founded", self.file("organizations"), self.issues)
            dissolved = _partial(row, "dissolved", self.file("organizations"), self.issues)
            if founded and dissolved and Interval(founded, dissolved).is_reversed():
                self.add(
                    "organizations",
                    row,
                    "dissolved",
                    "end_before_start",
                    "the organization is dissolved before it was founded",
                )
            self.reference(
                "organizations",
                row,
                "successor",
                self.organizations,
                "organization",
                "add it to organizations.csv",
            )
            self.reference(
                "organizations", row, "pillars", self.pillars, "pillar", "add it to pillars.csv"
            )

    def check_memberships(self) -> None:
        file = self.file("memberships")
        spans: dict[tuple[str, str, str], list[tuple[Interval, Row]]] = defaultdict(list)
        for row in self.package.rows("memberships"):
            self.reference(
                "memberships",
                row,
                "organization",
                self.organizations,
                "organization",
                "add it to organizations.csv",
            )
            self.state("memberships", row, "state")
            start = _partial(row, "start", file, self.issues)
            end = _partial(row, "end", file, self.issues)
            if start is None:
                continue
            interval = Interval(start, end)
            if interval.is_reversed():
                self.add(
                    "memberships",
                    row,
                    "end",
                    "end_before_start",
                    f"the end {row['end']} is not after the start {row['start']}",
                )
                continue
            spans[(row["organization"], row["state"], row["status"])].append((interval, row))
        for (organization, state, status), items in spans.items():
            items.sort(key=lambda item: item[0].start.first_day)
            for (first, first_row), (second, second_row) in pairwise(items):
                if first.overlaps(second):
                    self.add(
                        "memberships",
                        second_row,
                        "start",
                        "overlapping_interval",
                        f"{state} as {status} of {organization} from {second_row['start']} overlaps line "
                        f"{first_row['_line']} ({first_row['start']}–{first_row['end'] or 'open'}); "
                        "end the earlier row or merge them",
                    )
        members = spans
        for (organization, state, status), items in spans.items():
            if status != "suspended":
                continue
            covering = [
                interval for interval, _ in members.get((organization, state, "member"), [])
            ]
            for interval, row in items:
                inside = any(
                    outer.start.first_day <= interval.start.first_day
                    and (
                        outer.end is None
                        or (
                            interval.end is not None
                            and interval.end.first_day <= outer.end.first_day
                        )
                    )
                    for outer in covering
                )
                if not inside:
                    self.add(
                        "memberships",
                        row,
                        "start",
                        "suspension_outside_membership",
                        f"{state} is suspended in {organization} outside any of its member rows; "
                        "a suspension must lie within a membership",
                    )

    def check_forums(self) -> None:
        for row in self.package.rows("forums"):
            self.reference(
                "forums",
                row,
                "organization",
                self.organizations,
                "organization",
                "add it to organizations.csv",
            )
            if row["timezone"]:
                self.timezone("forums", row)
            if row["rrule"] and row["dtstart"]:
                try:
                    rrulestr(row["rrule"], dtstart=date.fromisoformat(row["dtstart"]))
                except (ValueError, TypeError) as error:
                    self.add(
                        "forums", row, "rrule", "invalid_rrule", f"not an RFC 5545 RRULE: {error}"
                    )

    def timezone(self, resource: str, row: Row) -> None:
        try:
            zoneinfo.ZoneInfo(row["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.add(
                resource,
                row,
                "timezone",
                "unknown_timezone",
                f"{row['timezone']!r} is not an IANA time zone such as Europe/Vienna",
            )

    def check_sessions(self) -> None:
        for row in self.package.rows("sessions"):
            self.reference("sessions", row, "forum", self.forums, "forum", "add it to forums.csv")
            self.reference(
                "sessions",
                row,
                "attendees",
                self.organizations,
                "organization",
                "add it to organizations.csv",
            )
            self.state("sessions", row, "country")
            self.timezone("sessions", row)
            try:
                if date.fromisoformat(row["end"]) < date.fromisoformat(row["start"]):
                    self.add(
                        "sessions",
                        row,
                        "end",
                        "end_before_start",
                        f"the session ends ({row['end']}) before it starts ({row['start']})",
                    )
            except ValueError:
                pass  # Already reported as an invalid date by the schema check.

    def check_engagements(self) -> None:
        file = self.file("engagements")
        for row in self.package.rows("engagements"):
            self.state("engagements", row, "state")
            self.reference(
                "engagements", row, "pillars", self.pillars, "pillar", "add it to pillars.csv"
            )
            start = _partial(row, "date", file, self.issues)
            end = _partial(row, "end", file, self.issues)
            if start and end and Interval(start, end).is_reversed():
                self.add(
                    "engagements",
                    row,
                    "end",
                    "end_before_start",
                    f"the end {row['end']} is not after the date {row['date']}",
                )


def read_package(directory: Path | None = None) -> Package:
    """Read every resource of the package in ``directory`` and check it whole.

    Args:
        directory: a folder with ``datapackage.json``; the bundled dataset by default.

    Returns:
        The checked package.

    Raises:
        PackageError: listing every defect found, each with file, line and field.
    """
    directory = directory or BUNDLED_PACKAGE
    descriptor_path = directory / "datapackage.json"
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackageError(
            [
                DataIssue(
                    str(descriptor_path),
                    0,
                    "",
                    "missing_descriptor",
                    "no datapackage.json here; give the folder of a data package",
                )
            ]
        ) from None
    except json.JSONDecodeError as error:
        raise PackageError(
            [
                DataIssue(
                    "datapackage.json",
                    error.lineno,
                    "",
                    "invalid_json",
                    f"not valid JSON: {error.msg}",
                )
            ]
        ) from None
    package = Package(directory=directory, descriptor=descriptor)
    issues: list[DataIssue] = []
    for resource in descriptor.get("resources", []):
        rows, found = _read_resource(directory, resource)
        package.tables[resource["name"]] = rows
        issues.extend(found)
    issues.extend(_Checker(package).run())
    if issues:
        raise PackageError(issues)
    return package


def referenced_states(package: Package) -> Iterable[str]:
    codes = {row["state"] for row in package.rows("memberships")}
    codes |= {row["country"] for row in package.rows("sessions")}
    codes |= {row["state"] for row in package.rows("engagements")}
    return sorted(codes)
