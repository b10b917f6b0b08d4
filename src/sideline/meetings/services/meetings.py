"""Use cases of a meeting itself: create it, add a participant, set its agenda."""

from __future__ import annotations

from datetime import date
from typing import Any

from sideline.accounts.permissions import acts_for
from sideline.meetings.errors import MeetingError, forbidden
from sideline.meetings.models import AgendaItem, Meeting, Participant
from sideline.meetings.permissions import participant_ids
from sideline.meetings.services._common import (
    Actor,
    lock,
    new_op_id,
    organization,
    record_op,
    refusals_logged,
    require_prepare,
    role_claim,
    zone,
)
from sideline.meetings.services.agenda import (
    agenda_versions,
    previous_minutes_item,
    write_agenda,
)
from sideline.meetings.services.languages import check_language
from sideline.oplog import reduce_node
from sideline.registry.models import ForumSession, Function, Organization

__all__ = ["add_participant", "create_meeting", "set_agenda"]


@refusals_logged("meeting.create")
def create_meeting(
    *,
    actor: Actor,
    title: str,
    host: str,
    participants: list[str],
    date: date,
    cohost: str | None = None,
    timezone_name: str | None = None,
    location: str = "",
    public: bool = False,
    topic: str | None = None,
    forum_session: str | None = None,
    planner_request: str = "",
    language: str = "en",
) -> Meeting:
    """Create a meeting hosted by the actor's organization, ad hoc or from the planner.

    ``language``: that of the title and the agenda items (one of the interface's).
    """
    title = title.strip()
    if not title:
        raise MeetingError("title_required", "title: give the meeting a title", field="title")
    language = check_language(language)
    host_org = organization(host, field="host")
    if not acts_for(actor, host_org.pk):
        raise forbidden("not_your_organization", f"host: you do not act for {host}")
    cohost_org = organization(cohost, field="cohost") if cohost else None
    if cohost_org is not None and cohost_org.pk == host_org.pk:
        raise MeetingError(
            "cohost_is_host", "cohost: the co-host must differ from the host", field="cohost"
        )
    session = None
    if forum_session:
        session = ForumSession.objects.filter(key=forum_session).first()
        if session is None:
            raise MeetingError(
                "unknown_session",
                f"forum_session: no forum session {forum_session!r}",
                field="forum_session",
            )
    timezone = zone(timezone_name or (session.timezone if session else "UTC"))
    function = None
    if topic:
        function = Function.objects.filter(slug=topic).first()
        if function is None:
            raise MeetingError(
                "unknown_topic", f"topic: no security function {topic!r}", field="topic"
            )
    slugs = dict.fromkeys(
        [host_org.slug, *([cohost_org.slug] if cohost_org else []), *participants]
    )
    orgs = [organization(slug, field="participants") for slug in slugs]
    meeting = Meeting.objects.create(
        op_id=new_op_id(host_org.slug, "m"),
        title=title[:300],
        topic=function,
        forum_session=session,
        planner_request=planner_request,
        host=host_org,
        cohost=cohost_org,
        date=date,
        timezone=timezone,
        location=location or (session.city if session else ""),
        public=public,
        language=language,
    )
    for org in orgs:
        Participant.objects.create(meeting=meeting, organization=org)
    args: dict[str, Any] = {
        "date": meeting.date.isoformat(),
        "timezone": timezone,
        "cohost": cohost_org.slug if cohost_org else None,
        "participants": sorted(set(slugs) - {host_org.slug}),
        "public": public,
    }
    if forum_session:
        args["forum_session"] = forum_session
    if planner_request:
        args["planner_request"] = planner_request
    if function is not None:
        args["topic"] = function.slug
    clear = {"title": meeting.title}
    if meeting.location:
        clear["location"] = meeting.location
    if language != "en":
        # Only when not English: a title without a language is read as English.
        clear["language"] = language
    assert meeting.op_id is not None
    record_op(
        meeting=meeting,
        organization=host_org,
        kind="meeting.create",
        object_id=meeting.op_id,
        role=role_claim(actor),
        args=args,
        clear=clear,
        summary=f"meeting created: {meeting.title}",
        participants=slugs,
    )
    return meeting


@refusals_logged("meeting.participant")
def add_participant(*, actor: Actor, meeting: Meeting, organization: str) -> Participant:
    """Add a participating organization; a confidential meeting is then reshared to it."""
    meeting = lock(meeting.pk)
    acting = require_prepare(actor, meeting)
    org = _organization(organization)
    if org.pk in participant_ids(meeting):
        raise MeetingError(
            "already_participant",
            f"organization: {organization} already participates",
            field="organization",
        )
    participant = Participant.objects.create(meeting=meeting, organization=org)
    meeting.__dict__.pop("_participant_ids", None)
    assert meeting.op_id is not None
    record_op(
        meeting=meeting,
        organization=acting,
        kind="meeting.add_participant",
        object_id=meeting.op_id,
        role=role_claim(actor),
        args={"organization": org.slug},
        summary=f"participant added: {org.slug}",
    )
    if not meeting.public:
        _reshare(actor, meeting, acting)
    return participant


def _organization(slug: str) -> Organization:
    return organization(slug, field="organization")


def _reshare(actor: Actor, meeting: Meeting, acting: Organization) -> None:
    """Give every participant, the newcomer too, the content keys of the meeting's ops."""
    from sideline.federation.kinds import MAX_RESHARED
    from sideline.federation.schema import encode_base64

    assert meeting.op_id is not None
    _, reduction = reduce_node()
    known = reduction.confidential.meetings[meeting.op_id].envelopes
    keys = [{"envelope": h, "key": encode_base64(k)} for h, k in known.items()]
    for start in range(0, len(keys), MAX_RESHARED):
        record_op(
            meeting=meeting,
            organization=acting,
            kind="meeting.reshare",
            object_id=meeting.op_id,
            role=role_claim(actor),
            args={"keys": keys[start : start + MAX_RESHARED]},
            summary="earlier content shared with the participants",
        )


@refusals_logged("meeting.agenda")
def set_agenda(
    *, actor: Actor, meeting: Meeting, items: list[str], previous_minutes: bool = False
) -> list[AgendaItem]:
    """Replace the agenda with ``items`` in order.

    With ``previous_minutes``, the first item approves the minutes of the previous meeting
    of the series, linked to them (an equal item among ``items`` is not repeated).
    """
    meeting = lock(meeting.pk)
    acting = require_prepare(actor, meeting)
    titles = [item.strip() for item in items if item.strip()]
    minutes_of = None
    if previous_minutes:
        title, previous_id = previous_minutes_item(meeting)
        titles = [title, *(t for t in titles if t != title)]
        minutes_of = (1, previous_id)
    current = list(meeting.agenda.order_by("position"))
    # Translations stay only with the very items they translate: changed items would be
    # contradicted by their versions, so those go and the hosts give them again.
    unchanged = [i.title for i in current] == titles
    return write_agenda(
        actor=actor,
        meeting=meeting,
        acting=acting,
        titles=titles,
        minutes_of=minutes_of,
        summary=f"agenda set: {len(titles)} items",
        versions=agenda_versions(current) if unchanged else None,
    )
