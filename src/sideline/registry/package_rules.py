"""The registry's consistency rules that span rows and files, and the names of states.

Cells are already checked one by one (``package_tables``); here are the rules that need
several rows or files: references to sources, organizations, pillars and forums; ISO
codes; intervals that overlap or run backwards; statuses that contradict each other;
relations between organizations; sessions outside their organization's existence; time
zones and recurrence rules. State names are in ``state_names``.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from itertools import pairwise

from dateutil.rrule import rrulestr

from sideline.registry.dates import Interval, PartialDate, PartialDateError
from sideline.registry.package_tables import EARLIEST, LATEST, DataIssue, Row
from sideline.registry.state_names import state_names

__all__ = ["check_consistency", "referenced_states"]

Tables = dict[str, list[Row]]

# A forum session is days long; a longer one is a typing mistake that would make the
# planner lay out slots for every one of its days.
MAX_SESSION_DAYS = 366


def _partial(row: Row, column: str, file: str, issues: list[DataIssue]) -> PartialDate | None:
    if not row[column]:
        return None
    try:
        parsed = PartialDate.parse(row[column])
    except PartialDateError as error:
        issues.append(DataIssue(file, int(row["_line"]), column, "invalid_date", str(error)))
        return None
    if not EARLIEST <= parsed.first_day <= LATEST:
        issues.append(
            DataIssue(
                file,
                int(row["_line"]),
                column,
                "date_out_of_range",
                f"{row[column]!r} is outside {EARLIEST.year} to {LATEST.year}",
            )
        )
        return None
    return parsed


class _Checker:
    """The consistency rules that span rows and files."""

    def __init__(self, tables: Tables, files: dict[str, str], today: date) -> None:
        self.today = today
        self.tables = tables
        self.files = files
        self.issues: list[DataIssue] = []
        self.sources = {
            row["id"] for name in ("sources", "sources_activity") for row in self.rows(name)
        }
        self.organizations = {row["slug"] for row in self.rows("organizations")}
        self.functions = {row["slug"] for row in self.rows("functions")}
        self.pillars = {row["slug"] for row in self.rows("pillars")}
        self.forums = {row["slug"] for row in self.rows("forums")}
        self.existence = self._existence()

    def _existence(self) -> dict[str, Interval]:
        """Return each organization's founding and dissolution, when both parse."""
        spans: dict[str, Interval] = {}
        for row in self.rows("organizations"):
            try:
                founded = PartialDate.parse(row["founded"]) if row["founded"] else None
                dissolved = PartialDate.parse(row["dissolved"]) if row["dissolved"] else None
            except PartialDateError:
                continue  # reported by check_organizations
            if founded is not None:
                spans[row["slug"]] = Interval(founded, dissolved)
        return spans

    def rows(self, resource: str) -> list[Row]:
        return self.tables.get(resource, [])

    def file(self, resource: str) -> str:
        return self.files.get(resource, resource)

    def add(self, resource: str, row: Row, column: str, code: str, message: str) -> None:
        self.issues.append(DataIssue(self.file(resource), int(row["_line"]), column, code, message))

    def reference(
        self, resource: str, row: Row, column: str, known: set[str], what: str, hint: str
    ) -> None:
        for value in row[column].split():
            if value not in known:
                self.add(
                    resource,
                    row,
                    column,
                    f"unknown_{what}",
                    f"{value!r} is not a known {what}; {hint}",
                )

    def state(self, resource: str, row: Row, column: str) -> None:
        code = row[column]
        if code and state_names(code) is None:
            self.add(
                resource,
                row,
                column,
                "unknown_state",
                f"{code!r} is not an ISO 3166-1 (or ISO 3166-3 former) alpha-3 code",
            )

    def run(self) -> list[DataIssue]:
        source_hint = "add it to sources.csv or sources_activity.csv"
        for resource in (
            "organizations",
            "memberships",
            "relations",
            "mandates",
            "forums",
            "sessions",
            "engagements",
        ):
            for row in self.rows(resource):
                self.reference(resource, row, "source", self.sources, "source", source_hint)
        self.check_source_ids()
        self.check_organizations()
        self.check_memberships()
        self.check_relations()
        for row in self.rows("mandates"):
            self.reference(
                "mandates",
                row,
                "organization",
                self.organizations,
                "organization",
                "add it to organizations.csv",
            )
            self.reference(
                "mandates", row, "function", self.functions, "function", "add it to functions.csv"
            )
        self.check_forums()
        self.check_sessions()
        self.check_engagements()
        return self.issues

    def check_source_ids(self) -> None:
        """Refuse an id that both source tables define.

        Rows cite a source by id alone, from either table, so an id defined twice would
        leave it to reading order which title and URL a row cites.
        """
        first = {row["id"]: row for row in self.rows("sources")}
        for row in self.rows("sources_activity"):
            other = first.get(row["id"])
            if other is not None:
                self.add(
                    "sources_activity",
                    row,
                    "id",
                    "duplicate_source",
                    f"{row['id']!r} already appears in {self.file('sources')} on line "
                    f"{other['_line']}; a source id must name one row of the two tables",
                )

    def check_organizations(self) -> None:
        for row in self.rows("organizations"):
            founded = _partial(row, "founded", self.file("organizations"), self.issues)
            dissolved = _partial(row, "dissolved", self.file("organizations"), self.issues)
            if founded and dissolved and Interval(founded, dissolved).is_reversed():
                self.add(
                    "organizations",
                    row,
                    "dissolved",
                    "end_before_start",
                    "the organization is dissolved before it was founded",
                )
            self.reference(
                "organizations",
                row,
                "successor",
                self.organizations,
                "organization",
                "add it to organizations.csv",
            )
            self.reference(
                "organizations", row, "pillars", self.pillars, "pillar", "add it to pillars.csv"
            )

    def participant(self, row: Row) -> str | None:
        """Return the row's participant (ISO code or slug), reporting a missing or double one."""
        state, organization = row["state"], row["participant_organization"]
        if state and organization:
            self.add(
                "memberships",
                row,
                "participant_organization",
                "two_participants",
                f"the row names both the state {state!r} and the organization {organization!r}; "
                "a row has one participant, so split it in two",
            )
            return None
        if not state and not organization:
            self.add(
                "memberships",
                row,
                "state",
                "missing_participant",
                "the row names no participant; give a state's ISO code in state or an "
                "organization's slug in participant_organization",
            )
            return None
        if state:
            self.state("memberships", row, "state")
            return state
        if organization not in self.organizations:
            self.add(
                "memberships",
                row,
                "participant_organization",
                "unknown_participant",
                f"{organization!r} is neither a known state nor a known organization; add it to "
                "organizations.csv, or write a state's ISO code in the state column",
            )
            return None
        if organization == row["organization"]:
            self.add(
                "memberships",
                row,
                "participant_organization",
                "self_membership",
                f"{organization!r} cannot hold a status in itself",
            )
            return None
        return organization

    def check_memberships(self) -> None:
        file = self.file("memberships")
        spans: dict[tuple[str, str, str], list[tuple[Interval, Row]]] = defaultdict(list)
        for row in self.rows("memberships"):
            self.reference(
                "memberships",
                row,
                "organization",
                self.organizations,
                "organization",
                "add it to organizations.csv",
            )
            participant = self.participant(row)
            start = _partial(row, "start", file, self.issues)
            end = _partial(row, "end", file, self.issues)
            if start is None or participant is None:
                continue
            interval = Interval(start, end)
            if interval.is_reversed():
                self.add(
                    "memberships",
                    row,
                    "end",
                    "end_before_start",
                    f"the end {row['end']} is not after the start {row['start']}",
                )
                continue
            spans[(row["organization"], participant, row["status"])].append((interval, row))
        for (organization, participant, status), items in spans.items():
            items.sort(key=lambda item: item[0].start.first_day)
            for (first, first_row), (second, second_row) in pairwise(items):
                if first.overlaps(second):
                    self.add(
                        "memberships",
                        second_row,
                        "start",
                        "overlapping_interval",
                        f"{participant} as {status} of {organization} from {second_row['start']} "
                        f"overlaps line {first_row['_line']} "
                        f"({first_row['start']}–{first_row['end'] or 'open'}); "
                        "end the earlier row or merge them",
                    )
        self.contradictory_statuses(spans)
        self.suspensions(spans)

    def contradictory_statuses(
        self, spans: dict[tuple[str, str, str], list[tuple[Interval, Row]]]
    ) -> None:
        """Refuse two statuses of one participant that hold on the same day.

        A state is a member *or* an observer *or* a partner of an organization at a time;
        only ``suspended`` is held together with ``member`` (checked by :meth:`suspensions`).
        """
        by_participant: dict[tuple[str, str], list[tuple[Interval, str, Row]]] = defaultdict(list)
        for (organization, participant, status), items in spans.items():
            if status == "suspended":
                continue
            for interval, row in items:
                by_participant[(organization, participant)].append((interval, status, row))
        for (organization, participant), held in by_participant.items():
            held.sort(key=lambda item: (item[0].start.first_day, int(item[2]["_line"])))
            for index, (interval, status, row) in enumerate(held):
                for earlier, earlier_status, earlier_row in held[:index]:
                    if earlier_status != status and earlier.overlaps(interval):
                        self.add(
                            "memberships",
                            row,
                            "status",
                            "contradictory_status",
                            f"{participant} is {status} of {organization} from {row['start']} "
                            f"while still {earlier_status} (line {earlier_row['_line']}, "
                            f"{earlier_row['start']}–{earlier_row['end'] or 'open'}); end the "
                            f"{earlier_status} row on the day the {status} status began",
                        )
                        break

    def suspensions(self, spans: dict[tuple[str, str, str], list[tuple[Interval, Row]]]) -> None:
        for (organization, participant, status), items in spans.items():
            if status != "suspended":
                continue
            covering = [
                interval for interval, _ in spans.get((organization, participant, "member"), [])
            ]
            for interval, row in items:
                inside = any(
                    outer.start.first_day <= interval.start.first_day
                    and (
                        outer.end is None
                        or (
                            interval.end is not None
                            and interval.end.first_day <= outer.end.first_day
                        )
                    )
                    for outer in covering
                )
                if not inside:
                    self.add(
                        "memberships",
                        row,
                        "start",
                        "suspension_outside_membership",
                        f"{participant} is suspended in {organization} outside any of its member "
                        "rows; a suspension must lie within a membership",
                    )

    def check_relations(self) -> None:
        file = self.file("relations")
        for row in self.rows("relations"):
            for column in ("organization", "counterpart"):
                self.reference(
                    "relations",
                    row,
                    column,
                    self.organizations,
                    "organization",
                    "add it to organizations.csv",
                )
            if row["organization"] == row["counterpart"]:
                self.add(
                    "relations",
                    row,
                    "counterpart",
                    "self_relation",
                    f"a relation ties two organizations; {row['organization']!r} is named on "
                    "both sides",
                )
            if row["kind"] == "ga_observer" and row["counterpart"] != "un":
                self.add(
                    "relations",
                    row,
                    "counterpart",
                    "invalid_counterpart",
                    "observer status in the UN General Assembly has the counterpart un",
                )
            signed = _partial(row, "signed", file, self.issues)
            in_force = _partial(row, "in_force", file, self.issues)
            ended = _partial(row, "ended", file, self.issues)
            if signed is None and in_force is None:
                if not row["signed"] and not row["in_force"]:
                    self.add(
                        "relations",
                        row,
                        "signed",
                        "missing_date",
                        "give the day the document was signed (signed) or took effect (in_force)",
                    )
                continue
            if signed and in_force and in_force.first_day < signed.first_day:
                self.add(
                    "relations",
                    row,
                    "in_force",
                    "in_force_before_signed",
                    f"the tie cannot take effect ({row['in_force']}) before it was signed "
                    f"({row['signed']})",
                )
            start = in_force or signed
            assert start is not None
            if ended and Interval(start, ended).is_reversed():
                self.add(
                    "relations",
                    row,
                    "ended",
                    "end_before_start",
                    f"the end {row['ended']} is not after the start {start}",
                )
                continue
            for column in ("organization", "counterpart"):
                existence = self.existence.get(row[column])
                if existence is not None and not _covers(existence, start):
                    self.add(
                        "relations",
                        row,
                        "signed" if not row["in_force"] else "in_force",
                        "outside_existence",
                        f"{row[column]} did not exist on {start} "
                        f"({existence.start}–{existence.end or 'today'}); check the date or "
                        "the organization",
                    )

    def check_forums(self) -> None:
        for row in self.rows("forums"):
            self.reference(
                "forums",
                row,
                "organization",
                self.organizations,
                "organization",
                "add it to organizations.csv",
            )
            if row["timezone"]:
                self.timezone("forums", row)
            if row["rrule"] and row["dtstart"]:
                try:
                    rrulestr(row["rrule"], dtstart=date.fromisoformat(row["dtstart"]))
                except (ValueError, TypeError, OverflowError) as error:
                    self.add(
                        "forums", row, "rrule", "invalid_rrule", f"not an RFC 5545 RRULE: {error}"
                    )

    def timezone(self, resource: str, row: Row) -> None:
        try:
            zoneinfo.ZoneInfo(row["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            self.add(
                resource,
                row,
                "timezone",
                "unknown_timezone",
                f"{row['timezone']!r} is not an IANA time zone such as Europe/Vienna",
            )

    def check_sessions(self) -> None:
        forum_organization = {row["slug"]: row["organization"] for row in self.rows("forums")}
        # A forum meets once on a day: a second row for the same forum and start is the
        # same meeting entered twice (under another id), which would count it twice.
        first_of_day: dict[tuple[str, str], Row] = {}
        for row in self.rows("sessions"):
            self.reference("sessions", row, "forum", self.forums, "forum", "add it to forums.csv")
            earlier = first_of_day.setdefault((row["forum"], row["start"]), row)
            if earlier is not row:
                self.add(
                    "sessions",
                    row,
                    "start",
                    "duplicate_session",
                    f"{row['forum']} already has a session starting {row['start']} on line "
                    f"{earlier['_line']} ({earlier['id']}); keep one row per meeting",
                )
            attendees = row["attendees"].split()
            for repeated in sorted({slug for slug in attendees if attendees.count(slug) > 1}):
                self.add(
                    "sessions",
                    row,
                    "attendees",
                    "duplicate_value",
                    f"{repeated!r} is listed more than once",
                )
            self.reference(
                "sessions",
                row,
                "attendees",
                self.organizations,
                "organization",
                "add it to organizations.csv",
            )
            self.state("sessions", row, "country")
            self.timezone("sessions", row)
            try:
                start, end = date.fromisoformat(row["start"]), date.fromisoformat(row["end"])
            except ValueError:
                continue  # Already reported as an invalid date by the cell check.
            organization = forum_organization.get(row["forum"])
            existence = self.existence.get(organization or "")
            if existence is not None and not _covers(existence, PartialDate.parse(row["start"])):
                self.add(
                    "sessions",
                    row,
                    "start",
                    "outside_existence",
                    f"the forum's organization {organization} did not exist on {row['start']} "
                    f"({existence.start}–{existence.end or 'today'}); check the date or the forum",
                )
            if row["status"] == "projected" and start < self.today:
                self.add(
                    "sessions",
                    row,
                    "status",
                    "projected_in_past",
                    f"a projected session cannot lie in the past ({row['start']}, before "
                    f"{self.today}); record it as held with the source that shows it, or "
                    "remove it",
                )
            elif row["status"] == "held" and start > self.today:
                self.add(
                    "sessions",
                    row,
                    "status",
                    "held_in_future",
                    f"a session starting on {row['start']} has not been held yet; record it "
                    "as announced (with the announcement as source) or projected",
                )
            if end < start:
                self.add(
                    "sessions",
                    row,
                    "end",
                    "end_before_start",
                    f"the session ends ({row['end']}) before it starts ({row['start']})",
                )
            elif (end - start).days >= MAX_SESSION_DAYS and EARLIEST <= start <= end <= LATEST:
                self.add(
                    "sessions",
                    row,
                    "end",
                    "session_too_long",
                    f"the session lasts more than {MAX_SESSION_DAYS} days; check its dates",
                )

    def check_engagements(self) -> None:
        file = self.file("engagements")
        for row in self.rows("engagements"):
            self.state("engagements", row, "state")
            self.reference(
                "engagements", row, "pillars", self.pillars, "pillar", "add it to pillars.csv"
            )
            start = _partial(row, "date", file, self.issues)
            end = _partial(row, "end", file, self.issues)
            if start and end and Interval(start, end).is_reversed():
                self.add(
                    "engagements",
                    row,
                    "end",
                    "end_before_start",
                    f"the end {row['end']} is not after the date {row['date']}",
                )


def _covers(existence: Interval, day: PartialDate) -> bool:
    """Return whether an organization that existed over ``existence`` existed on ``day``.

    A partial date may mean any day of its year or month: a tie signed in ``1993`` is not
    refused for an organization founded on 1993-11-01.

    >>> _covers(Interval(PartialDate.parse("1993-11-01")), PartialDate.parse("1993"))
    True
    >>> _covers(Interval(PartialDate.parse("1993-11-01")), PartialDate.parse("1993-10-31"))
    False
    """
    if day.last_day < existence.start.first_day:
        return False
    return existence.end is None or day.first_day < existence.end.first_day


def check_consistency(
    tables: Tables, files: dict[str, str], *, today: date | None = None
) -> list[DataIssue]:
    """Return every defect that spans rows or files.

    Args:
        tables: the rows of each resource, by resource name, cells already checked.
        files: each resource's file name, to locate defects.
        today: the day that separates held from projected sessions (today by default).
    """
    return _Checker(tables, files, today or date.today()).run()


def referenced_states(tables: Tables) -> Iterable[str]:
    """Return the ISO codes that the memberships, sessions and engagements name."""
    codes = {row["state"] for row in tables.get("memberships", []) if row.get("state")}
    codes |= {row["country"] for row in tables.get("sessions", [])}
    codes |= {row["state"] for row in tables.get("engagements", [])}
    return sorted(codes)
