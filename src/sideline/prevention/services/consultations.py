"""Turning a concern, or the raised rules about a state, into a meeting request of the
planner (topic conflict prevention)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from sideline.accounts.permissions import can_coordinate
from sideline.prevention import concern_ops
from sideline.prevention.enums import ConcernStatus
from sideline.prevention.models import Concern
from sideline.prevention.services._common import ConcernError, refused
from sideline.registry.models import State

__all__ = ["place_consultation", "place_signal_consultation"]


def _add_request(*, key: str, year: int, organizations: Sequence[str], priority: int) -> None:
    from sideline.planner.services import RequestInvalidError, add_manual_request

    today = timezone.localdate()
    try:
        add_manual_request(
            year=year,
            key=key,
            organizations=list(organizations),
            topic="conflict-prevention",
            priority=priority,
            # Not before today: a consultation is about what is coming.
            not_before=today if today.year == year else None,
        )
    except RequestInvalidError as error:
        first = error.errors[0]
        code = "key_taken" if first.code == "key_taken" else first.code
        raise ConcernError(
            code, str(first.message), field=first.field, status=409 if code == "key_taken" else 400
        ) from None


def _require_coordinator(actor: Any) -> None:
    if not can_coordinate(actor):
        raise ConcernError(
            "not_coordinator", "only a coordinator places a consultation", status=403
        )


def place_consultation(
    *,
    actor: Any,
    concern: Concern,
    organizations: Sequence[str],
    priority: int,
    year: int | None = None,
) -> Concern:
    """Turn a concern into a meeting request of the planner (topic conflict prevention).

    The coordinator places it; the planner then schedules it at the next common forum
    session or a special summit when the year is planned. The request's key,
    ``prevention-concern-<org>-k-<hex>`` (the same on every node, from the concern's op), links
    the meetings, decisions and commitments that follow.

    Raises:
        ConcernError: ``not_coordinator`` (403), ``already_placed`` (409), ``closed``, or the
            planner's refusal (``too_few_organizations`` …) with its field.
    """
    try:
        _require_coordinator(actor)
        year = year or timezone.localdate().year
        with transaction.atomic():
            locked = Concern.objects.select_for_update().get(pk=concern.pk)
            if locked.request_key:
                raise ConcernError(
                    "already_placed",
                    f"the concern is already request {locked.request_key} of {locked.request_year}",
                    status=409,
                )
            if locked.status != ConcernStatus.OPEN:
                raise ConcernError("closed", "the concern is closed")
            key = concern_ops.consultation_key(locked)
            _add_request(key=key, year=year, organizations=organizations, priority=priority)
            locked.request_year, locked.request_key = year, key
            locked.save(update_fields=["request_year", "request_key"])
    except ConcernError as error:
        raise refused(actor, "concern.consult", error) from None
    return locked


def place_signal_consultation(
    *,
    actor: Any,
    state: str,
    organizations: Sequence[str],
    priority: int,
    year: int | None = None,
) -> str:
    """Turn the raised rules about ``state`` into a meeting request; return its key.

    The key, ``prevention-signal-<STATE>-<YYYYMM>``, allows one request per state and month.

    Raises:
        ConcernError: ``not_coordinator`` (403), ``key_taken`` (409), or the planner's
            refusal with its field.
    """
    try:
        _require_coordinator(actor)
        today = timezone.localdate()
        year = year or today.year
        code = state.upper()
        if not State.objects.filter(code=code).exists():
            raise ConcernError("unknown_state", f"state: no state {state!r}", field="state")
        key = f"prevention-signal-{code}-{today:%Y%m}"
        with transaction.atomic():
            _add_request(key=key, year=year, organizations=organizations, priority=priority)
    except ConcernError as error:
        raise refused(actor, "signal.consult", error) from None
    return key
