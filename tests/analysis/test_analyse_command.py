"""``sideline analyse …``: readable tables, JSON lists, SVG files, one-line usage errors."""

from __future__ import annotations

import csv
import json
import re
import shlex
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sideline.analysis.exports import Export, render_csv, render_text
from sideline.analysis.services import import_unvotes
from tests.conftest import reference_data

# The minimal registry's last date is in 2012, so its span runs to today.
TODAY = date.today()


def analyse(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("analyse", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def analyse_json(*args: str) -> Any:
    out, _ = analyse(*args, "--json")
    return json.loads(out)


def test_analyse_overlap_table_with_partners(minimal_registry: Path) -> None:
    out, _ = analyse("overlap", "--as-of", "2012-12-18", "--statuses", "member,partner")

    assert out.splitlines() == [
        "first  second  first_size  second_size  shared_count  jaccard  overlap_coefficient  shared",
        "csto   nato             3            2             1    0.250                0.500  KAZ",
    ]


def test_analyse_overlap_members_only_says_none_shared(minimal_registry: Path) -> None:
    out, _ = analyse("overlap", "--as-of", "2012-12-18")

    assert out == "no pair shares a state on 2012-12-18\n"


def test_analyse_duplication_table(minimal_registry: Path) -> None:
    out, _ = analyse("duplication", "--as-of", "2013-01-01")

    assert out.splitlines() == [
        "first  second  score  functional  membership  shared_functions             shared_states",
        "csto   nato    0.375       0.500       0.000  counter-narcotics:secondary",
    ]


def test_analyse_suggest_json_is_planner_requests(minimal_registry: Path) -> None:
    requests = analyse_json("suggest", "--as-of", "2013-01-01")

    assert requests == [
        {
            "id": "dup-csto-nato-counter-narcotics",
            "organizations": ["csto", "nato"],
            "topic": "counter-narcotics",
            "priority": 3,  # 2, plus 1: no formal tie between them
            "slots": 1,
        }
    ]


def test_analyse_suggest_common_forum_leaves_none(minimal_registry: Path) -> None:
    out, _ = analyse("suggest", "--as-of", "2013-01-01", "--common-forum")

    assert out == "no suggestions on 2013-01-01\n"


def test_analyse_balance_table_and_svg(minimal_registry: Path, tmp_path: Path) -> None:
    chart = tmp_path / "kaz.svg"

    out, err = analyse("balance", "kaz", "--from", "2002", "--to", "2003", "--svg", str(chart))

    assert out.splitlines() == [
        "year  index    hhi  share_russia  share_us",
        "2002  0.000  1.000         1.000     0.000",
        "2003  0.000  1.000         1.000     0.000",
    ]
    assert err == f"wrote {chart}\n"
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "2002 russia: 1.00" in svg


def test_analyse_balance_json_years_in_order(minimal_registry: Path) -> None:
    years = analyse_json("balance", "KAZ", "--from", "2002", "--to", "2003")

    assert years == [
        {
            "year": year,
            "weights": {"russia": 1.0, "us": 0.0},
            "shares": {"russia": 1.0, "us": 0.0},
            "index": 0.0,
            "hhi": 1.0,
        }
        for year in (2002, 2003)
    ]


def test_analyse_network_json_edges(minimal_registry: Path) -> None:
    edges = analyse_json("network", "--as-of", "2013-01-01")

    assert edges == [
        {"organization": "csto", "state": "KAZ"},
        {"organization": "csto", "state": "RUS"},
        {"organization": "nato", "state": "USA"},
    ]


def test_render_text_cuts_long_cells_keeps_csv_whole() -> None:
    export = Export(
        records=[],
        headers=("pair", "states"),
        rows=[("a–b", "KAZ " * 20)],
        svg="",
    )

    text = render_text(export, width=12)

    assert text.splitlines() == ["pair  states", "a–b   KAZ KAZ KAZ…"]
    assert render_csv(export).splitlines()[1] == "a–b," + "KAZ " * 20


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["balance", "XXX", "--from", "2002", "--to", "2003"],
            "state 'XXX' is not in the registry",
        ),
        (
            ["balance", "KAZ", "--from", "2010", "--to", "2003"],
            "--from 2010 is after --to 2003; give --from <= --to",
        ),
        (
            ["balance", "KAZ", "--from", "1800", "--to", "2003"],
            f"--from 1800 is outside the data (1949 to {TODAY.year})",
        ),
        (
            ["balance", "KAZ", "--from", "twenty", "--to", "2003"],
            "--from 'twenty' is not a year; use YYYY",
        ),
        (
            ["balance", "KAZ", "--from", "2002", "--to", "2003", "--half-life", "0"],
            "--half-life 0.0 must be above 0",
        ),
        (
            ["overlap", "--as-of", "2013-02-30"],
            "--as-of '2013-02-30' is not a date; use YYYY-MM-DD",
        ),
        (
            ["bridges", "--as-of", "1900-01-01"],
            f"--as-of 1900-01-01 is outside the data (1949-04-04 to {TODAY.isoformat()})",
        ),
        (
            ["overlap", "--statuses", "boss"],
            "--statuses contains 'boss'; use any of member, observer, partner, "
            "dialogue_partner, associate, suspended",
        ),
        (["suggest", "--threshold", "2"], "--threshold 2.0 is outside [0, 1]"),
        (["voting", "KAZ"], "no UN votes imported yet; run: sideline data import-unvotes DIR"),
    ],
)
def test_analyse_user_mistake_is_one_line(
    minimal_registry: Path, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError) as caught:
        analyse(*args)

    assert str(caught.value) == message
    assert caught.value.returncode == (1 if args[0] == "voting" else 2)


