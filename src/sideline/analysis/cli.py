"""``sideline data import-unvotes DIR``: the analysis' part of the ``data`` command.

The ``data`` command is composed in the site's shell (``web``); it adds this sub-command with
:func:`add_import_unvotes_parser` and hands it over with :func:`handle_import_unvotes`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import CommandError, OutputWrapper
from tqdm import tqdm

from sideline.analysis.errors import VoteDataError
from sideline.analysis.services import import_unvotes

__all__ = ["add_import_unvotes_parser", "handle_import_unvotes"]

ACTION = "import-unvotes"


def add_import_unvotes_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``import-unvotes DIR`` to the ``data`` command's sub-commands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        ACTION,
        help="import UN General Assembly roll calls (Voeten's unvotes data), in one transaction",
    )
    parser.add_argument(
        "directory", type=Path, help="folder holding roll_calls.csv and unvotes.csv"
    )
    return parser


def handle_import_unvotes(
    options: dict[str, Any], stdout: OutputWrapper | TextIO, stderr: OutputWrapper | TextIO
) -> None:
    """Run the import with a progress bar on ``stderr``; print the summary on ``stdout``.

    Raises:
        CommandError: the folder is missing (exit 2) or its files are not in the
            unvotes layout (exit 2); nothing is written then.
    """
    directory = Path(options["directory"])
    if not directory.is_dir():
        raise CommandError(
            f"{directory} is not a folder; give the folder that holds roll_calls.csv "
            "and unvotes.csv",
            returncode=2,
        )
    # OutputWrapper ends every write with a newline, which would break the bar's "\r".
    stream = cast(TextIO, stderr._out) if isinstance(stderr, OutputWrapper) else stderr
    # The bar starts with the first progress report: a refused folder stays one line.
    bars: list[tqdm[Any]] = []

    def progress(done: int, total: int) -> None:
        if not bars:
            bars.append(
                tqdm(total=total, unit="votes", unit_scale=True, desc="reading votes", file=stream)
            )
        bar = bars[0]
        bar.total = total
        bar.update(done - bar.n)

    try:
        summary = import_unvotes(directory, progress=progress)
    except VoteDataError as error:
        raise CommandError(f"{error.message}; nothing was imported", returncode=2) from None
    finally:
        for bar in bars:
            bar.close()
    stdout.write(f"imported {summary}\n")
