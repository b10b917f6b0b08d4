"""Docs that cannot drift: generated CLI reference, documented settings, runnable examples."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
import runpy
from pathlib import Path

import pytest
from django.utils import translation

import sideline

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_cli_reference_is_current() -> None:
    render = runpy.run_path(str(ROOT / "scripts" / "cli_docs.py"))["render"]

    assert (DOCS / "cli.md").read_text(encoding="utf-8") == render(), (
        "run: python scripts/cli_docs.py"
    )


def test_every_environment_variable_is_documented() -> None:
    code = (ROOT / "src" / "sideline" / "config.py").read_text() + (
        ROOT / "src" / "sideline" / "settings.py"
    ).read_text()
    documented = (DOCS / "configuration.md").read_text(encoding="utf-8")

    variables = sorted(set(re.findall(r"SIDELINE_[A-Z_]+", code)))

    assert [v for v in variables if f"`{v}`" not in documented] == []


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_docs_examples_run(page: str) -> None:
    result = doctest.testfile(str(DOCS / page), module_relative=False, optionflags=doctest.ELLIPSIS)

    assert result.failed == 0


def _modules() -> list[str]:
    names = []
    for module in pkgutil.walk_packages(sideline.__path__, "sideline."):
        if ".migrations" in module.name or module.name in {"sideline.wsgi", "sideline.settings"}:
            continue
        names.append(module.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)

    # Examples are written in English: a language another test activated in this worker
    # (a Russian page, a CLI run under a locale) must not leak into them.
    with translation.override("en"):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)

    assert result.failed == 0
