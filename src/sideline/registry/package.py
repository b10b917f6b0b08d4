"""Read and check the registry's Frictionless Data Package, without Django.

Each defect is reported with its file, line, field and what to do, and the whole
package is checked before anything is loaded, so that a curator sees every
problem at once.

The registry's own schema is the bundled ``datapackage.json``: a package must give
every resource in :data:`REQUIRED_RESOURCES` (the loader makes each of those tables
equal to the package, so a left-out resource would empty its table), and its cells
are checked against the bundled field definitions whatever the package declares.

Schema checks (required, enum, pattern, type, range) are done here rather than through
frictionless-py: that library is large, slow to import and its messages name
cells by position; the consistency rules (overlapping intervals, unknown codes,
missing sources) are ours anyway. The test suite still validates the bundled
package and both exports with frictionless-py, so the two cannot drift apart.

Modules: ``package_tables`` reads one table and checks its cells; ``package_rules``
holds the rules across rows and files, and the names of states.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from sideline.errors import ServiceError
from sideline.registry.package_rules import check_consistency
from sideline.registry.package_rules import referenced_states as _referenced_states
from sideline.registry.package_tables import DataIssue, Row, duplicate_keys, read_table

__all__ = [
    "BUNDLED_PACKAGE",
    "OPTIONAL_RESOURCES",
    "REQUIRED_RESOURCES",
    "DataIssue",
    "Package",
    "PackageError",
    "bundled_created",
    "read_package",
    "referenced_states",
    "registry_schemas",
]

BUNDLED_PACKAGE = Path(__file__).resolve().parent.parent / "data"

# The loader makes each of these tables equal to the package, removing rows it lacks.
REQUIRED_RESOURCES = (
    "sources",
    "pillars",
    "organizations",
    "memberships",
    "relations",
    "functions",
    "mandates",
    "forums",
    "sessions",
    "engagements",
)
# Only adds rows (sources are never removed): a package may leave it out.
OPTIONAL_RESOURCES = ("sources_activity",)

_FORMATS = {"csv": "csv", "json": "json"}
# Defects that leave a table unread: rules across files would only echo them.
_STRUCTURAL = {"missing_file", "unreadable_table", "missing_column", "unknown_column"}


class PackageError(ServiceError):
    """The package cannot be used; ``issues`` lists every defect found, one a line."""

    def __init__(self, issues: list[DataIssue]) -> None:
        self.issues = sorted(issues)
        super().__init__("invalid_package", "\n".join(str(issue) for issue in self.issues))


@dataclass
class Package:
    """The rows of every resource, checked; each row keeps its CSV line as ``_line``."""

    directory: Path
    descriptor: dict[str, Any]
    tables: dict[str, list[Row]] = field(default_factory=dict)

    def rows(self, resource: str) -> list[Row]:
        return self.tables.get(resource, [])


@functools.cache
def registry_schemas() -> dict[str, dict[str, Any]]:
    """Return the registry's Table Schema of each resource, from the bundled descriptor."""
    descriptor = json.loads((BUNDLED_PACKAGE / "datapackage.json").read_text(encoding="utf-8"))
    return {resource["name"]: resource["schema"] for resource in descriptor["resources"]}


def _descriptor_issue(message: str, code: str, field_name: str = "") -> DataIssue:
    return DataIssue("datapackage.json", 0, field_name, code, message)


