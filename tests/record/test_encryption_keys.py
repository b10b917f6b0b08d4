"""Each hosted organization's X25519 encryption key: made, stored, published, rotated."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.test import Client, override_settings

from sideline.record.jwk import jwk_thumbprint, parse_encryption_jwk
from sideline.record.models import KeyPurpose, LogKey
from sideline.record.services import (
    RecordServiceError,
    encryption_private_key,
    ensure_keys,
    ensure_log,
    rotate_key,
)

pytestmark = pytest.mark.usefixtures("registry")


def _raw_public(organization: str, kid: str | None = None) -> bytes:
    private = encryption_private_key(organization=organization, kid=kid)
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _published(client: Client, path: str = "/record/logs") -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200
    return {info["organization"]: info for info in response.json()}


def test_published_encryption_key_is_the_stored_private_keys_public_half(client: Client) -> None:
    ensure_log(organization="nato")

    nato = _published(client)["nato"]

    jwk = nato["encryption_key"]
    assert sorted(jwk) == ["crv", "kid", "kty", "use", "x"]
    assert (jwk["kty"], jwk["crv"], jwk["use"]) == ("OKP", "X25519", "enc")
    assert jwk["kid"] == jwk_thumbprint(crv="X25519", x=jwk["x"])
    assert parse_encryption_jwk(jwk) == _raw_public("nato")
    assert nato["encryption_keys"] == [jwk]


def test_api_lists_the_same_encryption_keys(client: Client) -> None:
    ensure_log(organization="nato")

    assert _published(client, "/api/record/logs") == _published(client)


def test_encryption_private_key_is_encrypted_at_rest_and_never_served(client: Client) -> None:
    ensure_log(organization="nato")
    key = LogKey.objects.get(log__organization__slug="nato", purpose=KeyPurpose.ENCRYPTION)

    assert bytes(key.private_key).startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert key.name == "sideline.example/record/nato/encryption"
    body = client.get("/record/logs").content
    assert b"PRIVATE" not in body
    assert b'"d"' not in body  # a JWK's private member


def test_rotation_publishes_the_new_key_first_and_keeps_the_old_to_decrypt(
    client: Client,
) -> None:
    ensure_log(organization="nato")
    old = _published(client)["nato"]["encryption_key"]

    rotate_key(organization="nato", purpose=KeyPurpose.ENCRYPTION)

    nato = _published(client)["nato"]
    new = nato["encryption_key"]
    assert new["kid"] != old["kid"]
    assert nato["encryption_keys"] == [new, old]
    assert _raw_public("nato") == parse_encryption_jwk(new)
    assert _raw_public("nato", kid=old["kid"]) == parse_encryption_jwk(old)


def test_unknown_kid_is_a_clear_error() -> None:
    ensure_log(organization="nato")

    with pytest.raises(RecordServiceError) as caught:
        encryption_private_key(organization="nato", kid="nope")

    assert (caught.value.code, caught.value.message) == (
        "no_key",
        "'nato' has no encryption key 'nope' on this node",
    )


def test_ensure_keys_gives_an_older_log_its_encryption_key(client: Client) -> None:
    ensure_log(organization="nato")
    LogKey.objects.filter(purpose=KeyPurpose.ENCRYPTION).delete()
    assert _published(client)["nato"]["encryption_key"] is None

    made = ensure_keys(organization="nato")
    again = ensure_keys(organization="nato")

    assert [k.purpose for k in made] == [KeyPurpose.ENCRYPTION]
    assert again == []
    assert _published(client)["nato"]["encryption_key"]["kid"]


@override_settings(SIDELINE_ORGANIZATIONS=("nato",))
def test_nato_node_publishes_nato_key_and_holds_no_other() -> None:
    ensure_log(organization="nato")

    with pytest.raises(RecordServiceError) as caught:
        encryption_private_key(organization="csto")

    assert caught.value.code == "not_hosted"
    assert set(
        LogKey.objects.filter(purpose=KeyPurpose.ENCRYPTION).values_list(
            "log__organization__slug", flat=True
        )
    ) == {"nato"}
