"""What every meetings use case shares: the actor, the refusal wrapper, the meeting's lock,
the one participant/signatory check, the one consent rule, and writing an op.

Every change to shared state is an op (``sideline.op/1``) in the acting organization's own
log, judged by the federation's reducer before it is signed (:func:`write_op`); the rows
of this app are written in the same transaction as the node's projection of those ops, and
``sideline federation rebuild --check`` recomputes them from the logs.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime
from typing import Any, ParamSpec, TypeAlias, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction

from sideline.accounts.enums import Role
from sideline.accounts.permissions import can_sign_for, organization_id_of, person_of
from sideline.accounts.services import log_refusal
from sideline.meetings.errors import MeetingError, forbidden
from sideline.meetings.models import Change, Meeting
from sideline.meetings.permissions import (
    acts_in,
    can_prepare_meeting,
    delegation_ids,
    participant_ids,
)
from sideline.oplog import OpRefusedError, Written, write_op
from sideline.registry.models import Organization
from sideline.validators import InvalidValueError, check_date, check_text

__all__ = [
    "Actor",
    "actor_organization",
    "consent",
    "feed_line",
    "lock",
    "new_op_id",
    "organization",
    "record_op",
    "refusals_logged",
    "require_participant",
    "require_prepare",
    "role_claim",
    "stored_user",
    "zone",
]

logger = logging.getLogger("sideline.meetings.services")

# The person acting, as a request has it: accounts.Person says for which organization and
# in which role; an anonymous visitor is refused by every check. Accepting an invitation
# may also be done without a request's user.
Actor: TypeAlias = User | AnonymousUser
MaybeActor: TypeAlias = User | AnonymousUser | None


def stored_user(actor: MaybeActor) -> User | None:
    """The account to keep on a row as its author (none for an anonymous actor)."""
    return actor if isinstance(actor, User) else None


P = ParamSpec("P")
R = TypeVar("R")


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


def refusals_logged(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
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


def organization(slug: str, *, field: str) -> Organization:
    try:
        return Organization.objects.get(slug=slug)
    except Organization.DoesNotExist:
        raise MeetingError(
            "unknown_organization", f"{field}: no organization {slug!r}", field=field
        ) from None


def zone(name: str, *, field: str = "timezone") -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise MeetingError(
            "unknown_timezone",
            f"{field}: {name!r} is not an IANA time zone such as Europe/Vienna",
            field=field,
        ) from None
    return name


def lock(meeting_id: int) -> Meeting:
    """Lock the meeting's row until the transaction ends, and read it afresh.

    Every write inside a meeting takes this lock first, so that writes to one meeting
    run one after another: each read-modify-write (the agenda, the next decision
    number, the minutes' revision, the consensus check, an invitation's single use)
    sees the previous one committed. One lock order (the meeting, then rows inside it,
    then the record's log) keeps concurrent writers from deadlocking.
    """
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def actor_organization(actor: MaybeActor, meeting: Meeting) -> Organization:
    """The organization the actor speaks for in ``meeting``: by role, or by delegation."""
    org_id = organization_id_of(actor)
    if org_id is None:
        delegated = sorted(delegation_ids(actor, meeting))
        org_id = delegated[0] if delegated else None
    if org_id is None:
        raise forbidden("no_organization", "you act for no organization; ask to be given a role")
    return Organization.objects.get(pk=org_id)


def require_prepare(actor: Actor, meeting: Meeting) -> Organization:
    """Refuse anyone but the host's and co-host's people; return the organization acting."""
    if not can_prepare_meeting(actor, meeting):
        raise forbidden(
            "not_host", "only the host and co-host organizations' delegates prepare this meeting"
        )
    return actor_organization(actor, meeting)


def require_participant(
    actor: Actor, meeting: Meeting, *, sign: bool = False, code: str, message: str
) -> Organization:
    """The one check "a participant's person, who may act (``sign``: sign) for it".

    Returns the participating organization the actor speaks for; refuses with ``code``.
    """
    org = actor_organization(actor, meeting)
    allowed = can_sign_for(actor, org.pk) if sign else acts_in(actor, meeting, org.pk)
    if org.pk not in participant_ids(meeting) or not allowed:
        raise forbidden(code, message)
    return org


def consent(answers: Mapping[int, str], participants: Collection[int], *, agreed: str) -> bool:
    """The one unanimity rule: every participant's standing answer is ``agreed``.

    Minutes are agreed, and decisions adopted, by it (no hierarchy, no majority); the
    federation's reducer applies the same rule to the ops.

    >>> consent({1: "approve", 2: "approve"}, {1, 2}, agreed="approve")
    True
    >>> consent({1: "approve"}, {1, 2}, agreed="approve")
    False
    """
    return bool(participants) and all(answers.get(p) == agreed for p in participants)


def role_claim(actor: MaybeActor, *, sign: bool = False, delegation: bool = False) -> str:
    """The role an op claims for the acting person (the reducer checks it by kind)."""
    person = person_of(actor)
    if person is not None and person.role == Role.SIGNATORY:
        return "signatory"
    if delegation or (person is not None and person.focal_point):
        return "focal_point"
    return "signatory" if sign else "delegate"


def new_op_id(slug: str, prefix: str) -> str:
    """A fresh global identifier in ``slug``'s namespace: ``nato/m-3f9a…``."""
    return f"{slug}/{prefix}-{secrets.token_hex(8)}"


def feed_line(
    *, meeting: Meeting, organization: Organization, kind: str, subject: str, summary: str
) -> Change:
    """Note a derived change in the feed (an adoption, agreed minutes): it is no op of
    its own, as every node computes it from the answers, so it has no record entry."""
    return Change.objects.create(
        meeting=meeting, organization=organization, kind=kind, subject=subject, summary=summary
    )


_FORBIDDEN = {
    "not_host",
    "not_participant",
    "not_proposer",
    "not_owner",
    "not_hosted",
    "role_not_allowed",
    "not_parent_owner",
}


def record_op(
    *,
    meeting: Meeting,
    organization: Organization,
    kind: str,
    object_id: str,
    role: str | None,
    args: Mapping[str, Any],
    summary: str,
    clear: Mapping[str, Any] | None = None,
    sealed: Mapping[str, Any] | None = None,
    content_sha256: str | None = None,
    participants: Iterable[str] | None = None,
) -> Written:
    """Write the op of a change to ``meeting`` as ``organization``, and its feed line.

    The op is judged by the reducer first: its refusal is this service's error
    (``MeetingError`` with the reducer's code), and nothing is written. An op of a
    meeting that is not public is sealed to its participants.
    """
    if participants is None:
        participants = meeting.participations.values_list("organization__slug", flat=True)
    assert meeting.op_id is not None, "a meeting made before ops has no global identifier"
    try:
        written = write_op(
            actor=organization.slug,
            kind=kind,
            object_id=object_id,
            role=role,
            args=args,
            clear=clear,
            sealed=sealed,
            content_sha256=content_sha256,
            confidential_meeting=None if meeting.public else meeting.op_id,
            participants=participants,
        )
    except OpRefusedError as error:
        if error.code in {"op_too_large", "envelope_too_large"}:
            raise MeetingError(
                error.code,
                f"{error.message}; shorten the text or attach the rest as a document",
                status=413,
            ) from None
        status = 403 if error.code in _FORBIDDEN else 400 if error.field else 409
        raise MeetingError(error.code, error.message, field=error.field, status=status) from None
    Change.objects.create(
        meeting=meeting,
        organization=organization,
        kind=kind,
        subject=object_id,
        summary=summary[:500],
        record_index=written.entry.index,
    )
    return written
