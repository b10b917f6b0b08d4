"""``sideline data``: the registry's data package the analysis' UN votes and prevention's
conflict data, composed.

Each app brings its own sub-commands (``registry/cli.py``, ``analysis/cli.py``); the
command lives here, above both, so that neither app imports the other's commands.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from sideline.analysis.cli import ACTION as IMPORT_UNVOTES
from sideline.analysis.cli import add_import_unvotes_parser, handle_import_unvotes
from sideline.prevention.cli import ACTION as IMPORT_CONFLICT
from sideline.prevention.cli import add_import_conflict_parser, handle_import_conflict
from sideline.registry.cli import add_package_parsers, handle_package


class Command(BaseCommand):
    help = "Validate, load or export the registry's data package; import UN General Assembly votes or conflict data."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(
            dest="action",
            required=True,
            metavar="{validate,load,export,import-unvotes,import-conflict}",
        )
        add_package_parsers(actions)
        add_import_unvotes_parser(actions)
        add_import_conflict_parser(actions)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == IMPORT_UNVOTES:
            handle_import_unvotes(options, stdout=self.stdout, stderr=self.stderr)
        elif action == IMPORT_CONFLICT:
            handle_import_conflict(options, stdout=self.stdout, stderr=self.stderr)
        else:
            handle_package(action, options, stdout=self.stdout, stderr=self.stderr)
