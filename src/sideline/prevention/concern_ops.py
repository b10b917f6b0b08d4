"""Concerns as ops on the record: what ``services`` writes when a concern changes.

A concern is raised as a ``concern.raise`` op in the raising organization's own log,
endorsed as a ``concern.endorse`` op in the endorsing organization's log, closed as a
``concern.close`` op in the raiser's (docs/federation.md, "Concerns"). Each is judged by
the reducer before it is signed (:func:`sideline.oplog.write_op`), so that a refusal here
is the refusal every peer would make; a confidential concern's ops are sealed to the
organizations concerned, as a confidential meeting's are to its participants. Every
node rebuilds its concern rows from these ops (:mod:`sideline.prevention.concern_projection`).

These helpers run inside the service's transaction, after its own checks, and raise the
service's ``ConcernError``; nothing is written when they do.
"""

from __future__ import annotations

import secrets
from typing import Any

from sideline.accounts.enums import Role
from sideline.accounts.permissions import person_of
from sideline.oplog import OpRefusedError, Written, write_op
from sideline.prevention.models import Concern, Endorsement

__all__ = ["consultation_key", "record_closed", "record_endorsement", "record_raised"]

# Refusals that say the person or node may not act: 403, as the services' own checks.
_FORBIDDEN = {"not_hosted", "role_not_allowed", "not_raiser", "not_concerned", "own_concern"}
_TOO_LARGE = {"op_too_large", "envelope_too_large"}


def _role(actor: Any) -> str:
    """The role the op claims for the person: a signatory's, else a delegate's."""
    person = person_of(actor)
    return "signatory" if person is not None and person.role == Role.SIGNATORY else "delegate"


def _write(concern: Concern, *, actor: Any, organization: str, **op: Any) -> Written:
    from sideline.prevention.services import ConcernError

    assert concern.op_id is not None
    concerned = list(concern.concerned.values_list("slug", flat=True))
    try:
        return write_op(
            actor=organization,
            object_id=concern.op_id,
            role=_role(actor),
            confidential_meeting=None if concern.public else concern.op_id,
            participants=concerned,
            **op,
        )
    except OpRefusedError as error:
        if error.code in _TOO_LARGE:
            raise ConcernError(
                error.code,
                # The op's own hint (carry content by hash) is not open to a concern:
                # every node rebuilds it from the op.
                f"text: {error.message.split(':', 1)[0]}: shorten the text and the sources, "
                "or give a link to the long report as a source",
                field="text",
                status=413,
            ) from None
        # A format error names the op's path (content.clear.sources[2]): name the field.
        field = error.field.rsplit(".", 1)[-1].split("[", 1)[0] if error.field else None
        status = 403 if error.code in _FORBIDDEN else 400 if field else 409
        raise ConcernError(error.code, error.message, field=field, status=status) from None


def record_raised(concern: Concern, *, actor: Any) -> None:
    """Give ``concern`` its global identifier and write its ``concern.raise`` op."""
    from sideline.prevention.services import ConcernError

    organization = concern.organization.slug
    if concern.op_id is None:
        concern.op_id = f"{organization}/k-{secrets.token_hex(8)}"
    others = sorted(set(concern.concerned.values_list("slug", flat=True)) - {organization})
    if len(others) >= 32:
        # The op lists at most 32 organizations besides the raiser (federation/kinds.py).
        raise ConcernError(
            "too_many_concerned", "concerned: name at most 31 organizations", field="concerned"
        )
    written = _write(
        concern,
        actor=actor,
        organization=organization,
        kind="concern.raise",
        args={
            "state": concern.state.code,
            "other_state": concern.other_state.code if concern.other_state else None,
            "severity": concern.severity,
            "concerned": others,
            "public": concern.public,
        },
        clear={"title": concern.title, "text": concern.text, "sources": list(concern.sources)},
    )
    concern.record_index = written.entry.index
    concern.save(update_fields=["op_id", "record_index"])


def _require_op(concern: Concern) -> None:
    from sideline.prevention.services import ConcernError

    if concern.op_id is None:
        raise ConcernError(
            "not_on_record",
            f"concern {concern.pk} was raised before concerns were ops: raise it again",
            status=409,
        )


def record_endorsement(endorsement: Endorsement, *, actor: Any) -> None:
    """Write ``endorsement``'s ``concern.endorse`` op in the endorsing organization's log."""
    concern = endorsement.concern
    _require_op(concern)
    written = _write(
        concern,
        actor=actor,
        organization=endorsement.organization.slug,
        kind="concern.endorse",
        args={},
        clear={"note": endorsement.note} if endorsement.note else None,
    )
    endorsement.record_index = written.entry.index
    endorsement.save(update_fields=["record_index"])


def record_closed(concern: Concern, *, actor: Any) -> None:
    """Write the ``concern.close`` op in the raising organization's log."""
    _require_op(concern)
    _write(
        concern, actor=actor, organization=concern.organization.slug, kind="concern.close", args={}
    )


def consultation_key(concern: Concern) -> str:
    """The planner request's key for a concern: from its global identifier, so that the
    coordinator of any node that holds the concern makes the same key."""
    if concern.op_id is None:
        return f"prevention-concern-{concern.pk}"
    return "prevention-concern-" + concern.op_id.replace("/", "-")
