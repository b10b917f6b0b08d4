"""The ``sideline`` command: Django's management commands behind one name.

``sideline data validate`` runs the management command ``data`` with ``validate``;
every Django command (``migrate``, ``createsuperuser`` …) is reachable the same way.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from sideline.config import ConfigurationError, load_config, load_limits


def _command_names() -> set[str]:
    import django
    from django.core.management import get_commands

    django.setup()
    return {*get_commands(), "help", "version"}


def _one_line_usage_errors() -> None:
    """Make a mistake in the arguments one line on stderr, as every other error is.

    argparse prints the whole usage (many lines for Django's commands) before the error;
    the error names the argument, and ``--help`` shows the usage to whoever wants it.
    """
    from django.core.management.base import CommandError, CommandParser

    def error(parser: CommandParser, message: str) -> NoReturn:
        if not parser.called_from_command_line:
            raise CommandError(f"Error: {message}")
        parser.exit(2, f"{parser.prog}: error: {message}\n")

    CommandParser.error = error  # type: ignore[method-assign,assignment]  # Django offers no hook.


def main(argv: list[str] | None = None) -> int:
    """Run ``sideline`` with ``argv`` (``sys.argv[1:]`` by default); return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    # The analysis' matrix products are small: BLAS threads cost more in waiting than they
    # gain (measured in bench/analysis.py). It must be set before numpy is first imported.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if args[:1] == ["serve"] and "--dev" in args:
        # Settings read DEBUG once, at start-up, so --dev must act before Django loads them.
        os.environ["SIDELINE_DEBUG"] = "1"
    try:
        load_config()
        load_limits()
    except ConfigurationError as error:
        print(f"sideline: {error}", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sideline.settings")
    from django.core.management import execute_from_command_line

    if not args or args[0] in {"-h", "--help"}:
        args = ["help"]
    if args[:2] == ["federation", "rebuild"]:
        # The projection is the meetings app's command; ``federation``'s other actions
        # (propagation) belong to the record's.
        args = ["federation_rebuild", *args[2:]]
    _one_line_usage_errors()
    if not args[0].startswith("-") and args[0] not in _command_names():
        print(
            f"sideline: no command {args[0]!r}; run “sideline help” for the list", file=sys.stderr
        )
        return 2
    try:
        execute_from_command_line(["sideline", *args])
    except KeyboardInterrupt:
        print("sideline: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
