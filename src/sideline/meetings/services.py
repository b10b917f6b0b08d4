"""Writes of meetings. Each runs in one transaction, appends its record entry in it, and
refuses with a ``MeetingError`` (logged to ``sideline.security``) leaving nothing changed.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import secrets
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from sideline.accounts.enums import Role
from sideline.accounts.errors import AccountError
from sideline.accounts.permissions import (
    acts_for,
    can_manage_delegation,
    can_sign_for,
    organization_id_of,
)
from sideline.accounts.services import create_person, log_refusal, require_hosted_people
from sideline.meetings.enums import Closure, DecisionStatus, MinutesStatus, Position
from sideline.meetings.errors import MeetingError, forbidden
from sideline.meetings.markdown import check_markdown
from sideline.meetings.models import (
    AgendaItem,
    Change,
    Commitment,
    Decision,
    DecisionResponse,
    Delegate,
    Document,
    Meeting,
    Milestone,
    Minutes,
    MinutesAgreement,
    MinutesRevision,
    Participant,
    ProgressUpdate,
)
from sideline.meetings.permissions import (
    acts_in,
    can_prepare_meeting,
    delegation_ids,
    home_organization_id,
    participant_ids,
)
from sideline.meetings.uploads import check_upload
from sideline.registry.models import ForumSession, Function, Organization
from sideline.validators import InvalidValueError, check_date, check_text

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# Public content goes on the log in clear up to this size; longer text goes by its hash.
_CLEAR_TEXT_LIMIT = 16 * 1024


def _refuse_unstorable(name: str, value: object) -> None:
    """Refuse a text argument with a control character or a date out of range.

    Checked here for every argument of every service, whoever calls it (pages, API, CLI,
    demo): one such value broke every page, feed and calendar that showed it.
    """
    try:
        if isinstance(value, str):
            check_text(value, field=name)
        elif isinstance(value, date) and not isinstance(value, datetime):
            check_date(value, field=name)
        elif isinstance(value, list | tuple):
            for item in value:
                _refuse_unstorable(name, item)
    except InvalidValueError as error:
        raise MeetingError(error.code, error.message, field=error.field) from None


def _refusals_logged(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse values that cannot be stored; run the service in a transaction; log a refusal."""

    def wrap(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                for name, value in kwargs.items():
                    _refuse_unstorable(name, value)
                with transaction.atomic():
                    return function(*args, **kwargs)
            except IntegrityError:
                # The meeting's row lock serialises writers, so this is a race the lock
                # does not cover: the caller gets a retryable answer, not a 500.
                logger.warning("%s: a concurrent write won the race", action, exc_info=True)
                raise MeetingError(
                    "conflict",
                    "someone else changed this at the same moment; reload and try again",
                    status=409,
                ) from None
            except MeetingError as error:
                log_refusal(
                    user=kwargs.get("actor"), action=action, code=error.code, message=error.message
                )
                raise

        return run

    return wrap


def _record(
    *,
    meeting: Meeting,
    organization: Organization,
    kind: str,
    subject: str,
    summary: str,
    payload: dict[str, Any],
    private: bool = False,
) -> Change:
    """Append the change to the acting organization's record, inside the caller's transaction.

    Every state change of meetings goes through here. Every change of a meeting that is
    not public, and a ``private`` change of a public one (a delegate's name and
    e-mail), is sealed: the public log says only that the organization made a
    confidential change, and the entry itself stays on this node (see
    ``sideline.record.seal``). A failing append rolls the change back with it.
    """
    change = Change.objects.create(
        meeting=meeting,
        organization=organization,
        kind=kind,
        subject=subject,
        summary=summary[:500],
    )
    if importlib.util.find_spec("sideline.record.services") is None:
        # Without the record app (a trimmed install) the feed row alone is written.
        return change
    from sideline.record.services import append_entry

    entry = append_entry(
        organization=organization.slug,
        kind=kind,
        subject=subject,
        payload={"meeting": meeting.pk, **payload},
        confidential=private or not meeting.public,
    )
    change.record_index = entry.index
    change.save(update_fields=["record_index"])
    return change


def _text_on_record(meeting: Meeting, text: str) -> tuple[dict[str, Any], bool]:
    """The payload carrying ``text`` and whether it is private.

    Public text goes in clear up to 16 KiB, longer by its hash; a non-public meeting's
    text goes whole into the sealed entry, which the log does not carry.
    """
    data = text.encode()
    digest = hashlib.sha256(data).hexdigest()
    if meeting.public:
        return (
            {"text": text, "sha256": digest}
            if len(data) <= _CLEAR_TEXT_LIMIT
            else {"sha256": digest}
        ), False
    return {"text": text, "sha256": digest}, True


def _organization(slug: str, *, field: str) -> Organization:
    try:
        return Organization.objects.get(slug=slug)
    except Organization.DoesNotExist:
        raise MeetingError(
            "unknown_organization", f"{field}: no organization {slug!r}", field=field
        ) from None


def _zone(name: str, *, field: str = "timezone") -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise MeetingError(
            "unknown_timezone",
            f"{field}: {name!r} is not an IANA time zone such as Europe/Vienna",
            field=field,
        ) from None
    return name


def _lock(meeting_id: int) -> Meeting:
    """Lock the meeting's row until the transaction ends, and read it afresh.

    Every write inside a meeting takes this lock first, so that writes to one meeting
    run one after another: each read-modify-write (the agenda, the next decision
    number, the minutes' revision, the consensus check, an invitation's single use)
    sees the previous one committed, and the database ends in the state that the last
    record entry states. One lock order (the meeting, then rows inside it, then the
    record's log) keeps concurrent writers from deadlocking.
    """
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def _actor_organization(actor: Any, meeting: Meeting) -> Organization:
    """The organization the actor speaks for in ``meeting``: by role, or by delegation."""
    org_id = organization_id_of(actor)
    if org_id is None:
        delegated = sorted(delegation_ids(actor, meeting))
        org_id = delegated[0] if delegated else None
    if org_id is None:
        raise forbidden("no_organization", "you act for no organization; ask to be given a role")
    return Organization.objects.get(pk=org_id)


def _require_prepare(actor: Any, meeting: Meeting) -> Organization:
    if not can_prepare_meeting(actor, meeting):
        raise forbidden(
            "not_host", "only the host and co-host organizations' delegates prepare this meeting"
        )
    return _actor_organization(actor, meeting)


@_refusals_logged("meeting.create")
def create_meeting(
    *,
    actor: Any,
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
) -> Meeting:
    """Create a meeting hosted by the actor's organization, ad hoc or from the planner."""
    title = title.strip()
    if not title:
        raise MeetingError("title_required", "title: give the meeting a title", field="title")
    host_org = _organization(host, field="host")
    if not acts_for(actor, host_org.pk):
        raise forbidden("not_your_organization", f"host: you do not act for {host}")
    cohost_org = _organization(cohost, field="cohost") if cohost else None
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
    zone = _zone(timezone_name or (session.timezone if session else "UTC"))
    function = None
    if topic:
        function = Function.objects.filter(slug=topic).first()
        if function is None:
            raise MeetingError(
                "unknown_topic", f"topic: no security function {topic!r}", field="topic"
            )
    meeting = Meeting.objects.create(
        title=title[:300],
        topic=function,
        forum_session=session,
        planner_request=planner_request,
        host=host_org,
        cohost=cohost_org,
        date=date,
        timezone=zone,
        location=location or (session.city if session else ""),
        public=public,
    )
    slugs = dict.fromkeys(
        [host_org.slug, *([cohost_org.slug] if cohost_org else []), *participants]
    )
    for slug in slugs:
        Participant.objects.create(
            meeting=meeting, organization=_organization(slug, field="participants")
        )
    _record(
        meeting=meeting,
        organization=host_org,
        kind="meeting.created",
        subject=meeting.subject,
        summary=f"meeting created: {meeting.title}",
        payload={
            "title": meeting.title,
            "date": meeting.date.isoformat(),
            "host": host_org.slug,
            "cohost": cohost_org.slug if cohost_org else None,
            "participants": sorted(slugs),
            "public": public,
            "forum_session": forum_session,
            "planner_request": planner_request or None,
        },
    )
    return meeting


@_refusals_logged("meeting.participant")
def add_participant(*, actor: Any, meeting: Meeting, organization: str) -> Participant:
    meeting = _lock(meeting.pk)
    acting = _require_prepare(actor, meeting)
    org = _organization(organization, field="organization")
    if org.pk in participant_ids(meeting):
        raise MeetingError(
            "already_participant",
            f"organization: {organization} already participates",
            field="organization",
        )
    participant = Participant.objects.create(meeting=meeting, organization=org)
    meeting.__dict__.pop("_participant_ids", None)
    _record(
        meeting=meeting,
        organization=acting,
        kind="meeting.participant_added",
        subject=meeting.subject,
        summary=f"participant added: {org.slug}",
        payload={"organization": org.slug},
    )
    return participant


@_refusals_logged("meeting.agenda")
def set_agenda(*, actor: Any, meeting: Meeting, items: list[str]) -> list[AgendaItem]:
    """Replace the agenda with ``items`` in order."""
    meeting = _lock(meeting.pk)
    acting = _require_prepare(actor, meeting)
    titles = [item.strip() for item in items if item.strip()]
    if any(len(title) > 300 for title in titles):
        raise MeetingError(
            "agenda_item_too_long", "items: keep each item under 300 characters", field="items"
        )
    meeting.agenda.all().delete()
    created = AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=n, title=title) for n, title in enumerate(titles, 1)
    )
    payload, private = _text_on_record(meeting, "\n".join(titles))
    _record(
        meeting=meeting,
        organization=acting,
        kind="meeting.agenda_set",
        subject=meeting.subject,
        summary=f"agenda set: {len(titles)} items",
        payload=payload,
        private=private,
    )
    return created


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@_refusals_logged("delegation.name")
def invite_delegate(
    *, actor: Any, meeting: Meeting, name: str, email: str, accept_url: Callable[[str], str]
) -> Delegate:
    """Name a delegate of the actor's organization; e-mail them a link to accept.

    ``accept_url`` turns the invitation's secret into the absolute link to send.
    """
    meeting = _lock(meeting.pk)
    org = _actor_organization(actor, meeting)
    if org.pk not in participant_ids(meeting) or not can_manage_delegation(actor, org.pk):
        raise forbidden(
            "not_focal_point",
            "only your organization's focal point or signatory names its delegation to a meeting it attends",
        )
    try:
        validate_email(email)
    except ValidationError:
        raise MeetingError(
            "invalid_email", f"email: {email!r} is not an e-mail address", field="email"
        ) from None
    if not name.strip():
        raise MeetingError("name_required", "name: give the delegate's name", field="name")
    if meeting.delegates.filter(email__iexact=email).exists():
        raise MeetingError(
            "already_invited", f"email: {email} is already in a delegation", field="email"
        )
    secret = secrets.token_urlsafe(32)
    delegate = Delegate.objects.create(
        meeting=meeting,
        organization=org,
        name=name.strip()[:200],
        email=email,
        invitation_digest=_digest(secret),
    )
    link = accept_url(secret)
    transaction.on_commit(
        lambda: send_mail(
            f"Sideline: invitation to {meeting.title}",
            f"{name},\n\n{org.abbreviation_en} names you to its delegation to "
            f"“{meeting.title}” on {meeting.date:%Y-%m-%d}.\n\nAccept here: {link}\n",
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
    )
    _record(
        meeting=meeting,
        organization=org,
        kind="delegation.named",
        subject=meeting.subject,
        summary=f"delegate named by {org.slug}: {delegate.name}",
        payload={"delegate": delegate.pk, "name": delegate.name, "email": email},
        private=True,
    )
    return delegate


@_refusals_logged("delegation.accept")
def accept_invitation(
    *, secret: str, actor: Any = None, username: str = "", password: str = ""
) -> Delegate:
    """Accept an invitation: as the logged-in person of that organization, or with a new account.

    The link is used once, also when it is submitted several times at the same moment:
    the invitation is read again under the meeting's lock, after any other acceptance
    has committed.
    """
    unknown = MeetingError(
        "unknown_invitation", "this invitation link is unknown or already used", status=404
    )
    pending = Delegate.objects.filter(invitation_digest=_digest(secret), accepted_at__isnull=True)
    meeting_id = pending.values_list("meeting_id", flat=True).first() if secret else None
    if meeting_id is None:
        raise unknown
    meeting = _lock(meeting_id)
    delegate = pending.select_related("organization").first()
    if delegate is None:
        raise unknown
    delegate.meeting = meeting
    if actor is not None and getattr(actor, "is_authenticated", False):
        if home_organization_id(actor) != delegate.organization_id:
            raise forbidden(
                "not_your_organization", "this invitation is for another organization's delegation"
            )
        user = actor
    else:
        try:
            require_hosted_people(delegate.organization.slug)
            # A guest: no right in any meeting until the focal point approves, and
            # then only in the meetings of the approved delegations.
            user = create_person(
                username=username,
                email=delegate.email,
                organization=None,
                role=Role.GUEST,
                password=password,
            ).user
        except AccountError as error:
            raise MeetingError(error.code, error.message, field=error.field) from None
    delegate.user = user
    delegate.accepted_at = timezone.now()
    delegate.invitation_digest = ""
    delegate.save(update_fields=["user", "accepted_at", "invitation_digest"])
    _record(
        meeting=delegate.meeting,
        organization=delegate.organization,
        kind="delegation.accepted",
        subject=delegate.meeting.subject,
        summary=f"delegate accepted: {delegate.name}",
        payload={"delegate": delegate.pk},
    )
    return delegate


@_refusals_logged("delegation.approve")
def approve_delegate(*, actor: Any, delegate: Delegate) -> Delegate:
    meeting = _lock(delegate.meeting_id)
    delegate = Delegate.objects.select_related("organization").get(pk=delegate.pk)
    delegate.meeting = meeting
    if not can_manage_delegation(actor, delegate.organization_id):
        raise forbidden(
            "not_focal_point",
            "only the delegate's own organization's focal point or signatory approves its delegation",
        )
    if delegate.approved_at is not None:
        raise MeetingError("already_approved", "this delegate is already approved")
    delegate.approved_at = timezone.now()
    delegate.save(update_fields=["approved_at"])
    _record(
        meeting=delegate.meeting,
        organization=delegate.organization,
        kind="delegation.approved",
        subject=delegate.meeting.subject,
        summary=f"delegate approved: {delegate.name}",
        payload={"delegate": delegate.pk},
    )
    return delegate


@_refusals_logged("document.upload")
def upload_document(
    *, actor: Any, meeting: Meeting, title: str, filename: str, content: bytes
) -> Document:
    """Store a checked file; participants' delegates upload."""
    meeting = _lock(meeting.pk)
    org = _actor_organization(actor, meeting)
    if org.pk not in participant_ids(meeting) or not acts_in(actor, meeting, org.pk):
        raise forbidden(
            "not_participant", "only participating organizations' delegates upload documents"
        )
    media_type = check_upload(filename=filename, content=content)
    digest = hashlib.sha256(content).hexdigest()
    document = Document(
        meeting=meeting,
        organization=org,
        title=(title.strip() or filename)[:300],
        filename=filename[-255:],
        uid=secrets.token_hex(16),
        media_type=media_type,
        size=len(content),
        sha256=digest,
    )
    document.file.save("upload", ContentFile(content), save=False)
    # A failure below must not leave the file behind.
    name = str(document.file.name)
    storage = document.file.storage
    try:
        document.save()
        _record(
            meeting=meeting,
            organization=org,
            kind="document.uploaded",
            subject=meeting.subject,
            summary=f"document uploaded: {document.title}",
            payload={
                "document": document.uid,
                "title": document.title,
                "sha256": digest,
                "size": len(content),
                "media_type": media_type,
            },
            private=not meeting.public,
        )
    except BaseException:
        storage.delete(name)
        raise
    return document


def _minutes(meeting: Meeting) -> Minutes:
    minutes, _created = Minutes.objects.select_for_update().get_or_create(meeting=meeting)
    return minutes


@_refusals_logged("minutes.save")
def save_minutes(*, actor: Any, meeting: Meeting, text: str) -> Minutes:
    """Keep a new revision of the minutes; editing circulated minutes returns them to draft."""
    meeting = _lock(meeting.pk)
    acting = _require_prepare(actor, meeting)
    check_markdown(text)
    minutes = _minutes(meeting)
    if minutes.status in {MinutesStatus.AGREED, MinutesStatus.LOCKED}:
        raise MeetingError(
            "minutes_final",
            f"the minutes are {minutes.status}; they can no longer change",
            status=409,
        )
    minutes.revision += 1
    minutes.text = text
    minutes.status = MinutesStatus.DRAFT
    minutes.save()
    MinutesRevision.objects.create(
        minutes=minutes, number=minutes.revision, text=text, organization=acting, author=actor
    )
    payload, private = _text_on_record(meeting, text)
    _record(
        meeting=meeting,
        organization=acting,
        kind="minutes.drafted",
        subject=meeting.subject,
        summary=f"minutes revision {minutes.revision}",
        payload={"revision": minutes.revision, **payload},
        private=private,
    )
    return minutes


@_refusals_logged("minutes.circulate")
def circulate_minutes(*, actor: Any, meeting: Meeting) -> Minutes:
    meeting = _lock(meeting.pk)
    acting = _require_prepare(actor, meeting)
    minutes = _minutes(meeting)
    if minutes.status != MinutesStatus.DRAFT or minutes.revision == 0:
        raise MeetingError(
            "minutes_not_draft", "only draft minutes with a text can be circulated", status=409
        )
    minutes.status = MinutesStatus.CIRCULATED
    minutes.save()
    payload, private = _text_on_record(meeting, minutes.text)
    _record(
        meeting=meeting,
        organization=acting,
        kind="minutes.circulated",
        subject=meeting.subject,
        summary=f"minutes revision {minutes.revision} circulated",
        payload={"revision": minutes.revision, **payload},
        private=private,
    )
    return minutes


@_refusals_logged("minutes.agree")
def agree_minutes(*, actor: Any, meeting: Meeting) -> Minutes:
    """The actor's organization agrees to the circulated revision; all agreeing makes them agreed."""
    meeting = _lock(meeting.pk)
    org = _actor_organization(actor, meeting)
    if org.pk not in participant_ids(meeting) or not can_sign_for(actor, org.pk):
        raise forbidden(
            "not_signatory", "only a participating organization's signatory agrees to the minutes"
        )
    minutes = _minutes(meeting)
    if minutes.status != MinutesStatus.CIRCULATED:
        raise MeetingError(
            "minutes_not_circulated", "the minutes are not circulated for agreement", status=409
        )
    if minutes.agreements.filter(revision=minutes.revision, organization=org).exists():
        raise MeetingError(
            "already_agreed",
            f"{org.slug} has already agreed to revision {minutes.revision}",
            status=409,
        )
    MinutesAgreement.objects.create(
        minutes=minutes, revision=minutes.revision, organization=org, user=actor
    )
    _record(
        meeting=meeting,
        organization=org,
        kind="minutes.agreed_by",
        subject=meeting.subject,
        summary=f"minutes revision {minutes.revision} agreed by {org.slug}",
        payload={
            "revision": minutes.revision,
            "sha256": hashlib.sha256(minutes.text.encode()).hexdigest(),
        },
    )
    agreed = set(
        minutes.agreements.filter(revision=minutes.revision).values_list(
            "organization_id", flat=True
        )
    )
    if agreed >= participant_ids(meeting):
        minutes.status = MinutesStatus.AGREED
        minutes.save()
        _record(
            meeting=meeting,
            organization=org,
            kind="minutes.agreed",
            subject=meeting.subject,
            summary=f"minutes revision {minutes.revision} agreed by every participant",
            payload={"revision": minutes.revision},
        )
    return minutes


@_refusals_logged("minutes.lock")
def lock_minutes(*, actor: Any, meeting: Meeting) -> Minutes:
    meeting = _lock(meeting.pk)
    acting = _require_prepare(actor, meeting)
    minutes = _minutes(meeting)
    if minutes.status != MinutesStatus.AGREED:
        raise MeetingError(
            "minutes_not_agreed",
            "only minutes every participant has agreed can be locked",
            status=409,
        )
    minutes.status = MinutesStatus.LOCKED
    minutes.save()
    payload, private = _text_on_record(meeting, minutes.text)
    _record(
        meeting=meeting,
        organization=acting,
        kind="minutes.published",
        subject=meeting.subject,
        summary=f"minutes revision {minutes.revision} locked",
        payload={"revision": minutes.revision, **payload},
        private=private,
    )
    return minutes


@_refusals_logged("decision.propose")
def propose_decision(
    *, actor: Any, meeting: Meeting, title: str, text: str, amends: Decision | None = None
) -> Decision:
    meeting = _lock(meeting.pk)
    org = _actor_organization(actor, meeting)
    if org.pk not in participant_ids(meeting) or not acts_in(actor, meeting, org.pk):
        raise forbidden(
            "not_participant", "only participating organizations' delegates propose decisions"
        )
    if not title.strip() or not text.strip():
        raise MeetingError("text_required", "title and text: a decision needs both", field="text")
    check_markdown(text)
    if amends is not None and (
        amends.meeting_id != meeting.pk or amends.status != DecisionStatus.ADOPTED
    ):
        raise MeetingError(
            "amends_not_adopted",
            "amends: only an adopted decision of this meeting is amended",
            field="amends",
        )
    last = meeting.decisions.order_by("-number").values_list("number", flat=True).first()
    decision = Decision.objects.create(
        meeting=meeting,
        number=(last or 0) + 1,
        title=title.strip()[:300],
        text=text,
        proposed_by=org,
        amends=amends,
    )
    payload, private = _text_on_record(meeting, text)
    _record(
        meeting=meeting,
        organization=org,
        kind="decision.proposed",
        subject=decision.subject,
        summary=f"decision {decision.number} proposed: {decision.title}",
        payload={
            "decision": decision.pk,
            "number": decision.number,
            "title": decision.title,
            "amends": amends.pk if amends else None,
            **payload,
        },
        private=private,
    )
    return decision


@_refusals_logged("decision.edit")
def edit_decision(*, actor: Any, decision: Decision, title: str, text: str) -> Decision:
    """Correct a proposal nobody has answered yet; later changes need a new decision."""
    meeting = _lock(decision.meeting_id)
    if not acts_in(actor, meeting, decision.proposed_by_id):
        raise forbidden(
            "not_proposer", "only the proposing organization's delegates edit a proposal"
        )
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status == DecisionStatus.ADOPTED:
        raise MeetingError(
            "decision_adopted",
            "the decision is adopted; its text cannot change — propose an amendment",
            status=409,
        )
    if decision.status == DecisionStatus.WITHDRAWN:
        raise MeetingError(
            "decision_withdrawn", "the decision is withdrawn; propose a new one", status=409
        )
    if decision.responses.exists():
        raise MeetingError(
            "decision_answered",
            "organizations have answered this text; withdraw it and propose a new one",
            status=409,
        )
    check_markdown(text)
    decision.title, decision.text = title.strip()[:300], text
    decision.save()
    payload, private = _text_on_record(decision.meeting, text)
    _record(
        meeting=decision.meeting,
        organization=decision.proposed_by,
        kind="decision.edited",
        subject=decision.subject,
        summary=f"decision {decision.number} edited",
        payload={"decision": decision.pk, "title": decision.title, **payload},
        private=private,
    )
    return decision


def current_positions(decision: Decision) -> dict[int, str]:
    """Each organization's standing position: its last approval or objection, unless withdrawn."""
    positions: dict[int, str] = {}
    for response in decision.responses.all():
        if response.position == Position.WITHDRAW:
            positions.pop(response.organization_id, None)
        else:
            positions[response.organization_id] = response.position
    return positions


@_refusals_logged("decision.respond")
def respond_to_decision(
    *, actor: Any, decision: Decision, position: str, reason: str = ""
) -> Decision:
    """Approve, object (with a reason) or withdraw one's position, for one's own organization.

    The decision is adopted when every participating organization approves.
    """
    meeting = _lock(decision.meeting_id)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    decision.meeting = meeting
    org = _actor_organization(actor, meeting)
    if org.pk not in participant_ids(meeting) or not can_sign_for(actor, org.pk):
        raise forbidden(
            "not_signatory", "only a participating organization's signatory answers for it"
        )
    if position not in Position.values:
        raise MeetingError(
            "unknown_position",
            f"position: use one of {', '.join(Position.values)}",
            field="position",
        )
    if decision.status != DecisionStatus.PROPOSED:
        raise MeetingError(
            f"decision_{decision.status}",
            f"the decision is {decision.status}; it takes no more answers",
            status=409,
        )
    reason = reason.strip()
    if position == Position.OBJECT and not reason:
        raise MeetingError(
            "reason_required", "reason: say why your organization objects", field="reason"
        )
    standing = current_positions(decision).get(org.pk)
    if position == standing:
        raise MeetingError(
            f"already_{position}d" if position == "approve" else "already_objected",
            f"{org.slug} already {'approves' if position == 'approve' else 'objects'}; withdraw first to change",
            status=409,
        )
    if position == Position.WITHDRAW and standing is None:
        raise MeetingError(
            "nothing_to_withdraw", f"{org.slug} has no position to withdraw", status=409
        )
    DecisionResponse.objects.create(
        decision=decision, organization=org, position=position, reason=reason, user=actor
    )
    _record(
        meeting=meeting,
        organization=org,
        kind=f"decision.{ {'approve': 'approved', 'object': 'objected', 'withdraw': 'position_withdrawn'}[position] }".replace(
            " ", ""
        ),
        subject=decision.subject,
        summary=f"decision {decision.number}: {org.slug} {position}",
        payload={"decision": decision.pk, "position": position, "reason": reason or None},
    )
    positions = current_positions(decision)
    if all(positions.get(pk) == Position.APPROVE for pk in participant_ids(meeting)):
        decision.status = DecisionStatus.ADOPTED
        decision.adopted_at = timezone.now()
        decision.save(update_fields=["status", "adopted_at"])
        _record(
            meeting=meeting,
            organization=org,
            kind="decision.adopted",
            subject=decision.subject,
            summary=f"decision {decision.number} adopted by every participant",
            payload={
                "decision": decision.pk,
                "sha256": hashlib.sha256(decision.text.encode()).hexdigest(),
            },
        )
    return decision


@_refusals_logged("decision.withdraw")
def withdraw_decision(*, actor: Any, decision: Decision, reason: str) -> Decision:
    meeting = _lock(decision.meeting_id)
    if not acts_in(actor, meeting, decision.proposed_by_id):
        raise forbidden("not_proposer", "only the proposing organization withdraws its proposal")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.PROPOSED:
        raise MeetingError(
            f"decision_{decision.status}",
            f"the decision is {decision.status}; it cannot be withdrawn",
            status=409,
        )
    if not reason.strip():
        raise MeetingError(
            "reason_required", "reason: say why the proposal is withdrawn", field="reason"
        )
    decision.status = DecisionStatus.WITHDRAWN
    decision.withdrawn_reason = reason.strip()
    decision.save(update_fields=["status", "withdrawn_reason"])
    _record(
        meeting=decision.meeting,
        organization=decision.proposed_by,
        kind="decision.withdrawn",
        subject=decision.subject,
        summary=f"decision {decision.number} withdrawn",
        payload={"decision": decision.pk, "reason": decision.withdrawn_reason},
    )
    return decision


@_refusals_logged("commitment.make")
def make_commitment(
    *,
    actor: Any,
    decision: Decision,
    owner: str,
    description: str,
    target: str,
    due_date: date,
    timezone_name: str | None = None,
    review_date: date | None = None,
    parent: Commitment | None = None,
    milestones: list[tuple[str, date | None]] | None = None,
) -> Commitment:
    """An organization commits itself under an adopted decision; only its own people do it."""
    meeting = _lock(decision.meeting_id)
    decision = Decision.objects.get(pk=decision.pk)
    owner_org = _organization(owner, field="owner")
    if not acts_in(actor, meeting, owner_org.pk) or owner_org.pk not in participant_ids(meeting):
        raise forbidden(
            "not_your_organization",
            f"owner: you do not act for {owner}, or it does not participate",
        )
    if decision.status != DecisionStatus.ADOPTED:
        raise MeetingError(
            "decision_not_adopted", "commitments follow from an adopted decision", status=409
        )
    if not description.strip() or not target.strip():
        raise MeetingError(
            "target_required", "description and target: a commitment needs both", field="target"
        )
    if parent is not None and (parent.decision_id != decision.pk or parent.parent_id is not None):
        raise MeetingError(
            "bad_parent",
            "parent: a sub-item belongs to a top-level commitment of the same decision",
            field="parent",
        )
    if parent is not None and parent.owner_id != owner_org.pk:
        # A sub-item divides an organization's own commitment; another organization that
        # wants to take part makes a commitment of its own.
        raise forbidden(
            "not_parent_owner",
            f"owner: sub-items of this commitment belong to {parent.owner.slug}, its owner",
        )
    if review_date is not None and review_date > due_date:
        raise MeetingError(
            "review_after_due", "review_date: review before the due date", field="review_date"
        )
    commitment = Commitment.objects.create(
        decision=decision,
        parent=parent,
        owner=owner_org,
        description=description.strip(),
        target=target.strip()[:300],
        due_date=due_date,
        timezone=_zone(timezone_name or meeting.timezone),
        review_date=review_date,
    )
    for title, due in milestones or []:
        Milestone.objects.create(commitment=commitment, title=title[:300], due_date=due)
    _record(
        meeting=meeting,
        organization=owner_org,
        kind="commitment.made",
        subject=commitment.subject,
        summary=f"commitment by {owner_org.slug}: {commitment.description[:80]}",
        payload={
            "commitment": commitment.pk,
            "decision": decision.pk,
            "owner": owner_org.slug,
            "target": commitment.target,
            "due_date": due_date.isoformat(),
            "timezone": commitment.timezone,
            "parent": parent.pk if parent else None,
            "milestones": [title for title, _ in milestones or []],
        },
    )
    return commitment


def _own_commitment(actor: Any, commitment: Commitment) -> Commitment:
    meeting_id = Decision.objects.filter(pk=commitment.decision_id).values_list(
        "meeting_id", flat=True
    )[0]
    meeting = _lock(meeting_id)
    if not acts_in(actor, meeting, commitment.owner_id):
        raise forbidden(
            "not_owner", "only the owner organization's delegates update its commitment"
        )
    locked = (
        Commitment.objects.select_for_update()
        .select_related("decision__meeting", "owner")
        .get(pk=commitment.pk)
    )
    if locked.closed_as:
        raise MeetingError(
            "commitment_closed",
            f"the commitment is {locked.closed_as}; it takes no more updates",
            status=409,
        )
    return locked


@_refusals_logged("commitment.update")
def update_progress(
    *,
    actor: Any,
    commitment: Commitment,
    percent: int | None = None,
    milestone: int | None = None,
    note: str = "",
    evidence_url: str = "",
) -> ProgressUpdate:
    """Report progress as a percentage or a milestone reached, with a note and evidence link."""
    commitment = _own_commitment(actor, commitment)
    if percent is None and milestone is None:
        raise MeetingError("progress_required", "percent or milestone: report one", field="percent")
    if percent is not None and not 0 <= percent <= 100:
        raise MeetingError("bad_percent", "percent: give 0 to 100", field="percent")
    if evidence_url:
        try:
            URLValidator(schemes=["http", "https"])(evidence_url)
        except ValidationError:
            raise MeetingError(
                "bad_evidence_url", "evidence_url: give an http or https link", field="evidence_url"
            ) from None
    reached = None
    if milestone is not None:
        reached = commitment.milestones.filter(pk=milestone).first()
        if reached is None:
            raise MeetingError(
                "unknown_milestone",
                f"milestone: no milestone {milestone} on this commitment",
                field="milestone",
            )
        if reached.reached_at is None:
            reached.reached_at = timezone.now()
            reached.save(update_fields=["reached_at"])
    if percent is None:
        total = commitment.milestones.count()
        percent = round(
            100 * commitment.milestones.filter(reached_at__isnull=False).count() / total
        )
    update = ProgressUpdate.objects.create(
        commitment=commitment,
        percent=percent,
        milestone=reached,
        note=note.strip(),
        evidence_url=evidence_url,
        organization=commitment.owner,
        user=actor,
    )
    commitment.progress = percent
    commitment.reported = True
    commitment.save(update_fields=["progress", "reported"])
    _record(
        meeting=commitment.decision.meeting,
        organization=commitment.owner,
        kind="commitment.updated",
        subject=commitment.subject,
        summary=f"progress {percent}%: {commitment.description[:60]}",
        payload={
            "commitment": commitment.pk,
            "percent": percent,
            "milestone": reached.title if reached else None,
            "note": update.note or None,
            "evidence_url": evidence_url or None,
        },
    )
    return update


@_refusals_logged("commitment.close")
def close_commitment(
    *, actor: Any, commitment: Commitment, closed_as: str, reason: str = ""
) -> Commitment:
    """Close as done, or as dropped with a reason."""
    commitment = _own_commitment(actor, commitment)
    if closed_as not in Closure.values:
        raise MeetingError("unknown_closure", "closed_as: use done or dropped", field="closed_as")
    if closed_as == Closure.DROPPED and not reason.strip():
        raise MeetingError(
            "reason_required", "reason: say why the commitment is dropped", field="reason"
        )
    commitment.closed_as = closed_as
    commitment.closed_reason = reason.strip()
    commitment.closed_at = timezone.now()
    if closed_as == Closure.DONE:
        commitment.progress = 100
    commitment.save()
    _record(
        meeting=commitment.decision.meeting,
        organization=commitment.owner,
        kind="commitment.closed",
        subject=commitment.subject,
        summary=f"commitment {closed_as}: {commitment.description[:60]}",
        payload={
            "commitment": commitment.pk,
            "closed_as": closed_as,
            "reason": commitment.closed_reason or None,
        },
    )
    return commitment
