"""Closed vocabularies of accounts: the roles a person holds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VIEWER = "viewer", _("viewer")
    DELEGATE = "delegate", _("delegate")
    SIGNATORY = "signatory", _("signatory")
    COORDINATOR = "coordinator", _("coordinator")
    CURATOR = "curator", _("curator")
    # An invited delegate's own account: rights come only from approved delegations,
    # each for one meeting (sideline.meetings.permissions), never from the role.
    GUEST = "guest", _("guest")


# Roles that speak for an organization: they need one.
ORGANIZATION_ROLES = frozenset({Role.VIEWER, Role.DELEGATE, Role.SIGNATORY})