def _read_descriptor(directory: Path) -> dict[str, Any]:
    path = directory / "datapackage.json"
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise PackageError(
            [
                DataIssue(
                    str(path),
                    0,
                    "",
                    "missing_descriptor",
                    "no datapackage.json here; give the folder of a data package",
                )
            ]
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise PackageError(
            [_descriptor_issue(f"cannot be read: {error}", "unreadable_descriptor")]
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
    except RecursionError:
        raise PackageError(
            [_descriptor_issue("not valid JSON: nested too deeply", "invalid_json")]
        ) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise PackageError(
            [
                _descriptor_issue(
                    "must be a JSON object with a list of resources", "invalid_descriptor"
                )
            ]
        )
    return descriptor


def _resource_files(
    descriptor: dict[str, Any],
) -> tuple[dict[str, tuple[str, str]], list[DataIssue]]:
    """Return each resource's path and format by name, and the descriptor's defects."""
    schemas = registry_schemas()
    files: dict[str, tuple[str, str]] = {}
    mentioned: set[str] = set()
    issues: list[DataIssue] = []
    for index, resource in enumerate(descriptor["resources"]):
        where = f"resources[{index}]"
        name = resource.get("name") if isinstance(resource, dict) else None
        if not isinstance(name, str):
            issues.append(
                _descriptor_issue("must be an object with a name", "invalid_resource", where)
            )
            continue
        mentioned.add(name)
        if name not in schemas:
            issues.append(
                _descriptor_issue(
                    f"{name!r} is not a registry resource; remove it", "unknown_resource", where
                )
            )
            continue
        if name in files:
            issues.append(
                _descriptor_issue(
                    f"{name!r} is listed twice; keep one", "duplicate_resource", where
                )
            )
            continue
        path = resource.get("path")
        parts = PurePosixPath(path).parts if isinstance(path, str) else ()
        # Paths stay inside the package folder: a descriptor must not read other files.
        if not parts or PurePosixPath(path).is_absolute() or ".." in parts or "\\" in path:
            issues.append(
                _descriptor_issue(
                    f"{name!r} needs a relative path to a file inside the package folder",
                    "invalid_path",
                    where,
                )
            )
            continue
        fmt = str(resource.get("format") or PurePosixPath(path).suffix.lstrip(".")).lower()
        if fmt not in _FORMATS:
            issues.append(
                _descriptor_issue(
                    f"{name!r} is in format {fmt!r}; give a csv or json file",
                    "unsupported_format",
                    where,
                )
            )
            continue
        files[name] = (path, _FORMATS[fmt])
    for name in REQUIRED_RESOURCES:
        if name not in mentioned:
            issues.append(
                _descriptor_issue(
                    f"the resource {name!r} is missing; add it with its file (a header alone "
                    f"for an empty table): loading without it would empty the registry's {name}",
                    "missing_resource",
                )
            )
    return files, issues


def read_package(directory: Path | None = None, *, today: date | None = None) -> Package:
    """Read every resource of the package in ``directory`` and check it whole.

    Defects of the package's structure (descriptor, files, headers) are reported
    first and alone: rules across files would only repeat them.

    Args:
        directory: a folder with ``datapackage.json``; the bundled dataset by default.
        today: the day before which no session may be projected and after which none
            may be held; by default the package's ``created`` date, else today.

    Returns:
        The checked package.

    Raises:
        PackageError: listing every defect found, each with file, line and field.
    """
    directory = directory or BUNDLED_PACKAGE
    descriptor = _read_descriptor(directory)
    files, issues = _resource_files(descriptor)
    if issues:
        raise PackageError(issues)
    package = Package(directory=directory, descriptor=descriptor)
    schemas = registry_schemas()
    cell_issues: list[DataIssue] = []
    for name, (path, fmt) in files.items():
        rows, found = read_table(
            directory / path, name=path, fmt=fmt, fields=schemas[name]["fields"]
        )
        package.tables[name] = rows
        for issue in found:
            (issues if issue.code in _STRUCTURAL else cell_issues).append(issue)
        key = schemas[name].get("primaryKey")
        if key:
            cell_issues.extend(duplicate_keys(rows, key, name=path))
    if issues:
        raise PackageError(issues)
    # A cell is reported once, by the first check that reads it: a relation dated "2004?"
    # fails the column's pattern, and the rules' own date parsing must not repeat it.
    reported = {(issue.file, issue.line, issue.field) for issue in cell_issues}
    cell_issues.extend(
        issue
        for issue in check_consistency(
            package.tables,
            {n: p for n, (p, _) in files.items()},
            today=today or _created(descriptor),
        )
        if (issue.file, issue.line, issue.field) not in reported
    )
    if cell_issues:
        raise PackageError(cell_issues)
    return package


def _created(descriptor: dict[str, Any]) -> date | None:
    """Return the day the package was written (its ``created`` property), if it says.

    Sessions are held or projected relative to that day, not to the day the package is
    read: a bundled projection does not become a defect when its date passes, it stays
    a projection written before the fact.
    """
    created = descriptor.get("created")
    if not isinstance(created, str):
        return None
    try:
        return date.fromisoformat(created[:10])
    except ValueError:
        raise PackageError(
            [
                _descriptor_issue(
                    f"{created!r} is not a date and time; write it as 2026-12-03T00:00:00Z",
                    "invalid_created",
                    "created",
                )
            ]
        ) from None


@functools.cache
def bundled_created() -> date | None:
    """Return the day the bundled package was written: the rules' "today" for its rows."""
    descriptor = json.loads((BUNDLED_PACKAGE / "datapackage.json").read_text(encoding="utf-8"))
    return _created(descriptor)


def referenced_states(package: Package) -> Iterable[str]:
    """Return the ISO codes that the package's memberships, sessions and engagements name."""
    return _referenced_states(package.tables)
