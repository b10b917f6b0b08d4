"""Numeric SIDELINE_* limits: a bad value stops the node with one line naming the variable."""

from __future__ import annotations

import pytest

from sideline.config import ConfigurationError, load_limits, load_record_peer_config


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SIDELINE_MAX_BODY_BYTES", "0"),
        ("SIDELINE_MAX_BODY_BYTES", "-1"),
        ("SIDELINE_MAX_UPLOAD_BYTES", "ten"),
        ("SIDELINE_SOLVE_CONCURRENCY", "1.5"),
        ("SIDELINE_SOLVE_MAX_SECONDS", "nan"),
        ("SIDELINE_SOLVE_MAX_SECONDS", "inf"),
    ],
)
def test_a_bad_request_limit_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ConfigurationError) as caught:
        load_limits()

    assert str(caught.value).startswith(f"{name}: {value!r} is not a number more than 0;")


@pytest.mark.parametrize(
    ("name", "value", "floor"),
    [
        ("SIDELINE_RECORD_PEER_MAX_BYTES", "0", "more than 0"),
        ("SIDELINE_RECORD_PEER_TIMEOUT", "nan", "more than 0"),
        ("SIDELINE_RECORD_SYNC_DEADLINE", "-5", "more than 0"),
        ("SIDELINE_RECORD_STALE_AFTER", "-1", "0 or more"),
    ],
)
def test_a_bad_peer_limit_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, floor: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ConfigurationError) as caught:
        load_record_peer_config()

    assert str(caught.value).startswith(f"{name}: {value!r} is not a number {floor};")


def test_limits_read_their_values_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIDELINE_MAX_BODY_BYTES", "1024")
    monkeypatch.setenv("SIDELINE_SOLVE_MAX_SECONDS", "2.5")
    monkeypatch.delenv("SIDELINE_SOLVE_CONCURRENCY", raising=False)
    monkeypatch.setenv("SIDELINE_RECORD_STALE_AFTER", "0")

    limits = load_limits()
    peers = load_record_peer_config()

    assert (limits.max_body_bytes, limits.solve_max_seconds, limits.solve_concurrency) == (
        1024,
        2.5,
        2,
    )
    assert peers.stale_after_hours == 0
