"""Use cases of a delegation: name a delegate, accept the invitation, approve the delegate.

The person's account and the invitation's secret stay on the node of the organization
that names them; the ops carry only that delegate ``<organization>/<id>`` was named,
accepted and approved, and, sealed, the name and e-mail.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from sideline.accounts.enums import Role
from sideline.accounts.errors import AccountError
from sideline.accounts.permissions import can_manage_delegation
from sideline.accounts.services import create_person, require_hosted_people
from sideline.federation.canonical import canonical_bytes, sha256_hex
from sideline.federation.kinds import SUITE
from sideline.federation.ops import clear_content_hash
from sideline.federation.sealing import seal_plaintext
from sideline.meetings.errors import MeetingError, forbidden
from sideline.meetings.models import Delegate, Meeting
from sideline.meetings.permissions import home_organization_id, participant_ids
from sideline.meetings.services._common import (
    Actor,
    MaybeActor,
    actor_organization,
    lock,
    record_op,
    refusals_logged,
    role_claim,
    stored_user,
)
from sideline.oplog import encryption_directory
from sideline.record.services import ensure_log

__all__ = ["accept_invitation", "approve_delegate", "invite_delegate"]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _personal_content(meeting: Meeting, slug: str, name: str, email: str) -> dict[str, Any]:
    """The content of ``delegation.name``: clear inside a confidential meeting's sealed op;
    in a public meeting a placeholder of the name and e-mail sealed to the naming
    organization alone (personal data never goes on a log in clear)."""
    if not meeting.public:
        return {"clear": {"name": name, "email": email}}
    plaintext = {"name": name, "email": email, "salt": secrets.token_hex(32)}
    ensure_log(organization=slug)  # its encryption key
    sealed = seal_plaintext(
        canonical_bytes(plaintext),
        actor=slug,
        prev=None,
        after=(),
        recipients=[encryption_directory()[slug]],
    )
    ciphertext = sealed.envelope.args["payload"].encode()
    return {
        "sealed": {"suite": SUITE, "sha256": sha256_hex(ciphertext), "size": len(ciphertext)},
        "content_sha256": clear_content_hash(plaintext),
    }


@refusals_logged("delegation.name")
def invite_delegate(
    *, actor: Actor, meeting: Meeting, name: str, email: str, accept_url: Callable[[str], str]
) -> Delegate:
    """Name a delegate of the actor's organization; e-mail them a link to accept.

    ``accept_url`` turns the invitation's secret into the absolute link to send.
    """
    meeting = lock(meeting.pk)
    org = actor_organization(actor, meeting)
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
        op_id=f"d-{secrets.token_hex(8)}",
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
    content = _personal_content(meeting, org.slug, delegate.name, email)
    assert meeting.op_id is not None
    record_op(
        meeting=meeting,
        organization=org,
        kind="delegation.name",
        object_id=meeting.op_id,
        role=role_claim(actor, delegation=True),
        args={"delegate": delegate.op_id},
        clear=content.get("clear"),
        sealed=content.get("sealed"),
        content_sha256=content.get("content_sha256"),
        summary=f"delegate named by {org.slug}",
    )
    return delegate


@refusals_logged("delegation.accept")
def accept_invitation(
    *, secret: str, actor: MaybeActor = None, username: str = "", password: str = ""
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
    meeting = lock(meeting_id)
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
    delegate.user = stored_user(user)
    delegate.accepted_at = timezone.now()
    delegate.invitation_digest = ""
    delegate.save(update_fields=["user", "accepted_at", "invitation_digest"])
    assert meeting.op_id is not None
    record_op(
        meeting=meeting,
        organization=delegate.organization,
        kind="delegation.accept",
        object_id=meeting.op_id,
        role="delegate",
        args={"delegate": delegate.op_id},
        summary=f"delegate accepted: {delegate.name}",
    )
    return delegate


@refusals_logged("delegation.approve")
def approve_delegate(*, actor: Actor, delegate: Delegate) -> Delegate:
    """The delegate's own organization approves them, after they accepted."""
    meeting = lock(delegate.meeting_id)
    delegate = Delegate.objects.select_related("organization").get(pk=delegate.pk)
    delegate.meeting = meeting
    if not can_manage_delegation(actor, delegate.organization_id):
        raise forbidden(
            "not_focal_point",
            "only the delegate's own organization's focal point or signatory approves its delegation",
        )
    if delegate.approved_at is not None:
        raise MeetingError("already_approved", "this delegate is already approved")
    if delegate.accepted_at is None:
        # The reducer's rule too: approving someone who never accepted would grant
        # rights nobody asked for.
        raise MeetingError(
            "not_accepted",
            "the delegate has not accepted the invitation yet: approve after they do",
            status=409,
        )
    delegate.approved_at = timezone.now()
    delegate.save(update_fields=["approved_at"])
    assert meeting.op_id is not None
    record_op(
        meeting=meeting,
        organization=delegate.organization,
        kind="delegation.approve",
        object_id=meeting.op_id,
        role=role_claim(actor, delegation=True),
        args={"delegate": delegate.op_id},
        summary=f"delegate approved: {delegate.name}",
    )
    return delegate
