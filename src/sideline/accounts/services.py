"""Writes of accounts: people, roles, tokens, and the log of refused attempts."""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sideline import node
from sideline.accounts.enums import ORGANIZATION_ROLES, Role
from sideline.accounts.errors import AccountError
from sideline.accounts.models import ApiToken, Person, SecurityEvent
from sideline.registry.models import Organization

security_logger = logging.getLogger("sideline.security")

TOKEN_PREFIX = "sl"


def _organization(slug: str | None, *, role: str) -> Organization | None:
    if role in ORGANIZATION_ROLES and not slug:
        raise AccountError(
            "organization_required",
            f"organization: the role {role} acts for an organization; give its slug",
            field="organization",
        )
    if not slug:
        return None
    try:
        org = Organization.objects.get(slug=slug)
    except Organization.DoesNotExist:
        raise AccountError(
            "unknown_organization",
            f"organization: no organization {slug!r}; see /organizations/",
            field="organization",
        ) from None
    require_hosted_people(slug)
    return org


def require_hosted_people(slug: str) -> None:
    """Refuse an account that would act for an organization this node does not host.

    A node's people belong to the organizations it hosts: another organization's people
    act on its own node, which holds its keys. This covers a guest too, who acts for
    the organization of the delegation that invited them.
    """
    if not node.is_hosted(slug):
        hosted = ", ".join(sorted(node.hosted_organizations())) or "none"
        raise AccountError(
            "not_hosted",
            f"organization: this node does not host {slug!r} (it hosts {hosted}); "
            f"register {slug}'s people on its own node",
            field="organization",
        )


def _role(role: str) -> str:
    if role not in Role.values:
        raise AccountError(
            "unknown_role",
            f"role: {role!r} is not a role; use one of {', '.join(Role.values)}",
            field="role",
        )
    return role


def create_person(
    *,
    username: str,
    email: str = "",
    organization: str | None,
    role: str,
    password: str | None = None,
    focal_point: bool = False,
) -> Person:
    """Create a user with a role in an organization.

    Without ``password`` the account has an unusable password until one is set.
    """
    User = get_user_model()
    _role(role)
    org = _organization(organization, role=role)
    if not username or len(username) > 150:
        raise AccountError(
            "invalid_username", "username: give 1 to 150 characters", field="username"
        )
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(
            "username_taken", f"username: {username!r} is already taken", field="username"
        )
    with transaction.atomic():
        # The admin lets in staff only; a curator keeps the registry there.
        user = User(username=username, email=email, is_staff=role == Role.CURATOR)
        if password is None:
            user.set_unusable_password()
        else:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise AccountError(
                    "weak_password", "password: " + " ".join(error.messages), field="password"
                ) from None
            user.set_password(password)
        user.save()
        return Person.objects.create(
            user=user, organization=org, role=role, focal_point=focal_point
        )


def _person(username: str) -> Person:
    try:
        return Person.objects.select_related("user", "organization").get(user__username=username)
    except Person.DoesNotExist:
        raise AccountError(
            "unknown_user", f"username: no person {username!r}", field="username", status=404
        ) from None


def set_role(
    *, username: str, role: str, organization: str | None = None, focal_point: bool | None = None
) -> Person:
    """Change a person's role (and organization, when given)."""
    person = _person(username)
    _role(role)
    slug = (
        organization
        if organization is not None
        else (person.organization.slug if person.organization else None)
    )
    org = _organization(slug, role=role)
    with transaction.atomic():
        if role == Role.CURATOR or person.role == Role.CURATOR:
            # Curating is what brings a person into the admin; leaving the role leaves it.
            person.user.is_staff = role == Role.CURATOR or person.user.is_superuser
            person.user.save(update_fields=["is_staff"])
        person.role = role
        person.organization = org
        if focal_point is not None:
            person.focal_point = focal_point
        person.save()
    return person


def disable_person(*, username: str) -> Person:
    """Disable the login and revoke every API token; the history keeps the person."""
    person = _person(username)
    with transaction.atomic():
        person.user.is_active = False
        person.user.save(update_fields=["is_active"])
        ApiToken.objects.filter(user=person.user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    return person


def _digest(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is safe here, unlike for passwords.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; return it with its plain text, which is shown once and never stored."""
    name = name.strip()
    if not name or len(name) > 100:
        raise AccountError("invalid_name", "name: give 1 to 100 characters", field="name")
    prefix = secrets.token_hex(6)
    plain = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=_digest(plain))
    return token, plain


def revoke_token(*, user: User, token_id: int) -> ApiToken:
    try:
        token = ApiToken.objects.get(pk=token_id, user=user)
    except ApiToken.DoesNotExist:
        raise AccountError(
            "unknown_token", f"token: you have no token {token_id}", field="token", status=404
        ) from None
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def log_refusal(
    *,
    user: Any,
    action: str,
    code: str,
    message: str,
    ip: str | None = None,
    username: str = "",
) -> SecurityEvent:
    """Keep a refused attempt: a line on ``sideline.security`` and a row.

    Call it outside the refused write's transaction, which has been rolled back.
    """
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    name = user.get_username() if authenticated else username
    security_logger.warning(
        "refused %s by %s from %s: %s (%s)", action, name or "anonymous", ip or "-", message, code
    )
    return SecurityEvent.objects.create(
        user=user if authenticated else None,
        username=name[:150],
        action=action,
        code=code,
        message=message,
        ip=ip,
    )


LANGUAGE_SESSION_KEY = "sideline_language"


def remember_language(*, user: Any, session: Any, language: str) -> bool:
    """Keep a person's language choice: in their session, and on their ``Person`` row.

    Returns False (and keeps nothing) for a code that is not in ``settings.LANGUAGES``.
    Anonymous visitors keep the choice in Django's language cookie only.
    """
    if language not in dict(settings.LANGUAGES):
        return False
    if user is not None and user.is_authenticated:
        session[LANGUAGE_SESSION_KEY] = language
        Person.objects.filter(user=user).update(language=language)
    return True


def restore_language(*, user: Any, session: Any) -> None:
    """Put a person's saved language in the session they have just logged in with."""
    saved = Person.objects.filter(user=user).values_list("language", flat=True).first()
    if saved and saved in dict(settings.LANGUAGES):
        session[LANGUAGE_SESSION_KEY] = saved
