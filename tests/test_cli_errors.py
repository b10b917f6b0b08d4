"""Every malformed input to the ``sideline`` command is one line on stderr and an exit code.

Each case feeds the real entry point (``sideline.cli.main``) a broken data package,
planner instance, analysis argument or command argument, and fails on a traceback, a
zero exit or more than one line on stderr. The commands run in this process, on the
test database, so that the table stays fast; ``tests/test_cli.py`` runs the installed
command in a subprocess.
"""

from __future__ import annotations

import json
import socket
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sideline.cli import main
from tests.registry.package_factory import Rows, minimal_tables, write_package

Tables = dict[str, Rows]
Build = Callable[[Path], list[str]]


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> Outcome:
    """Run ``sideline ARGS`` as the console script does; a traceback becomes stderr text."""
    try:
        code = main(args)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except Exception:  # A crash is what this file looks for: keep it as the console would.
        captured = capsys.readouterr()
        return Outcome(1, captured.out, captured.err + traceback.format_exc())
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


def package(tmp_path: Path, change: Callable[[Tables], None] | None = None) -> Path:
    tables = minimal_tables()
    if change is not None:
        change(tables)
    return write_package(tmp_path / "package", tables)


def edit_descriptor(directory: Path, change: Callable[[dict[str, object]], object]) -> Path:
    path = directory / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    replaced = change(descriptor)
    path.write_text(json.dumps(descriptor if replaced is None else replaced), encoding="utf-8")
    return directory


def resource(descriptor: dict[str, object], name: str) -> dict[str, object]:
    resources = descriptor["resources"]
    assert isinstance(resources, list)
    found: dict[str, object] = next(r for r in resources if r["name"] == name)
    return found


def cell(table: str, column: str, value: str, row: int = 0) -> Callable[[Path], Path]:
    def build(tmp_path: Path) -> Path:
        def change(tables: Tables) -> None:
            tables[table][row][column] = value

        return package(tmp_path, change)

    return build


def file_content(name: str, content: bytes | None) -> Callable[[Path], Path]:
    def build(tmp_path: Path) -> Path:
        directory = package(tmp_path)
        if content is None:
            (directory / name).unlink()
        else:
            (directory / name).write_bytes(content)
        return directory

    return build


def descriptor_change(change: Callable[[dict[str, object]], object]) -> Callable[[Path], Path]:
    def build(tmp_path: Path) -> Path:
        return edit_descriptor(package(tmp_path), change)

    return build


def json_table(name: str, content: object) -> Callable[[Path], Path]:
    """Give the resource ``name`` as a JSON file holding ``content``."""

    def build(tmp_path: Path) -> Path:
        directory = package(tmp_path)

        def change(descriptor: dict[str, object]) -> None:
            resource(descriptor, name).update(path=f"{name}.json", format="json")

        (directory / f"{name}.json").write_text(json.dumps(content), encoding="utf-8")
        return edit_descriptor(directory, change)

    return build


def validate(build: Callable[[Path], Path], action: str = "validate") -> Build:
    return lambda tmp_path: ["data", action, str(build(tmp_path))]


def drop(name: str) -> Callable[[dict[str, object]], None]:
    def change(descriptor: dict[str, object]) -> None:
        resources = descriptor["resources"]
        assert isinstance(resources, list)
        descriptor["resources"] = [r for r in resources if r["name"] != name]

    return change


def instance_file(change: Callable[[dict[str, object]], object] | str) -> Callable[[Path], str]:
    """Write a small valid instance changed by ``change`` (or the raw text ``change``)."""

    def build(tmp_path: Path) -> str:
        data: dict[str, object] = {
            "schema": "sideline.plan-instance/1",
            "organizations": ["nato", "csto"],
            "sessions": [
                {
                    "id": "s",
                    "forum": "f",
                    "city": "New York",
                    "start": "2013-09-24",
                    "end": "2013-09-25",
                    "slots_per_day": 4,
                    "rooms": 2,
                    "attendees": ["nato", "csto"],
                }
            ],
            "requests": [{"id": "r1", "organizations": ["nato", "csto"], "priority": 5}],
        }
        path = tmp_path / "instance.json"
        if isinstance(change, str):
            path.write_text(change, encoding="utf-8")
        else:
            replaced = change(data)
            path.write_text(json.dumps(data if replaced is None else replaced), encoding="utf-8")
        return str(path)

    return build