# --- facts of the bundled registry ---------------------------------------------------------


def test_analyse_bundled_bridges_kazakhstan_top_five_2015(registry: None) -> None:
    ranking = analyse_json("bridges", "--as-of", "2015-01-01")

    assert "KAZ" in [row["state"] for row in ranking[:5]]


def test_analyse_bundled_overlap_csto_sco_2015(registry: None) -> None:
    pairs = analyse_json("overlap", "--as-of", "2015-01-01")

    shared = next(p["shared"] for p in pairs if p["organizations"] == ["csto", "sco"])
    assert {"KAZ", "KGZ", "RUS", "TJK"} <= set(shared)


def test_analyse_bundled_overlap_no_nato_csto_pair_2013(registry: None) -> None:
    pairs = analyse_json("overlap", "--as-of", "2013-01-01")

    assert [p for p in pairs if set(p["organizations"]) == {"csto", "nato"}] == []


def test_analyse_bundled_suggest_nato_csto_counter_narcotics(registry: None) -> None:
    requests = analyse_json("suggest", "--as-of", "2013-01-01")

    assert "dup-csto-nato-counter-narcotics" in [r["id"] for r in requests]


# --- docs/analysis-guide.md: its examples are real outputs ----------------------------------

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "analysis-guide.md"
EXAMPLE = re.compile(
    r"```console\n\$ sideline analyse (?P<args>[^\n]*)\n(?P<output>.*?)\n```", re.S
)


def guide_examples(*, voting: bool) -> list[tuple[str, str]]:
    found = [(m["args"], m["output"]) for m in EXAMPLE.finditer(GUIDE.read_text("utf-8"))]
    return [(args, output) for args, output in found if args.startswith("voting") == voting]


def run_example(args: str) -> list[str]:
    try:
        out, _ = analyse(*shlex.split(args))
    except CommandError as error:
        return [f"CommandError: {error}"]
    return out.rstrip("\n").splitlines()


def assert_example_matches(args: str, output: str) -> None:
    expected = output.splitlines()
    got = run_example(args)
    if expected[-1] == "…":  # the guide shows the first lines only
        expected = expected[:-1]
        got = got[: len(expected)]
    assert got == expected, f"docs/analysis-guide.md: `sideline analyse {args}` has changed"


def test_guide_examples_match_output(registry: None) -> None:
    examples = guide_examples(voting=False)

    assert len(examples) == 10
    for args, output in examples:
        assert_example_matches(args, output)


def write_sessions_from(source: Path, target: Path, *, first_session: int) -> Path:
    """Copy the roll calls of ``first_session`` onwards: later sessions' scores are unchanged."""
    target.mkdir()
    with (source / "roll_calls.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row for row in reader if int(row["session"]) >= first_session]
        fields = list(reader.fieldnames or [])
    kept = {row["rcid"] for row in rows}
    with (target / "roll_calls.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    lines = (source / "unvotes.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (target / "unvotes.csv").write_text(
        lines[0] + "".join(line for line in lines[1:] if line.split(",", 1)[0] in kept),
        encoding="utf-8",
    )
    return target


def test_guide_voting_example_matches_output(registry: None, tmp_path: Path) -> None:
    source = reference_data() / "unvotes"
    # The guide's example starts in 2010 (session 65); fewer rows keep the test quick.
    import_unvotes(write_sessions_from(source, tmp_path / "unvotes", first_session=65))

    [(args, output)] = guide_examples(voting=True)

    assert_example_matches(args, output)


def test_analyse_ties_bundled_pairs_with_and_without_ties(registry: None) -> None:
    pairs = analyse_json("ties", "--as-of", "2026-06-01")
    untied = analyse_json("ties", "--as-of", "2026-06-01", "--untied")

    by_pair = {tuple(p["organizations"]): p for p in pairs}
    assert [t["kind"] for t in by_pair[("csto", "sco")]["ties"]] == ["memorandum"]
    assert untied == [p for p in pairs if not p["ties"] and p["score"] > 0]
    assert ("eu", "osce") in {tuple(p["organizations"]) for p in untied}


def test_analyse_ties_table_names_each_tie(registry: None) -> None:
    out, _ = analyse("ties", "--as-of", "2026-06-01")

    header, *rows = out.splitlines()
    assert header.split() == [
        "first",
        "second",
        "score",
        "functional",
        "membership",
        "shared_states",
        "ties",
    ]
    assert any(r.split()[:2] == ["csto", "sco"] and "memorandum:" in r for r in rows)
