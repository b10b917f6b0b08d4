"""The ``sideline`` command: Django's management commands behind one name.

``sideline data validate`` runs the management command ``data`` with ``validate``;
every Django command (``migrate``, ``createsuperuser`` …) is reachable the same way.

Lines meant for people speak the language of the locale (``LC_ALL``, ``LC_MESSAGES``,
``LANG``, as POSIX orders them) or of ``--language CODE`` anywhere on the line, when it is
one of the interface's; English otherwise. Help texts and machine-read output (CSV, JSON,
file names) stay as they are.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
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


# The locale variables in POSIX's order of precedence for messages.
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def locale_language(environ: Mapping[str, str]) -> str | None:
    """The locale's language as a code (``ru_RU.UTF-8`` → ``ru-ru``), or None for C/POSIX.

    >>> locale_language({"LANG": "ru_RU.UTF-8"}), locale_language({"LC_ALL": "C.UTF-8"})
    ('ru-ru', None)
    >>> locale_language({"LC_ALL": "", "LC_MESSAGES": "zh_CN.UTF-8", "LANG": "fr_FR"})
    'zh-cn'
    """
    value = next((environ[v] for v in _LOCALE_VARIABLES if environ.get(v)), "")
    code = value.split(".")[0].split("@")[0].replace("_", "-").lower()
    return None if code in {"", "c", "posix"} else code


def _split_language(args: list[str]) -> tuple[str | None, list[str]]:
    """Take ``--language CODE`` (or ``--language=CODE``) out of the arguments."""
    rest: list[str] = []
    asked = None
    words = iter(args)
    for word in words:
        if word == "--language":
            asked = next(words, "")
        elif word.startswith("--language="):
            asked = word.partition("=")[2]
        else:
            rest.append(word)
    return asked, rest


def _activate_language(asked: str | None) -> str | None:
    """Speak ``asked`` or the locale's language; return a usage error's line, if any.

    A locale in a language the interface lacks means English; a ``--language`` it lacks
    is a mistake worth saying.
    """
    from django.conf import settings
    from django.utils import translation

    codes = [code for code, _name in settings.LANGUAGES]
    wanted = asked if asked is not None else locale_language(os.environ)
    if wanted is None:
        return None
    try:
        translation.activate(translation.get_supported_language_variant(wanted.lower()))
    except LookupError:
        if asked is not None:
            return f"sideline: --language: {asked!r} is not one of {', '.join(codes)}"
    return None


def main(argv: list[str] | None = None) -> int:
    """Run ``sideline`` with ``argv`` (``sys.argv[1:]`` by default); return the exit status."""
    asked, args = _split_language(list(sys.argv[1:] if argv is None else argv))
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
    names = _command_names()
    refusal = _activate_language(asked)
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return 2
    from django.utils.translation import gettext as _

    if not args[0].startswith("-") and args[0] not in names:
        print(
            _("sideline: no command '%(command)s'; run “sideline help” for the list")
            % {"command": args[0]},
            file=sys.stderr,
        )
        return 2
    try:
        execute_from_command_line(["sideline", *args])
    except KeyboardInterrupt:
        print(_("sideline: interrupted"), file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
