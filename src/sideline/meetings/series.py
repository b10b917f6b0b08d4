"""Series of meetings: the same group of organizations, or the same forum, meeting again.

A series is not stored: it is computed from the projected shared state, so that every
node that holds the same ops computes the same series, in the same order.

* The **group series** of a meeting is keyed by the sorted slugs of its participating
  organizations (host and co-host included), joined by ``+``: ``csto+nato``. Meetings
  whose participants are exactly that set belong to it. Adding a participant moves the
  meeting to the series of the new group.
* The **forum series** is keyed by the slug of the forum of the meeting's session
  (``unga-high-level-week``); a meeting not placed at a forum session has none.

Within a series, meetings are ordered by date, then by their global op id
(``<organization>/<name>``, the same on every node), then by row id for rows made before
meetings were ops. The *previous* meeting of a meeting is the one before it in its group
series: the meeting whose minutes "approval of the minutes of the previous meeting"
refers to.

Given a ``user``, a series holds only the meetings that user may see (the meetings app's
visibility rules, ``selectors.visible_meetings``): a confidential meeting is neither
listed nor linked as previous or next for people outside it, and a series of which a
user sees nothing does not exist for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from sideline.meetings.enums import MinutesStatus
from sideline.meetings.models import Commitment, Decision, Meeting, Minutes
from sideline.meetings.selectors import visible_meetings
from sideline.registry.models import Forum, Organization

__all__ = [
    "Series",
    "SeriesKind",
    "SeriesPage",
    "compile_series",
    "group_key",
    "meetings_in_series",
    "neighbours_in_series",
    "parse_group_key",
    "previous_meeting_in_series",
    "series_navigation",
    "series_of",
]

SeriesKind = Literal["organizations", "forum"]

# A group key names at most this many organizations: the registry has eight, and an URL
# with a longer list is refused before any query.
MAX_GROUP = 16
# What a registry slug may hold; anything else (a NUL byte that PostgreSQL refuses, a
# space) names no series and is answered before any query.
_SLUG = re.compile(r"[-\w]{1,80}", re.ASCII)


@dataclass(frozen=True)
class Series:
    """One series: its kind and key (the URL's two parts)."""

    kind: SeriesKind
    key: str

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(self.key.split("+")) if self.kind == "organizations" else ()


def group_key(slugs: Iterable[str]) -> str:
    """Return the key of the group series of these organizations.

    >>> group_key(["nato", "csto", "nato"])
    'csto+nato'
    """
    return "+".join(sorted(set(slugs)))


def parse_group_key(key: str) -> tuple[str, ...] | None:
    """Return the slugs of a group key in its canonical form, or ``None`` if it is not one.

    >>> parse_group_key("csto+nato")
    ('csto', 'nato')
    >>> parse_group_key("nato+csto") is None
    True
    """
    slugs = tuple(key.split("+"))
    if len(slugs) > MAX_GROUP or not all(_SLUG.fullmatch(s) for s in slugs):
        return None
    return slugs if group_key(slugs) == key else None


def _ordered(meetings: Iterable[Meeting]) -> list[Meeting]:
    return sorted(meetings, key=lambda m: (m.date, m.op_id or "", m.pk))


def _participant_slugs(meeting: Meeting) -> list[str]:
    # ``participations`` as prefetched by ``visible_meetings``, or one query.
    return [p.organization.slug for p in meeting.participations.all()]


def series_of(meeting: Meeting) -> list[Series]:
    """Return the series the meeting belongs to: its group series, then its forum series."""
    found = [Series("organizations", group_key(_participant_slugs(meeting)))]
    if meeting.forum_session is not None:
        found.append(Series("forum", meeting.forum_session.forum.slug))
    return found


def _candidates(series: Series, user: Any) -> QuerySet[Meeting]:
    if user is None:
        meetings = Meeting.objects.select_related(
            "host", "cohost", "topic", "forum_session__forum"
        ).prefetch_related("participations__organization")
    else:
        meetings = visible_meetings(user)
    if series.kind == "forum":
        return meetings.filter(forum_session__forum__slug=series.key)
    slugs = series.slugs
    # Every named organization takes part; the exact set is checked below, on the
    # prefetched participations, which costs no query per meeting.
    for slug in slugs:
        meetings = meetings.filter(
            pk__in=Meeting.objects.filter(participations__organization__slug=slug).values("pk")
        )
    return meetings


def meetings_in_series(series: Series, *, user: Any = None) -> list[Meeting]:
    """Return the series' meetings in order; with ``user``, only those the user may see.

    Three queries whatever the number of meetings.
    """
    meetings = list(_candidates(series, user))
    if series.kind == "organizations":
        meetings = [m for m in meetings if group_key(_participant_slugs(m)) == series.key]
    return _ordered(meetings)


def neighbours_in_series(
    meeting: Meeting, series: Series, *, user: Any = None
) -> tuple[Meeting | None, Meeting | None]:
    """Return the meetings before and after ``meeting`` in ``series``."""
    meetings = meetings_in_series(series, user=user)
    ids = [m.pk for m in meetings]
    if meeting.pk not in ids:
        return None, None
    at = ids.index(meeting.pk)
    return (meetings[at - 1] if at > 0 else None, meetings[at + 1] if at + 1 < len(ids) else None)


def previous_meeting_in_series(meeting: Meeting, *, user: Any = None) -> Meeting | None:
    """Return the meeting before this one in its group series, or ``None``.

    Without ``user``: the previous meeting in the shared state, the same on every node
    (what an agenda item "approval of the minutes of the previous meeting" refers to).
    With ``user``: the previous one among the meetings that user may see, so that a link
    never reveals a confidential meeting.
    """
    series = Series("organizations", group_key(_participant_slugs(meeting)))
    return neighbours_in_series(meeting, series, user=user)[0]


def series_navigation(
    meeting: Meeting, *, user: Any
) -> list[tuple[Series, Meeting | None, Meeting | None]]:
    """Return each series of the meeting with the previous and next meeting ``user`` sees."""
    return [(s, *neighbours_in_series(meeting, s, user=user)) for s in series_of(meeting)]


@dataclass
class SeriesPage:
    """A series compiled: its name and, per meeting in order, what it agreed and decided."""

    series: Series
    name: str
    meetings: list[Meeting]

    def to_json(self) -> dict[str, Any]:
        """The series as ``sideline.series/1``: meetings in order, each linked."""
        return {
            "schema": "sideline.series/1",
            "kind": self.series.kind,
            "key": self.series.key,
            "name": self.name,
            "meetings": [self._meeting_json(m) for m in self.meetings],
        }

    def _meeting_json(self, meeting: Meeting) -> dict[str, Any]:
        minutes = self.agreed_minutes(meeting)
        return {
            "id": meeting.op_id,
            "url": reverse("meetings:detail", args=[meeting.pk]),
            "title": meeting.title,
            "date": meeting.date.isoformat(),
            "minutes": None
            if minutes is None
            else {"revision": minutes.revision, "status": minutes.status, "text": minutes.text},
            "decisions": [
                {
                    "id": d.op_id,
                    "url": reverse("meetings:decision", args=[d.pk]),
                    "number": d.number,
                    "title": d.title,
                    "status": d.status,
                    "commitments": [
                        {
                            "id": c.op_id,
                            "url": reverse("meetings:commitment", args=[c.pk]),
                            "description": c.description,
                            "owner": c.owner.slug,
                            "due_date": c.due_date.isoformat(),
                            "closed_as": c.closed_as or None,
                        }
                        for c in d.commitments.all()
                    ],
                }
                for d in meeting.decisions.all()
            ],
        }

    def agreed_minutes(self, meeting: Meeting) -> Minutes | None:
        minutes: Minutes | None = getattr(meeting, "minutes", None)
        agreed = minutes is not None and minutes.status in {
            MinutesStatus.AGREED,
            MinutesStatus.LOCKED,
        }
        return minutes if agreed else None


def compile_series(series: Series, *, user: Any) -> SeriesPage | None:
    """Return the series as ``user`` may see it, or ``None`` when they see none of it.

    Each meeting comes with its minutes, its decisions and their top-level commitments
    (with owners) prefetched: a fixed number of queries whatever the series' length.
    """
    if series.kind == "organizations" and parse_group_key(series.key) is None:
        return None
    if series.kind == "forum" and not _SLUG.fullmatch(series.key):
        return None
    candidates = (
        _candidates(series, user)
        .select_related("minutes")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.prefetch_related(
                    Prefetch(
                        "commitments",
                        queryset=Commitment.objects.filter(parent__isnull=True).select_related(
                            "owner"
                        ),
                    )
                ),
            )
        )
    )
    meetings = list(candidates)
    if series.kind == "organizations":
        meetings = [m for m in meetings if group_key(_participant_slugs(m)) == series.key]
    if not meetings:
        return None
    if series.kind == "forum":
        forum = Forum.objects.filter(slug=series.key).first()
        name = forum.name if forum is not None else series.key
    else:
        names = {o.slug: o.abbreviation for o in Organization.objects.filter(slug__in=series.slugs)}
        name = " – ".join(names.get(slug, slug) for slug in series.slugs)
    return SeriesPage(series, name, _ordered(meetings))
