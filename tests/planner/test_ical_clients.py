"""Every calendar Sideline serves reads the same in other people's parsers.

icalendar (Python), vobject (Python, used by Radicale), khal (a terminal calendar: its own
`import` into a vdir, then its own database of expanded times) and Mozilla's ical.js
(Thunderbird and many web calendars, run under Node from tests/js) must agree on every
event's start and end; each feed has at least one component (RFC 5545 §3.6) and names
instead of slugs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import icalendar
import pytest
import vobject
from click.testing import CliRunner
from django.test import Client
from khal.cli import main_khal
from khal.cli_utils import build_collection
from khal.settings import get_config

from sideline.planner.models import Plan
from sideline.planner.services import publish_plan
from sideline.registry.models import Organization

TOOLS = Path(__file__).resolve().parent.parent / "js"

Times = dict[str, tuple[int, int]]


def icaljs_times(paths: list[Path]) -> dict[str, Times]:
    """Return each file's events as ical.js reads them, or skip when Node or it is missing."""
    node = shutil.which("node")
    if node is None or not (TOOLS / "node_modules" / "ical.js").is_dir():
        message = "ical.js is not installed: run `npm ci --prefix tests/js` (needs Node)"
        if os.environ.get("SIDELINE_REQUIRE_NODE"):
            pytest.fail(message)
        pytest.skip(message)
    output = subprocess.run(
        [node, str(TOOLS / "ical_times.mjs"), *map(str, paths)],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    return {
        path: {uid: (start, end) for uid, (start, end) in read["events"].items()}
        for path, read in json.loads(output).items()
    }


def seconds(moment: dt.datetime | dt.date) -> int:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(), tzinfo=dt.UTC)
    return int(moment.timestamp())


def icalendar_times(body: bytes) -> Times:
    calendar = icalendar.Calendar.from_ical(body)
    return {
        str(e["UID"]): (seconds(e.decoded("DTSTART")), seconds(e.decoded("DTEND")))
        for e in calendar.walk("VEVENT")
        if "DTEND" in e
    }


def vobject_times(body: bytes) -> Times:
    calendar = vobject.readOne(body.decode())
    return {
        str(e.uid.value): (seconds(e.dtstart.value), seconds(e.dtend.value))
        for e in calendar.contents.get("vevent", [])
        if hasattr(e, "dtend")
    }


def khal_times(files: dict[str, Path], home: Path) -> dict[str, Times]:
    """Return each feed's events as khal reads them: `khal import` into a calendar of its own.

    One calendar (vdir) per feed, since several feeds carry the same meeting (same UID).
    The local and default time zones are UTC, so nothing is shifted by the machine's zone.
    """
    names = {url: f"feed{number}" for number, url in enumerate(files)}
    sections = []
    for name in names.values():
        (home / name).mkdir()
        sections.append(f"[[{name}]]\npath = {home / name}\ntype = calendar\n")
    config = home / "khal.conf"
    config.write_text(
        "[calendars]\n"
        + "".join(sections)
        + f"[locale]\nlocal_timezone = UTC\ndefault_timezone = UTC\n[sqlite]\npath = {home / 'khal.db'}\n"
    )
    runner = CliRunner()
    for url, name in names.items():
        result = runner.invoke(
            main_khal, ["-c", str(config), "import", "--batch", "-a", name, str(files[url])]
        )
        assert result.exit_code == 0, (url, result.output)

    collection = build_collection(get_config(str(config)), None)
    since = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
    until = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)
    by_calendar: dict[str, Times] = {name: {} for name in names.values()}
    floating = collection.get_floating(since.replace(tzinfo=None), until.replace(tzinfo=None))
    for event in [*collection.get_localized(since, until), *floating]:
        # khal shows an all-day event's last day; RFC 5545's DTEND is the day after.
        end = event.end + dt.timedelta(days=1) if event.allday else event.end
        by_calendar[event.calendar][str(event.uid)] = (seconds(event.start), seconds(end))
    return {url: by_calendar[name] for url, name in names.items()}


@pytest.fixture
def feeds(client: Client, plan_2013: Plan, tmp_path: Path) -> dict[str, bytes]:
    """Every calendar URL of a node with a published 2013 plan, fetched."""
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))
    slugs = list(Organization.objects.values_list("slug", flat=True))
    urls = ["/planner/feeds/all.ics", "/api/planner/feeds/all/ics"]
    urls += [f"/planner/feeds/{slug}.ics" for slug in slugs]
    urls += [f"/meetings/calendars/{slug}.ics" for slug in slugs]
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "text/calendar; charset=utf-8", url
        bodies[url] = response.content
    return bodies


def test_every_feed_reads_the_same_in_icalendar_vobject_khal_and_icaljs(
    feeds: dict[str, bytes], tmp_path: Path
) -> None:
    files = {}
    for number, (url, body) in enumerate(feeds.items()):
        files[url] = tmp_path / f"{number}.ics"
        files[url].write_bytes(body)
    (tmp_path / "khal").mkdir()

    by_khal = khal_times(files, tmp_path / "khal")
    by_icaljs = icaljs_times(list(files.values()))

    for url, body in feeds.items():
        expected = icalendar_times(body)
        assert vobject_times(body) == expected, url
        assert by_khal[url] == expected, url
        assert by_icaljs[str(files[url])] == expected, url
    new_york = icalendar_times(feeds["/planner/feeds/all.ics"])
    assert len(new_york) == 3  # the three meetings at the UN General Assembly, in daylight time


def test_every_feed_has_a_component(feeds: dict[str, bytes]) -> None:
    empty = [
        url for url, body in feeds.items() if not icalendar.Calendar.from_ical(body).subcomponents
    ]

    assert empty == []


def test_time_zones_list_one_date_per_rdate_line(feeds: dict[str, bytes]) -> None:
    lines = [
        line
        for body in feeds.values()
        for line in body.decode().replace("\r\n ", "").splitlines()
        if line.startswith("RDATE")
    ]

    assert lines, "the New York feeds have daylight-saving changes"
    assert [line for line in lines if "," in line] == []


def test_feed_events_carry_names_not_slugs(feeds: dict[str, bytes], plan_2013: Plan) -> None:
    room = plan_2013.meetings.get(request__key="r1").room + 1
    calendar = icalendar.Calendar.from_ical(feeds["/planner/feeds/csto.ics"])
    (event,) = calendar.walk("VEVENT")

    assert str(event["SUMMARY"]) == "CSTO – SCO: Counter-terrorism"
    assert str(event["LOCATION"]) == (
        "New York, United States — UN General Assembly high-level week (general debate), "
        f"room {room}"
    )
    assert str(calendar["X-WR-CALNAME"]) == "Sideline sideline-2013 — CSTO"
