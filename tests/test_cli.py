"""The ``sideline`` command: one clear line and a non-zero exit for a user's mistake."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.registry.package_factory import minimal_tables, write_package


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # Each test gets a bare SQLite database in its own data folder unless it names one: the
    # suite's database (PostgreSQL in CI) may already be set up, which would change the answers.
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "SIDELINE_DATABASE_URL"}
    }
    # English unless a test asks otherwise: the command speaks the locale's language.
    environment = {**inherited, "LC_ALL": "C.UTF-8", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "sideline.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> dict[str, str]:
    return {"SIDELINE_DATA_DIR": str(tmp_path / "data")}


def test_data_validate_broken_package_lists_each_defect(
    tmp_path: Path, data_dir: dict[str, str]
) -> None:
    tables = minimal_tables()
    tables["memberships"][0]["state"] = "XYZ"
    tables["memberships"][2]["end"] = "2001"
    tables["memberships"][3]["source"] = ""
    directory = write_package(tmp_path / "broken", tables)

    result = run("data", "validate", str(directory), env=data_dir)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "memberships.csv, line 2, field state: 'XYZ' is not an ISO 3166-1 (or ISO 3166-3 former) alpha-3 code",
        "memberships.csv, line 4, field end: the end 2001 is not after the start 2006-08-16",
        "memberships.csv, line 5, field source: is required",
        "CommandError: 3 defect(s) in the data package",
    ]


def test_data_validate_good_package_says_valid(tmp_path: Path, data_dir: dict[str, str]) -> None:
    directory = write_package(tmp_path / "good")

    result = run("data", "validate", str(directory), env=data_dir)

    assert (result.returncode, result.stdout.strip()) == (
        0,
        f"valid: 16 rows in 11 resources of {directory}",
    )


def test_data_validate_missing_folder_is_usage_error(
    tmp_path: Path, data_dir: dict[str, str]
) -> None:
    result = run("data", "validate", str(tmp_path / "nowhere"), env=data_dir)

    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"CommandError: {tmp_path / 'nowhere'} is not a folder; give the folder that holds datapackage.json"
    )


def test_unknown_subcommand_is_usage_error(data_dir: dict[str, str]) -> None:
    result = run("data", "frobnicate", env=data_dir)

    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_database_url_is_one_line(data_dir: dict[str, str]) -> None:
    result = run("check", env={**data_dir, "SIDELINE_DATABASE_URL": "not a url"})

    assert result.returncode == 2
    assert result.stderr.strip() == (
        "sideline: SIDELINE_DATABASE_URL: 'not a url' is not a URL; "
        "use e.g. postgres://user@127.0.0.1:5432/sideline or sqlite:////path/db.sqlite3"
    )


def test_unwritable_data_dir_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")

    result = run("check", env={"SIDELINE_DATA_DIR": str(blocker / "sub")})

    assert result.returncode == 2
    assert result.stderr.startswith(f"sideline: SIDELINE_DATA_DIR: cannot create {blocker / 'sub'}")


def test_serve_before_init_says_run_init(data_dir: dict[str, str]) -> None:
    result = run("serve", "--port", "8765", env=data_dir)

    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "CommandError: the database is not set up; run “sideline init” first"
    )


def test_serve_before_init_says_run_init_in_the_locales_language(
    data_dir: dict[str, str],
) -> None:
    result = run("serve", "--port", "8765", env={**data_dir, "LC_ALL": "ru_RU.UTF-8"})

    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "CommandError: база данных не подготовлена; сначала выполните «sideline init»"
    )


@pytest.mark.parametrize(
    "args",
    [["--language", "ru", "frobnicate"], ["frobnicate", "--language=ru"]],
)
def test_language_option_beats_the_locale(data_dir: dict[str, str], args: list[str]) -> None:
    result = run(*args, env={**data_dir, "LANG": "fr_FR.UTF-8"})

    assert (result.returncode, result.stderr.strip()) == (
        2,
        "sideline: нет команды «frobnicate»; список выводит «sideline help»",
    )


def test_unknown_language_option_is_usage_error(data_dir: dict[str, str]) -> None:
    result = run("--language", "de", "check", env=data_dir)

    assert (result.returncode, result.stderr.strip()) == (
        2,
        "sideline: --language: 'de' is not one of en, ru, kk, ar, zh-hans, fr, es",
    )


def test_locale_without_a_catalogue_speaks_english(data_dir: dict[str, str]) -> None:
    result = run("frobnicate", env={**data_dir, "LC_ALL": "de_DE.UTF-8"})

    assert (
        result.stderr.strip()
        == "sideline: no command 'frobnicate'; run “sideline help” for the list"
    )


def test_serve_bad_port_is_usage_error(data_dir: dict[str, str]) -> None:
    result = run("serve", "--port", "70000", env=data_dir)

    assert result.returncode == 2
    assert result.stderr.strip() == "CommandError: --port: 70000 is not a port number (1–65535)"


def test_data_load_then_export_round_trip(tmp_path: Path, data_dir: dict[str, str]) -> None:
    package = write_package(tmp_path / "package")
    assert run("migrate", "-v0", env=data_dir).returncode == 0

    loaded = run("data", "load", str(package), env=data_dir)
    exported = run("data", "export", "--format", "csv", str(tmp_path / "out"), env=data_dir)
    validated = run("data", "validate", str(tmp_path / "out"), env=data_dir)

    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.splitlines()[-1].startswith(
        "loaded 2 organizations, 4 states, 5 memberships"
    )
    assert exported.stdout.strip() == f"exported 16 rows in 11 resources to {tmp_path / 'out'}"
    assert validated.returncode == 0, validated.stderr


def test_data_load_prints_changes_per_table_and_dry_run_writes_nothing(
    tmp_path: Path, data_dir: dict[str, str]
) -> None:
    assert run("migrate", "-v0", env=data_dir).returncode == 0
    first = run("data", "load", str(write_package(tmp_path / "first")), env=data_dir)
    tables = minimal_tables()
    tables["memberships"][0]["note"] = "a newer note"
    del tables["memberships"][1]
    newer = write_package(tmp_path / "newer", tables)

    dry = run("data", "load", "--dry-run", str(newer), env=data_dir)
    again = run("data", "load", "--dry-run", str(newer), env=data_dir)

    assert "memberships: 5 added, 0 changed, 0 removed" in first.stdout.splitlines()
    assert "states: 4 added, 0 changed, 0 removed" in first.stdout.splitlines()
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[0] == "memberships: 0 added, 1 changed, 1 removed"
    assert dry.stdout.splitlines()[1].startswith("dry run: nothing was written; a load would")
    assert again.stdout == dry.stdout
