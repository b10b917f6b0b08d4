"""The importer's reader: every reference layout, and each defect named by file, row, field."""

from __future__ import annotations

from pathlib import Path

import pytest

from sideline.prevention.errors import ConflictDataError
from sideline.prevention.formats import read_conflict_file
from tests.prevention.conftest import CENTRAL, monthly_csv


@pytest.mark.parametrize(
    ("path", "kind", "rows", "span"),
    [
        (CENTRAL, "country_month", 4025, ("1990-01", "2024-07")),
        (
            "ucdp_views_cm/ged_cm_sb_1990-01_2024-07_global.csv",
            "country_month",
            77945,
            ("1990-01", "2024-07"),
        ),
        ("ucdp_other/peacesciencer_ucdp_acd.csv", "conflict_year", 5652, ("1946", "2024")),
        (
            "ucdp_other/owid_ucdp_ged191_direct_conflict_deaths_country_year.csv",
            "country_year",
            5872,
            ("1989", "2018"),
        ),
        (
            "views_forecasts/fatalities002_2024_07_t01.csv",
            "forecast_month",
            6876,
            ("2024-08", "2027-07"),
        ),
        (
            "views_forecasts/watchlist1_cy_forecasts_for_2025.csv",
            "forecast_year",
            191,
            ("2025", "2025"),
        ),
    ],
)
def test_reference_files_are_read(
    conflict_data: Path, path: str, kind: str, rows: int, span: tuple[str, str]
) -> None:
    data = read_conflict_file(conflict_data / path)

    assert (data.kind, data.rows, data.span) == (kind, rows, span)


def test_central_asia_series_holds_the_kyrgyz_tajik_border_fighting(conflict_data: Path) -> None:
    data = read_conflict_file(conflict_data / CENTRAL)
    deaths = {(v.state, v.year): 0.0 for v in data.values}
    for v in data.values:
        deaths[(v.state, v.year)] += v.value

    assert deaths[("KAZ", 2022)] == 0.0  # January 2022 is not state-based conflict
    assert deaths[("KGZ", 2022)] > 0
    assert deaths[("TJK", 2022)] > 0


def test_conflict_year_merges_peacesciencer_repeats(conflict_data: Path) -> None:
    data = read_conflict_file(conflict_data / "ucdp_other/peacesciencer_ucdp_acd.csv")
    border = [c for c in data.conflicts if c.conflict_id == 13324]

    assert [(c.year, c.states, c.conflict_type) for c in border] == [
        (2021, ("KGZ", "TJK"), 2),
        (2022, ("KGZ", "TJK"), 2),
    ]
    assert len(data.conflicts) == 2752


def test_spreadsheet_resave_names_the_broken_record(conflict_data: Path) -> None:
    with pytest.raises(ConflictDataError) as caught:
        read_conflict_file(conflict_data / "ucdp_other/UcdpPrioConflict_v25_1_excel-resaved.csv")

    assert (caught.value.file, caught.value.row, caught.value.field) == (
        "UcdpPrioConflict_v25_1_excel-resaved.csv",
        42,
        "type_of_conflict",
    )


def test_spreadsheet_resave_reads_without_the_broken_record(
    conflict_data: Path, tmp_path: Path
) -> None:
    lines = (
        (conflict_data / "ucdp_other/UcdpPrioConflict_v25_1_excel-resaved.csv")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    path = tmp_path / "acd.csv"
    path.write_text("\n".join([*lines[:41], *lines[43:]]) + "\n", encoding="utf-8")

    data = read_conflict_file(path)

    assert (data.kind, len(data.conflicts)) == ("conflict_year", 2750)
    assert next(c for c in data.conflicts if c.conflict_id == 13324 and c.year == 2022).states == (
        "TJK",
        "KGZ",
    )


@pytest.mark.parametrize(
    ("text", "row", "field", "message"),
    [
        (
            monthly_csv([(134, 2021, 4, 36)]).replace(",36", ",-3"),
            2,
            "ucdp_ged_sb_best_sum",
            "is not a count",
        ),
        (
            monthly_csv([(134, 2021, 4, 36)]).replace(",36", ",nan"),
            2,
            "ucdp_ged_sb_best_sum",
            "is not a count",
        ),
        (
            monthly_csv([(134, 2021, 4, 36)]).replace(",36", ",many"),
            2,
            "ucdp_ged_sb_best_sum",
            "is not a number",
        ),
        (monthly_csv([(9999, 2021, 4, 36)]), 2, "country_id", "is not a ViEWS country_id"),
        (
            monthly_csv([(134, 2021, 4, 36)]).replace(",2021,4,", ",2021,5,"),
            2,
            "month_id",
            "is not 2021-05",
        ),
        (monthly_csv([(134, 2021, 4, 36), (134, 2021, 4, 1)]), 3, None, "repeats row 2"),
        (
            monthly_csv([(134, 2021, 4, 36)]).replace(",36", ",36,7"),
            2,
            None,
            "cells where the header has 8",
        ),
        ("iso3,year,deaths\nKGZ,,3\n", 2, "year", "empty"),
        ("iso3,year,deaths\nKGZ,1800,3\n", 2, "year", "outside 1946..2100"),
        ("iso3,year,deaths\nkg!,2020,3\n", 2, "iso3", "not an ISO 3166"),
        (
            "conflict_id,year,intensity_level,type_of_conflict,gwno_loc,start_date2\n1,2020,3,3,703,\n",
            2,
            "intensity_level",
            "outside 1..2",
        ),
        (
            "conflict_id,year,intensity_level,type_of_conflict,gwno_loc,start_date2\n1,2020,1,3,abc,\n",
            2,
            "gwno_loc",
            "Gleditsch",
        ),
        (
            "conflict_id,year,intensity_level,type_of_conflict,gwno_loc,start_date2\n1,2020,1,3,703,31-2-2020\n",
            2,
            "start_date2",
            "is not a date",
        ),
        ("a,b,c\n1,2,3\n", 1, None, "not a layout this importer knows"),
        ("iso3,year,deaths\n", 2, None, "no data rows"),
    ],
)
def test_defects_are_named(
    tmp_path: Path, text: str, row: int, field: str | None, message: str
) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ConflictDataError) as caught:
        read_conflict_file(path)

    assert (caught.value.file, caught.value.row, caught.value.field) == ("broken.csv", row, field)
    assert message in caught.value.message


def test_limits_refuse_large_files_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text(monthly_csv([(134, 2021, m, 0) for m in range(1, 13)]), encoding="utf-8")

    with pytest.raises(ConflictDataError) as by_size:
        read_conflict_file(path, max_bytes=100)
    with pytest.raises(ConflictDataError) as by_rows:
        read_conflict_file(path, max_rows=5)

    assert by_size.value.code == "file_too_large"
    assert by_rows.value.code == "too_many_rows"
    assert read_conflict_file(path, max_rows=12).rows == 12


def test_not_utf8_and_missing_files_are_named(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("iso3,year,deaths\nKGZ,2020,3 é\n".encode("latin-1"))

    with pytest.raises(ConflictDataError, match="not UTF-8"):
        read_conflict_file(path)
    with pytest.raises(ConflictDataError) as missing:
        read_conflict_file(tmp_path / "nowhere.csv")
    assert missing.value.code == "missing_file"


def test_progress_is_reported_to_the_end(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(monthly_csv([(134, 2021, m, 0) for m in range(1, 13)]), encoding="utf-8")
    calls: list[tuple[int, int]] = []

    read_conflict_file(path, progress=lambda done, total: calls.append((done, total)))

    assert calls[-1] == (12, 12)
