"""``sideline data import-conflict FILE…``: preventive diplomacy's part of the ``data`` command.

The ``data`` command belongs to the registry; it adds this sub-command with
:func:`add_import_conflict_parser` and hands it over with :func:`handle_import_conflict`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import CommandError, OutputWrapper
from tqdm import tqdm

from sideline.prevention.bundle import bundled_paths
from sideline.prevention.errors import ConflictDataError
from sideline.prevention.services import import_conflict_files

__all__ = ["ACTION", "add_import_conflict_parser", "handle_import_conflict"]

ACTION = "import-conflict"


def add_import_conflict_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``import-conflict FILE…`` to the ``data`` command's sub-commands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        ACTION,
        help="import UCDP and ViEWS conflict data (country-month, country-year, "
        "conflict-year, forecasts), in one transaction",
    )
    parser.add_argument(
        "files",
        nargs="*",
        type=Path,
        help="CSV files as downloaded from UCDP or ViEWS (see docs/prevention.md)",
    )
    parser.add_argument(
        "--bundled",
        action="store_true",
        help="import the bundled UCDP yearly deaths and conflict-years (CC BY 4.0)",
    )
    return parser


def handle_import_conflict(
    options: dict[str, Any], stdout: OutputWrapper | TextIO, stderr: OutputWrapper | TextIO
) -> None:
    """Run the import with a progress bar per file on ``stderr``; print the summary.

    Raises:
        CommandError: no file given (exit 2), or a defect naming file, row and field
            (exit 2); nothing is written then.
    """
    files: list[Path] = list(options.get("files") or [])
    if options.get("bundled"):
        files = [*bundled_paths(), *files]
    if not files:
        raise CommandError(
            "give the CSV files to import, or --bundled for the bundled UCDP data",
            returncode=2,
        )
    # OutputWrapper ends every write with a newline, which would break the bar's "\r".
    stream = cast(TextIO, stderr._out) if isinstance(stderr, OutputWrapper) else stderr
    bars: dict[str, tqdm[Any]] = {}

    def progress(name: str, done: int, total: int) -> None:
        bar = bars.get(name)
        if bar is None:
            bar = bars[name] = tqdm(
                total=total, unit="rows", unit_scale=True, desc=name, file=stream
            )
        bar.total = max(total, done)
        bar.update(done - bar.n)

    try:
        summary = import_conflict_files(files, progress=progress)
    except ConflictDataError as error:
        raise CommandError(f"{error.located()}; nothing was imported", returncode=2) from None
    finally:
        for bar in bars.values():
            bar.close()
    stdout.write(f"imported {summary}\n")
