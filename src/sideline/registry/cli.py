"""``sideline data validate|load|export``: the registry's part of the ``data`` command.

The ``data`` command is composed one level up, in the site's shell
(``sideline/web/management/commands/data.py``), from this part and the analysis'
``import-unvotes`` (:mod:`sideline.analysis.cli`): the registry imports no other app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import CommandError, OutputWrapper

from sideline.registry.package import BUNDLED_PACKAGE, PackageError, read_package
from sideline.registry.services import export_package, load_package

__all__ = ["ACTIONS", "add_package_parsers", "handle_package"]

ACTIONS = ("validate", "load", "export")


def add_package_parsers(subparsers: Any) -> None:
    """Add ``validate``, ``load`` and ``export`` to the ``data`` command's sub-commands."""
    validate = subparsers.add_parser("validate", help="check a data package and list every defect")
    validate.add_argument(
        "directory",
        nargs="?",
        type=Path,
        default=None,
        help="package folder (default: the bundled dataset)",
    )
    load = subparsers.add_parser(
        "load",
        help="check a data package and load it into the registry, in one transaction, "
        "keeping curated corrections; print what changed per table",
    )
    load.add_argument(
        "directory",
        nargs="?",
        type=Path,
        default=None,
        help="package folder (default: the bundled dataset)",
    )
    load.add_argument(
        "--dry-run",
        action="store_true",
        help="print what the load would change and write nothing",
    )
    export = subparsers.add_parser("export", help="write the registry as a data package")
    export.add_argument("--format", choices=["csv", "json"], default="csv", dest="fmt")
    export.add_argument("directory", type=Path, help="folder to write into (created if missing)")


def _export(directory: Path, *, fmt: str, stdout: OutputWrapper | TextIO) -> None:
    if directory.exists() and not directory.is_dir():
        raise CommandError(
            f"{directory} exists and is not a folder; give a folder to write into",
            returncode=2,
        )
    try:
        counts = export_package(directory, fmt=fmt)
    except OSError as error:
        raise CommandError(
            f"{error.filename or directory}: cannot write there ({error.strerror}); "
            "give a folder you can write to",
            returncode=2,
        ) from None
    total = sum(counts.values())
    stdout.write(f"exported {total} rows in {len(counts)} resources to {directory}\n")


def handle_package(
    action: str,
    options: dict[str, Any],
    *,
    stdout: OutputWrapper | TextIO,
    stderr: OutputWrapper | TextIO,
) -> None:
    """Run ``validate``, ``load`` or ``export``; a defect is one line on ``stderr``.

    Raises:
        CommandError: the folder is not one (exit 2), or the package has defects (exit 1;
            nothing is loaded then).
    """
    directory: Path | None = options.get("directory")
    if action == "export":
        assert directory is not None
        _export(directory, fmt=options["fmt"], stdout=stdout)
        return
    if directory is not None and not directory.is_dir():
        raise CommandError(
            f"{directory} is not a folder; give the folder that holds datapackage.json",
            returncode=2,
        )
    try:
        if action == "validate":
            package = read_package(directory)
            rows = sum(len(table) for table in package.tables.values())
            stdout.write(
                f"valid: {rows} rows in {len(package.tables)} resources of "
                f"{directory or BUNDLED_PACKAGE}\n"
            )
        else:

            def progress(step: str) -> None:
                stderr.write(f"loading {step}…\n")

            dry_run = bool(options.get("dry_run"))
            summary = load_package(directory, progress=progress, dry_run=dry_run)
            for line in summary.report():
                stdout.write(f"{line}\n")
            if dry_run:
                stdout.write(f"dry run: nothing was written; a load would leave {summary}\n")
            else:
                stdout.write(f"loaded {summary}\n")
    except PackageError as error:
        # One defect is one line; several are listed one a line, then counted.
        suffix = "; nothing was loaded" if action == "load" else ""
        if len(error.issues) == 1:
            raise CommandError(f"{error.issues[0]}{suffix}") from None
        for issue in error.issues:
            stderr.write(f"{issue}\n")
        raise CommandError(f"{len(error.issues)} defect(s) in the data package{suffix}") from None
