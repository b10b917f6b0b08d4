"""The published form of encryption keys (pure core, no database)."""

from __future__ import annotations

import pytest

from sideline.record.jwk import (
    EncryptionKeyError,
    encryption_jwk,
    jwk_thumbprint,
    parse_encryption_jwk,
)

KEY = bytes(range(32))


def test_thumbprint_matches_rfc_8037_appendix_a3() -> None:
    assert (
        jwk_thumbprint(crv="Ed25519", x="11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
        == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    )


def test_jwk_round_trips() -> None:
    assert parse_encryption_jwk(encryption_jwk(KEY)) == KEY


def test_public_key_of_wrong_size_is_refused() -> None:
    with pytest.raises(EncryptionKeyError) as caught:
        encryption_jwk(KEY[:31])

    assert caught.value.code == "bad_encryption_key"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"kty": "EC"}, "bad_encryption_key"),
        ({"crv": "Ed25519"}, "bad_encryption_key"),
        ({"x": "AAEC"}, "bad_encryption_key"),
        ({"x": "not base64!"}, "bad_encryption_key"),
        ({"kid": "someone-else"}, "kid_mismatch"),
    ],
)
def test_malformed_published_key_is_refused(change: dict[str, str], code: str) -> None:
    jwk: dict[str, object] = {**encryption_jwk(KEY), **change}

    with pytest.raises(EncryptionKeyError) as caught:
        parse_encryption_jwk(jwk)

    assert caught.value.code == code
