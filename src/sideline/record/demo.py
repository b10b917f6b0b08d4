"""The record's demo step: every demo log checkpointed and cosigned by the others."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from sideline.node import hosted_organizations
from sideline.record.models import Log
from sideline.record.selectors import latest_accepted_checkpoint
from sideline.record.services import anchor_logs, append_entry, ensure_log, witness_round

DEMO_ORGANIZATIONS = ("un", "osce", "cica", "nato", "csto", "sco", "eu", "cis")


def seed(*, say: Callable[[str], None]) -> None:
    """Give each demo organization a log, anchor, checkpoint and witness them.

    Idempotent: when every log already has an accepted checkpoint of its current size,
    nothing is written.
    """
    from sideline.registry.models import Organization

    present = set(
        Organization.objects.filter(slug__in=DEMO_ORGANIZATIONS).values_list("slug", flat=True)
    )
    hosted = hosted_organizations()
    slugs = [slug for slug in DEMO_ORGANIZATIONS if slug in present and slug in hosted]
    for slug in slugs:
        log = ensure_log(organization=slug)
        if log.size == 0:
            append_entry(
                organization=slug,
                kind="record.opened",
                subject=f"log/{slug}",
                payload={"origin": log.origin},
            )
    logs = list(Log.objects.filter(organization__slug__in=slugs))
    if all(
        (accepted := latest_accepted_checkpoint(log)) is not None and accepted.size == log.size
        for log in logs
    ):
        say(_("record: every log already has an accepted checkpoint"))
        return
    witness_round(organizations=slugs)
    for slug in slugs:
        anchor_logs(organization=slug)
    result = witness_round(organizations=slugs)
    say(
        _("record: %(logs)d logs checkpointed, %(cosigned)d cosignatures, %(accepted)d accepted")
        % {
            "logs": result.checkpoints,
            "cosigned": result.cosigned,
            "accepted": len(result.accepted),
        }
    )
