"""Write docs/cli.md from the real ``--help`` of every ``sideline`` command.

Usage: python scripts/cli_docs.py
tests/test_docs.py fails when docs/cli.md differs from what this renders.
"""

from __future__ import annotations

import argparse
import os
import pkgutil
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"

INTRO = """# Command-line reference

`sideline` runs Sideline's commands and every Django management command
(`sideline migrate`, `sideline createsuperuser` …). A mistake in the arguments is one line
on stderr and exit status 2; a failure is one line and exit status 1.

This page is generated from the commands' own `--help` by `scripts/cli_docs.py`;
`tests/test_docs.py` fails when it is out of date.
"""


def sideline_commands() -> list[tuple[str, str]]:
    """Return (app module, command name) for every command that Sideline's apps define."""
    import sideline

    found = []
    root = Path(sideline.__file__).parent
    for app in sorted(p.name for p in root.iterdir() if (p / "management" / "commands").is_dir()):
        commands = root / app / "management" / "commands"
        for module in pkgutil.iter_modules([str(commands)]):
            if not module.name.startswith("_"):
                found.append((f"sideline.{app}", module.name))
    return sorted(found, key=lambda item: item[1])


def render() -> str:
    os.environ["COLUMNS"] = "100"
    import django

    django.setup()
    from django.core.management import load_command_class

    parts = [INTRO]
    for app, name in sideline_commands():
        command = load_command_class(app, name)
        parser = command.create_parser("sideline", name)
        parts.append(f"\n## sideline {name}\n\n```\n{parser.format_help().rstrip()}\n```\n")
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub, subparser in action.choices.items():
                    parts.append(
                        f"\n### sideline {name} {sub}\n\n```\n{subparser.format_help().rstrip()}\n```\n"
                    )
    return "".join(parts)


if __name__ == "__main__":
    import tempfile

    # Help texts do not depend on the data; a throw-away folder keeps the user's untouched.
    os.environ.setdefault("SIDELINE_DATA_DIR", tempfile.mkdtemp(prefix="sideline-docs-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sideline.settings")
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC}")
