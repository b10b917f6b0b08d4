"""Other people's readers of iCalendar, for tests that compare what each reports.

icalendar and vobject (Python, vobject used by Radicale), khal (a terminal calendar: its
own `khal import` into a vdir, then the times it expanded into its database) and Mozilla's
ical.js (Thunderbird and many web calendars, run under Node from tests/js). Each returns
every event's UID with its start and end in UTC seconds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
import vobject
from click.testing import CliRunner
from icalendar.timezone import tzp

TOOLS = Path(__file__).resolve().parent / "js"

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
    with _pytz_for_khal():
        return _khal_times(files, home)


@contextlib.contextmanager
def _pytz_for_khal() -> Iterator[None]:
    """Let icalendar use pytz while khal reads, as khal expects, and zoneinfo again after.

    Importing khal switches icalendar to pytz for the whole process; left so, every later
    test (and the feeds it fetches) would run on another time-zone provider than the site.
    """
    previous = tzp.name
    tzp.use_pytz()
    try:
        yield
    finally:
        tzp.use(previous)


def _khal_times(files: dict[str, Path], home: Path) -> dict[str, Times]:
    # Imported here, not at the top: importing khal switches icalendar to pytz.
    from khal.cli import main_khal
    from khal.cli_utils import build_collection
    from khal.settings import get_config

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
        # khal warns on its output of what it cannot read (an unknown TZID, a bad date).
        assert (result.exit_code, result.output) == (0, ""), url

    collection = build_collection(get_config(str(config)), None)
    since = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
    until = dt.datetime(2201, 1, 1, tzinfo=dt.UTC)
    by_calendar: dict[str, Times] = {name: {} for name in names.values()}
    floating = collection.get_floating(since.replace(tzinfo=None), until.replace(tzinfo=None))
    for event in [*collection.get_localized(since, until), *floating]:
        # khal shows an all-day event's last day; RFC 5545's DTEND is the day after.
        end = event.end + dt.timedelta(days=1) if event.allday else event.end
        by_calendar[event.calendar][str(event.uid)] = (seconds(event.start), seconds(end))
    return {url: by_calendar[name] for url, name in names.items()}


def times_everywhere(feeds: dict[str, bytes], folder: Path) -> dict[str, Times]:
    """Return each feed's events as icalendar reads them, asserting every other parser agrees."""
    files = {}
    for number, (url, body) in enumerate(feeds.items()):
        files[url] = folder / f"{number}.ics"
        files[url].write_bytes(body)
    (folder / "khal").mkdir()

    by_khal = khal_times(files, folder / "khal")
    by_icaljs = icaljs_times(list(files.values()))

    expected = {url: icalendar_times(body) for url, body in feeds.items()}
    for url, body in feeds.items():
        assert vobject_times(body) == expected[url], url
        assert by_khal[url] == expected[url], url
        assert by_icaljs[str(files[url])] == expected[url], url
    return expected