def session(**fields: object) -> Callable[[dict[str, object]], None]:
    def change(data: dict[str, object]) -> None:
        sessions = data["sessions"]
        assert isinstance(sessions, list)
        sessions[0].update(fields)

    return change


def request(**fields: object) -> Callable[[dict[str, object]], None]:
    def change(data: dict[str, object]) -> None:
        requests = data["requests"]
        assert isinstance(requests, list)
        requests[0].update(fields)

    return change


def plan(build: Callable[[Path], str], *extra: str) -> Build:
    return lambda tmp_path: ["plan", "--instance", build(tmp_path), *extra]


def args(*given: str) -> Build:
    return lambda _tmp_path: list(given)


def with_list_file(option: str, content: object, *extra: str) -> Build:
    def build(tmp_path: Path) -> list[str]:
        path = tmp_path / "list.json"
        path.write_text(json.dumps(content), encoding="utf-8")
        return ["plan", "2013", option, str(path), *extra]

    return build


def long_session(tables: Tables) -> None:
    tables["sessions"][0].update(start="2012-01-01", end="2013-06-01")


def duplicate_organization(tables: Tables) -> None:
    tables["organizations"].append(dict(tables["organizations"][0]))


VALID_CSV_PILLARS = b"slug,name_en,name_ru\nrussia,Russia,R\nus,US,U\n"

