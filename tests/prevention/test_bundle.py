"""The bundled files are exactly what the documented derivation makes of the reference data."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sideline.prevention.bundle import build_bundle


def test_bundled_files_are_reproducible(conflict_data: Path) -> None:
    built = build_bundle(conflict_data)
    folder = resources.files("sideline.prevention").joinpath("data")

    for name, text in built.items():
        assert folder.joinpath(name).read_text(encoding="utf-8") == text, name


def test_bundled_files_are_compact_and_attributed() -> None:
    folder = resources.files("sideline.prevention").joinpath("data")
    readme = folder.joinpath("README.md").read_text(encoding="utf-8")

    assert all(
        len(folder.joinpath(n).read_bytes()) < 100_000
        for n in ("ucdp_ged_sb_country_year.csv", "ucdp_prio_conflict_year.csv")
    )
    assert "CC BY 4.0" in readme
    assert "Uppsala Conflict Data Program" in readme
