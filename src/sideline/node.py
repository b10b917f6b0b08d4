"""The organizations this node hosts.

A node hosts an organization when it holds that organization's private keys, writes its
log and registers its people. Which ones, first match wins:

1. ``SIDELINE_ORGANIZATIONS`` (``settings.SIDELINE_ORGANIZATIONS``), e.g. ``nato``;
2. the organizations recorded by ``sideline init --organization CODE``
   (:class:`~sideline.record.models.HostedOrganization`);
3. every organization of the registry: the single-machine demo and small deployments.

Every writer asks here through the same functions whichever case applies, so a node that
hosts one organization and a node that hosts all of them run the same code.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from sideline.errors import ServiceError
from sideline.record.models import HostedOrganization
from sideline.registry.models import Organization

__all__ = [
    "NodeError",
    "configured_organizations",
    "host_organizations",
    "hosted_organizations",
    "hosts_every_organization",
    "is_hosted",
    "require_hosted",
]


class NodeError(ServiceError):
    """The node's hosting is misconfigured, or an act is for an organization not hosted here."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def _unknown(codes: Iterable[str], *, source: str) -> None:
    codes = list(codes)
    known = set(Organization.objects.filter(slug__in=codes).values_list("slug", flat=True))
    for code in codes:
        if code not in known:
            raise NodeError(
                "unknown_organization",
                f"{source}: no organization {code!r} in the registry; "
                "see /organizations/ for the codes",
            )


def _from_settings() -> tuple[str, ...] | None:
    value: tuple[str, ...] | None = getattr(settings, "SIDELINE_ORGANIZATIONS", None)
    return tuple(sorted(value)) if value else None


def _stored() -> tuple[str, ...] | None:
    stored = tuple(
        HostedOrganization.objects.order_by("organization__slug").values_list(
            "organization__slug", flat=True
        )
    )
    return stored or None


def configured_organizations() -> tuple[str, ...] | None:
    """Return the organizations named by configuration (env or ``init``), or ``None``.

    Raises:
        NodeError: ``unknown_organization`` when ``SIDELINE_ORGANIZATIONS`` names a code
            the registry does not hold.
    """
    from_env = _from_settings()
    if from_env is not None:
        _unknown(from_env, source="SIDELINE_ORGANIZATIONS")
        return from_env
    return _stored()


def hosted_organizations() -> frozenset[str]:
    """Return the codes of the organizations this node hosts (see the module's docstring)."""
    configured = configured_organizations()
    if configured is not None:
        return frozenset(configured)
    return frozenset(Organization.objects.values_list("slug", flat=True))


def hosts_every_organization() -> bool:
    """Tell whether this node hosts the whole registry, as the single-machine demo needs."""
    hosted = hosted_organizations()
    return not Organization.objects.exclude(slug__in=hosted).exists()


def is_hosted(organization: str) -> bool:
    """Tell whether this node hosts ``organization``.

    Asked before every signature, so it reads as little as it can: nothing when the
    setting decides (``serve`` and ``init`` checked its codes at start-up), else the
    recorded choice and, without one, whether the registry holds the code.
    """
    configured = _from_settings() or _stored()
    if configured is not None:
        return organization in configured
    return Organization.objects.filter(slug=organization).exists()


def require_hosted(organization: str, *, action: str) -> None:
    """Refuse ``action`` for an organization this node does not host.

    Raises:
        NodeError: ``unknown_organization`` (not in the registry) or ``not_hosted``,
            naming the organization and what this node hosts.
    """
    if is_hosted(organization):
        return
    hosted = hosted_organizations()
    if not Organization.objects.filter(slug=organization).exists():
        raise NodeError("unknown_organization", f"no organization {organization!r} in the registry")
    shown = ", ".join(sorted(hosted)) or "none"
    raise NodeError(
        "not_hosted",
        f"this node does not host {organization!r} (it hosts {shown}), so it cannot "
        f"{action}; that is done on the node that holds {organization}'s keys",
    )


def host_organizations(codes: Iterable[str]) -> list[str]:
    """Record that this node hosts ``codes`` (added to what it hosted); return them all.

    A node never stops hosting an organization here: its log and keys stay on it.

    Raises:
        NodeError: ``unknown_organization``, naming the first code the registry lacks.
    """
    codes = list(dict.fromkeys(codes))
    _unknown(codes, source="--organization")
    with transaction.atomic():
        for org in Organization.objects.filter(slug__in=codes):
            HostedOrganization.objects.get_or_create(organization=org)
    return list(
        HostedOrganization.objects.order_by("organization__slug").values_list(
            "organization__slug", flat=True
        )
    )