# (id, arguments, exit status, a fragment the one line must hold)
CASES: list[tuple[str, Build, int, str]] = [
    # Data packages: structure.
    (
        "package-missing-file",
        validate(file_content("memberships.csv", None)),
        1,
        "memberships.csv: the file is missing",
    ),
    (
        "package-missing-resource",
        validate(descriptor_change(drop("memberships"))),
        1,
        "the resource 'memberships' is missing",
    ),
    (
        "package-load-missing-resource",
        validate(descriptor_change(drop("mandates")), "load"),
        1,
        "the resource 'mandates' is missing",
    ),
    (
        "package-load-bad-cell",
        validate(cell("memberships", "state", "XYZ"), "load"),
        1,
        "nothing was loaded",
    ),
    (
        "package-bad-csv-quote",
        validate(file_content("pillars.csv", b'slug,name_en,name_ru\n"russia,R,R\n')),
        1,
        "pillars.csv: not a readable CSV file",
    ),
    (
        "package-not-utf8",
        validate(file_content("pillars.csv", b"\xff\xfe\x00s\x00l\x00u\x00g")),
        1,
        "pillars.csv: the file is not UTF-8 text",
    ),
    (
        "package-empty-file",
        validate(file_content("pillars.csv", b"")),
        1,
        "pillars.csv, line 1: the file is empty",
    ),
    (
        "package-huge-field",
        validate(
            file_content("pillars.csv", b"slug,name_en,name_ru\nus," + b"x" * 200_000 + b",U\n")
        ),
        1,
        "a cell is longer than 100000 characters; shorten it",
    ),
    (
        "package-missing-column",
        validate(file_content("pillars.csv", b"slug,name_en\nrussia,Russia\n")),
        1,
        "pillars.csv, line 1, field name_ru: the column is missing",
    ),
    (
        "package-unknown-column",
        validate(file_content("pillars.csv", b"slug,name_en,name_ru,x\nrussia,R,R,1\nus,U,U,1\n")),
        1,
        "field x: the column is not in the registry's schema",
    ),
    (
        "package-extra-cells",
        validate(file_content("pillars.csv", VALID_CSV_PILLARS + b"cn,China,K,extra\n")),
        1,
        "pillars.csv, line 4: the row has more cells than the header",
    ),
    (
        "package-control-character",
        validate(cell("pillars", "name_en", "Rus\x01sia")),
        1,
        "contains a control character",
    ),
    (
        "package-duplicate-key",
        validate(lambda tmp_path: package(tmp_path, duplicate_organization)),
        1,
        "'csto' already appears on line 2",
    ),
    # Data packages: descriptor.
    (
        "descriptor-not-json",
        validate(file_content("datapackage.json", b"{")),
        1,
        "datapackage.json, line 1: not valid JSON",
    ),
    (
        "descriptor-a-list",
        validate(descriptor_change(lambda _descriptor: [])),
        1,
        "must be a JSON object with a list of resources",
    ),
    (
        "descriptor-absolute-path",
        validate(descriptor_change(lambda d: resource(d, "pillars").update(path="/etc/passwd"))),
        1,
        "'pillars' needs a relative path",
    ),
    (
        "descriptor-path-outside",
        validate(descriptor_change(lambda d: resource(d, "pillars").update(path="../pillars.csv"))),
        1,
        "'pillars' needs a relative path",
    ),
    (
        "descriptor-unsupported-format",
        validate(descriptor_change(lambda d: resource(d, "pillars").update(format="xlsx"))),
        1,
        "'pillars' is in format 'xlsx'",
    ),
    (
        "descriptor-unknown-resource",
        validate(
            descriptor_change(
                lambda d: d["resources"].append({"name": "extra", "path": "x.csv"})  # type: ignore[attr-defined]
            )
        ),
        1,
        "'extra' is not a registry resource",
    ),
    (
        "descriptor-resource-twice",
        validate(
            descriptor_change(
                lambda d: d["resources"].append(dict(resource(d, "pillars")))  # type: ignore[attr-defined]
            )
        ),
        1,
        "'pillars' is listed twice",
    ),
    # Data packages: values.
    (
        "value-wrong-integer",
        validate(cell("forums", "duration_days", "two")),
        1,
        "'two' is not a whole number",
    ),
    (
        "value-absurd-integer",
        validate(cell("forums", "duration_days", "9" * 40)),
        1,
        "is above the maximum 366",
    ),
    (
        "value-wrong-number",
        validate(cell("engagements", "weight", "heavy")),
        1,
        "'heavy' is not a number",
    ),
    (
        "value-infinite-number",
        validate(cell("engagements", "weight", "1e400")),
        1,
        "'1e400' is not a finite number",
    ),
    ("value-nan", validate(cell("engagements", "weight", "nan")), 1, "not a finite number"),
    (
        "value-date-9999",
        validate(cell("sources", "accessed", "9999-12-31")),
        1,
        "'9999-12-31' is outside 1900-01-01 to 2200-12-31",
    ),
    (
        "value-date-0001",
        validate(cell("forums", "dtstart", "0001-01-01")),
        1,
        "'0001-01-01' is outside 1900-01-01 to 2200-12-31",
    ),
    (
        "value-partial-date-9999",
        validate(cell("memberships", "end", "9999")),
        1,
        "'9999' is outside 1900 to 2200",
    ),
    ("value-year-zero", validate(cell("memberships", "start", "0000")), 1, "not a real date"),
    (
        "value-session-too-long",
        validate(lambda tmp_path: package(tmp_path, long_session)),
        1,
        "the session lasts more than 366 days",
    ),
    (
        "json-table-not-a-list",
        validate(json_table("pillars", {"slug": "russia"})),
        1,
        "pillars.json: must be a JSON list",
    ),
    (
        "json-table-nested-cell",
        validate(json_table("pillars", [["slug", "name_en", "name_ru"], ["us", ["U"], "U"]])),
        1,
        "pillars.json, line 2: a cell must be a string, a finite number or null",
    ),
    (
        "json-table-bad-header",
        validate(json_table("pillars", [[1, 2, 3]])),
        1,
        "the first row must be the header",
    ),
    (
        "data-validate-no-folder",
        lambda tmp_path: ["data", "validate", str(tmp_path / "nowhere")],
        2,
        "is not a folder",
    ),
    (
        "data-export-under-a-file",
        lambda tmp_path: ["data", "export", str(file_in(tmp_path) / "out")],
        2,
        "cannot write there",
    ),
    (
        "data-import-unvotes-empty-folder",
        lambda tmp_path: ["data", "import-unvotes", str(tmp_path)],
        2,
        "roll_calls.csv is missing; nothing was imported",
    ),
    ("data-unknown-action", args("data", "frobnicate"), 2, "invalid choice: 'frobnicate'"),
    # Planner instances.
    ("instance-not-json", plan(instance_file("{")), 2, "$: not JSON"),
    ("instance-nested-too-deep", plan(instance_file("[" * 100_000)), 2, "nested too deeply"),
    ("instance-a-list", plan(instance_file(lambda _data: [])), 2, "$: must be an object"),
    (
        "instance-wrong-schema",
        plan(instance_file(lambda data: data.update(schema="x"))),
        2,
        "$.schema: must be 'sideline.plan-instance/1'",
    ),
    (
        "instance-slots-per-day-float",
        plan(instance_file(session(slots_per_day=1e30))),
        2,
        "$.sessions[0].slots_per_day: must be a positive integer",
    ),
    (
        "instance-slots-per-day-huge",
        plan(instance_file(session(slots_per_day=10**30))),
        2,
        "$.sessions[0].slots_per_day: must be at most 96",
    ),
    (
        "instance-rooms-huge",
        plan(instance_file(session(rooms=10**9))),
        2,
        "$.sessions[0].rooms: must be at most 100",
    ),
    (
        "instance-session-9999",
        plan(instance_file(session(start="9999-12-31", end="9999-12-31"))),
        2,
        "$.sessions[0].start: must be from 1900-01-01 to 2200-12-31",
    ),
    (
        "instance-session-0001",
        plan(instance_file(session(start="0001-01-01", end="0001-01-01"))),
        2,
        "$.sessions[0].start: must be from 1900-01-01 to 2200-12-31",
    ),
    (
        "instance-session-centuries-long",
        plan(instance_file(session(start="1900-01-01", end="2200-12-31"))),
        2,
        "$.sessions[0].end: must be less than 366 days after start",
    ),
    (
        "instance-priority-huge",
        plan(instance_file(request(priority=10**30))),
        2,
        "$.requests[0].priority: must be at most 1000000",
    ),
    (
        "instance-window-9999",
        plan(instance_file(request(not_after="9999-12-31"))),
        2,
        "$.requests[0].not_after: must be from",
    ),
    (
        "instance-is-a-folder",
        lambda tmp_path: ["plan", "--instance", str(tmp_path)],
        2,
        "cannot read the instance file",
    ),
    (
        "instance-missing",
        lambda tmp_path: ["plan", "--instance", str(tmp_path / "none.json")],
        2,
        "no such instance file",
    ),
    (
        "plan-workers-float",
        plan(instance_file(lambda _d: None), "--workers", "1e6"),
        2,
        "argument --workers: '1e6' is not a whole number",
    ),
    (
        "plan-workers-huge",
        plan(instance_file(lambda _d: None), "--workers", "1000000"),
        2,
        "argument --workers: 1000000 is not from 1 to 64",
    ),
    (
        "plan-time-limit-negative",
        plan(instance_file(lambda _d: None), "--time-limit", "-1"),
        2,
        "argument --time-limit: -1 is not above 0",
    ),
    (
        "plan-time-limit-huge",
        plan(instance_file(lambda _d: None), "--time-limit", "1e308"),
        2,
        "argument --time-limit: 1e308 is not above 0",
    ),
    (
        "plan-time-limit-nan",
        plan(instance_file(lambda _d: None), "--time-limit", "nan"),
        2,
        "argument --time-limit: nan is not above 0",
    ),
    (
        "plan-seed-huge",
        plan(instance_file(lambda _d: None), "--seed", "9" * 30),
        2,
        "argument --seed:",
    ),
    ("plan-year-huge", args("plan", "99999"), 2, "argument year: 99999 is not from 1900 to 2200"),
    ("plan-year-word", args("plan", "next"), 2, "argument year: 'next' is not a whole number"),
    (
        "plan-plenary-huge",
        args("plan", "2013", "--plenary-slots", "1000000"),
        2,
        "argument --plenary-slots: 1000000 is not from 0 to 96",
    ),
    (
        "plan-grid-does-not-fit",
        args("plan", "2013", "--plenary-slots", "90"),
        2,
        "the plenary and sideline slots do not fit in a day",
    ),
    (
        "plan-requests-not-a-list",
        with_list_file("--requests", {"a": 1}),
        2,
        "$: must be a list of requests",
    ),
    (
        "plan-summit-9999",
        with_list_file(
            "--summits",
            [
                {
                    "id": "x",
                    "city": "c",
                    "start": "9999-12-31",
                    "end": "9999-12-31",
                    "slots_per_day": 1,
                    "rooms": 1,
                }
            ],
        ),
        2,
        "$[0].start: must be from 1900-01-01 to 2200-12-31",
    ),
    (
        "plan-instance-with-year",
        plan(instance_file(lambda _d: None), "--publish"),
        2,
        "--instance solves a file only",
    ),
    # Analysis.
    ("analyse-bad-date", args("analyse", "overlap", "--as-of", "2013-02-30"), 2, "--as-of"),
    (
        "analyse-date-9999",
        args("analyse", "overlap", "--as-of", "9999-12-31"),
        2,
        "--as-of",
    ),
    (
        "analyse-unknown-state",
        args("analyse", "balance", "XXX", "--from", "2000", "--to", "2001"),
        2,
        "XXX",
    ),
    (
        "analyse-reversed-years",
        args("analyse", "balance", "KAZ", "--from", "2010", "--to", "2000"),
        2,
        "--from 2010 is after --to 2000",
    ),
    ("analyse-threshold-nan", args("analyse", "suggest", "--threshold", "nan"), 2, "--threshold"),
    ("analyse-bad-status", args("analyse", "overlap", "--statuses", "bogus"), 2, "bogus"),
    (
        "analyse-svg-nowhere",
        args("analyse", "overlap", "--as-of", "2013-01-01", "--svg", "/nonexistent/dir/x.svg"),
        1,
        "--svg /nonexistent/dir/x.svg",
    ),
    ("analyse-voting-no-data", args("analyse", "voting", "KAZ"), 1, "no UN votes imported yet"),
    ("analyse-missing-argument", args("analyse", "balance", "KAZ"), 2, "--from"),
    # Other commands.
    ("unknown-command", args("frobnicate"), 2, "no command 'frobnicate'"),
    ("serve-zero-threads", args("serve", "--threads", "0"), 2, "--threads: 0 is not from 1"),
    ("serve-port-word", args("serve", "--port", "x"), 2, "argument --port: invalid int value"),
    ("users-bad-role", args("users", "add", "x", "--role", "nope"), 2, "invalid choice: 'nope'"),
    ("users-unknown-person", args("users", "disable", "ghost"), 2, "ghost"),
    (
        "documents-negative-minutes",
        args("documents", "check", "--older-than", "-5"),
        2,
        "argument --older-than: -5 is not from 0",
    ),
    ("record-unknown-option", args("record", "logs", "--bogus"), 2, "unrecognized arguments"),
]


