"""The meeting before this one in its series, for "approval of the minutes of the previous
meeting" on an agenda.

A stand-in until the series of meetings (issue 16, item 4) has its own selector
(``previous_meeting_in_series``): swap :func:`previous_meeting_stand_in` for it there, its
only caller is ``meetings/services/agenda.py`` and the meeting page.
"""

from __future__ import annotations

from django.db.models import Count, Q

from sideline.meetings.models import Meeting

__all__ = ["previous_meeting_stand_in"]


def previous_meeting_stand_in(meeting: Meeting) -> Meeting | None:
    """The latest earlier meeting of the same forum, or else of the same organizations.

    Earlier: an earlier date, or the same date and made before. A meeting placed at a
    forum session belongs to the forum's series; an ad hoc one to the series of meetings
    with exactly its participating organizations.
    """
    earlier = (
        Meeting.objects.exclude(pk=meeting.pk)
        .exclude(op_id=None)
        .filter(Q(date__lt=meeting.date) | Q(date=meeting.date, pk__lt=meeting.pk))
    )
    if meeting.forum_session_id is not None:
        assert meeting.forum_session is not None
        earlier = earlier.filter(forum_session__forum_id=meeting.forum_session.forum_id)
    else:
        organizations = list(meeting.participations.values_list("organization_id", flat=True))
        earlier = (
            earlier.filter(forum_session=None)
            .annotate(
                n_all=Count("participations", distinct=True),
                n_same=Count(
                    "participations",
                    filter=Q(participations__organization_id__in=organizations),
                    distinct=True,
                ),
            )
            .filter(n_all=len(organizations), n_same=len(organizations))
        )
    return earlier.order_by("-date", "-pk").first()
