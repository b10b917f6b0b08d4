"""``sideline data import-conflict``: one transaction, a progress bar, defects on one line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sideline.prevention.models import ConflictYear, Dataset, StateValue
from sideline.prevention.selectors import datasets, monitor
from sideline.prevention.services import import_bundled, import_conflict_files
from tests.prevention.conftest import CENTRAL, monthly_csv

pytestmark = pytest.mark.django_db


def test_command_imports_reference_files_with_a_progress_bar(conflict_data: Path) -> None:
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "data",
        "import-conflict",
        str(conflict_data / CENTRAL),
        str(conflict_data / "ucdp_other/peacesciencer_ucdp_acd.csv"),
        stdout=out,
        stderr=err,
    )

    assert out.getvalue().startswith(
        "imported ged_cm_sb_centralasia_neighbours.csv: 4025 rows of country_month"
    )
    assert "ged_cm_sb_centralasia_neighbours.csv: 100%" in err.getvalue()
    assert sorted(Dataset.objects.values_list("kind", flat=True)) == [
        "conflict_year",
        "country_month",
    ]
    assert ConflictYear.objects.count() == 2752


def test_a_defect_in_the_second_file_writes_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(monthly_csv([(134, 2021, 4, 36)]), encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("iso3,year,deaths\nKGZ,20x1,3\n", encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        call_command("data", "import-conflict", str(good), str(bad))

    assert (
        str(caught.value)
        == "bad.csv, row 2, field year: '20x1' is not a whole number; nothing was imported"
    )
    assert caught.value.returncode == 2
    assert not Dataset.objects.exists()
    assert not StateValue.objects.exists()


def test_two_files_of_one_kind_are_refused(tmp_path: Path) -> None:
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text(monthly_csv([(134, 2021, 4, 36)]), encoding="utf-8")

    with pytest.raises(CommandError, match=r"b\.csv: holds country_month like a\.csv"):
        call_command("data", "import-conflict", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"))


def test_no_file_is_a_usage_error() -> None:
    with pytest.raises(CommandError) as caught:
        call_command("data", "import-conflict")

    assert caught.value.returncode == 2
    assert "--bundled" in str(caught.value)


def test_too_many_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"11 files is over the limit of 10"):
        call_command("data", "import-conflict", *[str(tmp_path / f"{i}.csv") for i in range(11)])


def test_reimport_replaces_the_kind(tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text(monthly_csv([(134, 2021, 4, 36)]), encoding="utf-8")
    second = tmp_path / "second.csv"
    second.write_text(monthly_csv([(137, 2022, 9, 5)]), encoding="utf-8")

    import_conflict_files([first])
    import_conflict_files([second])

    assert list(StateValue.objects.values_list("state", "year", "month", "value")) == [
        ("TJK", 2022, 9, 5.0)
    ]
    assert Dataset.objects.get().name == "second.csv"


def test_bundled_data_serves_a_fresh_node_and_can_be_imported() -> None:
    fresh = datasets()

    summary = import_bundled()

    assert fresh["country_year"].bundled
    assert fresh["conflict_year"].bundled
    assert [f.kind for f in summary.files] == ["country_year", "conflict_year"]
    assert monitor("TJK").yearly[1992] > 1000
    assert Dataset.objects.get(kind="country_year").licence == "UCDP data CC BY 4.0"