def file_in(tmp_path: Path) -> Path:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    return blocker


def assert_one_line_error(outcome: Outcome, code: int, fragment: str) -> None:
    assert "Traceback" not in outcome.stderr, outcome.stderr
    lines = outcome.stderr.splitlines()
    assert (outcome.code, len(lines)) == (code, 1), outcome.stderr
    assert fragment in lines[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("build", "code", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_cli_malformed_input_is_one_line_and_an_exit_code(
    build: Build,
    code: int,
    fragment: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    registry: None,
) -> None:
    outcome = run(build(tmp_path), capsys)

    assert_one_line_error(outcome, code, fragment)


def test_cli_error_cases_are_many() -> None:
    assert len(CASES) >= 40


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


@pytest.mark.django_db
def test_cli_serve_on_a_taken_port_is_one_line(
    busy_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = run(["serve", "--host", "127.0.0.1", "--port", str(busy_port)], capsys)

    assert_one_line_error(outcome, 1, f"cannot listen on 127.0.0.1:{busy_port}")


def test_cli_package_with_a_byte_order_mark_is_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = package(tmp_path)
    path = directory / "sources.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    outcome = run(["data", "validate", str(directory)], capsys)

    assert (outcome.code, outcome.stderr) == (0, "")
    assert outcome.stdout.startswith("valid: 16 rows in 11 resources")
