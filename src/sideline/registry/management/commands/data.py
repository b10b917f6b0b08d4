"""``sideline data validate|load|export``: the registry's data package."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sideline.analysis.cli import ACTION as IMPORT_UNVOTES
from sideline.analysis.cli import add_import_unvotes_parser, handle_import_unvotes
from sideline.prevention.cli import ACTION as IMPORT_CONFLICT
from sideline.prevention.cli import add_import_conflict_parser, handle_import_conflict
from sideline.registry.package import BUNDLED_PACKAGE, PackageError, read_package
from sideline.registry.services import export_package, load_package


class Command(BaseCommand):
    help = "Validate, load or export the registry's data package; import UN General Assembly votes."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(
            dest="action",
            required=True,
            metavar="{validate,load,export,import-unvotes,import-conflict}",
        )
        validate = actions.add_parser("validate", help="check a data package and list every defect")
        validate.add_argument(
            "directory",
            nargs="?",
            type=Path,
            default=None,
            help="package folder (default: the bundled dataset)",
        )
        load = actions.add_parser(
            "load", help="check a data package and load it into the registry, in one transaction"
        )
        load.add_argument(
            "directory",
            nargs="?",
            type=Path,
            default=None,
            help="package folder (default: the bundled dataset)",
        )
        export = actions.add_parser("export", help="write the registry as a data package")
        export.add_argument("--format", choices=["csv", "json"], default="csv", dest="fmt")
        export.add_argument(
            "directory", type=Path, help="folder to write into (created if missing)"
        )

        # The votes are the analysis' own dataset; it brings its sub-command.
        add_import_unvotes_parser(actions)
        # So is the conflict data of preventive diplomacy.
        add_import_conflict_parser(actions)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == IMPORT_UNVOTES:
            handle_import_unvotes(options, stdout=self.stdout, stderr=self.stderr)
            return
        if action == IMPORT_CONFLICT:
            handle_import_conflict(options, stdout=self.stdout, stderr=self.stderr)
            return
        directory: Path | None = options.get("directory")
        if action == "export":
            assert directory is not None
            if directory.exists() and not directory.is_dir():
                raise CommandError(
                    f"{directory} exists and is not a folder; give a folder to write into",
                    returncode=2,
                )
            try:
                counts = export_package(directory, fmt=options["fmt"])
            except OSError as error:
                raise CommandError(
                    f"{error.filename or directory}: cannot write there ({error.strerror}); "
                    "give a folder you can write to",
                    returncode=2,
                ) from None
            total = sum(counts.values())
            self.stdout.write(f"exported {total} rows in {len(counts)} resources to {directory}")
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
                self.stdout.write(
                    f"valid: {rows} rows in {len(package.tables)} resources of {directory or BUNDLED_PACKAGE}"
                )
            else:
                summary = load_package(
                    directory, progress=lambda step: self.stderr.write(f"loading {step}…")
                )
                self.stdout.write(f"loaded {summary}")
        except PackageError as error:
            # One defect is one line; several are listed one a line, then counted.
            suffix = "; nothing was loaded" if action == "load" else ""
            if len(error.issues) == 1:
                raise CommandError(f"{error.issues[0]}{suffix}") from None
            for issue in error.issues:
                self.stderr.write(str(issue))
            raise CommandError(
                f"{len(error.issues)} defect(s) in the data package{suffix}"
            ) from None
