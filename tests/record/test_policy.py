"""C2SP tlog-policy files: their lines, their errors and the quorum rule."""

from __future__ import annotations

import pytest

from sideline.record.checkpoint import generate_cosigner_key
from sideline.record.errors import ProofError
from sideline.record.note import generate_signer_key
from sideline.record.policy import MAX_POLICY_BYTES, MAX_POLICY_ITEMS, parse_policy


def _log_vkey(name: str = "example.com/log") -> str:
    return generate_signer_key(name)[1]


def _witness_vkey(name: str) -> str:
    return generate_cosigner_key(name)[1]


def test_policy_nested_groups_as_in_the_specification() -> None:
    x = [_witness_vkey(f"x{n}.example") for n in (1, 2, 3)]
    y = [_witness_vkey(f"y{n}.example") for n in (1, 2, 3)]
    text = "\n".join(
        [
            "# the example of c2sp.org/tlog-policy",
            f"log {_log_vkey()}",
            *(f"witness X{n} {k}" for n, k in enumerate(x, start=1)),
            "group X-witnesses 2 X1 X2 X3",
            *(f"\twitness Y{n} {k} https://y.example/" for n, k in enumerate(y, start=1)),
            "group Y-witnesses any Y1 Y2 Y3",
            "group X-and-Y all X-witnesses Y-witnesses",
            "quorum X-and-Y",
        ]
    )

    policy = parse_policy(text.encode())

    assert list(policy.logs) == ["example.com/log"]
    assert policy.satisfied({"X1", "X3", "Y2"})
    assert not policy.satisfied({"X1", "Y1", "Y2", "Y3"})
    assert not policy.satisfied({"X1", "X2", "X3"})
    assert policy.describe_quorum() == "group X-and-Y: 2 of X-witnesses, Y-witnesses"


def test_policy_quorum_none_and_single_witness() -> None:
    log = _log_vkey()
    w = _witness_vkey("w.example")

    assert parse_policy(f"log {log}\nquorum none\n".encode()).satisfied(set())
    single = parse_policy(f"log {log}\nwitness W {w}\nquorum W\n".encode())
    assert (single.satisfied({"W"}), single.satisfied(set())) == (True, False)


def test_policy_errors_name_the_line() -> None:
    log, w = _log_vkey(), _witness_vkey("w.example")
    cases = {
        f"log {log}\n": "the policy has no quorum line",
        "quorum none\n": "the policy names no log",
        f"log {log}\nquorum W\n": "policy line 2: 'W' is not defined on a line above",
        f"log {log}\nquorum none\nquorum none\n": "policy line 3: a policy has exactly one quorum line",
        f"log {log}\nlog {log}\nquorum none\n": "policy line 2: this key is already in the policy",
        f"log {log}\nwitness A {w}\nwitness B {w}\nquorum A\n": "policy line 3: this key is already in the policy",
        f"log {log}\nwitness A {w}\ngroup G 2 A\nquorum G\n": "policy line 3: the threshold '2' is not all, any or 1..1",
        f"log {log}\nwitness A {w}\ngroup G any A A\nquorum G\n": "policy line 3: a member is listed twice",
        f"log {log}\nwitness none {w}\nquorum none\n": "policy line 2: the name 'none' is already defined",
        f"log {log}\nwitness A {log}\nquorum A\n": "policy line 2: the witness key is not a cosignature vkey (type 0x01 is not cosignature/v1)",
        f"log {log}\nlogs {log}\nquorum none\n": "policy line 2: unknown keyword 'logs'",
        f"log {log}\x00\nquorum none\n": "the policy holds a control character other than tab",
        "log\nquorum none\n": "policy line 1: write `log <vkey> [<url>]`",
        "log nonsense\nquorum none\n": "policy line 1: the log key is not a vkey (",
        f"log {log}\nwitness A\nquorum none\n": "policy line 2: write `witness <name> <vkey> [<url>]`",
        f"log {log}\nwitness A {w}\nwitness A {w}\nquorum A\n": "policy line 3: the name 'A' is already defined",
        f"log {log}\nwitness A {w}\ngroup G A\nquorum G\n": "policy line 3: write `group <name> all|any|<k> <name>...`",
        f"log {log}\nwitness A {w}\ngroup A any A\nquorum A\n": "policy line 3: the name 'A' is already defined",
        f"log {log}\nwitness A {w}\ngroup G any A B\nquorum G\n": "policy line 3: 'B' is not defined on a line above",
        f"log {log}\nwitness A {w}\ngroup G 0 A\nquorum G\n": "policy line 3: the threshold '0' is not all, any or 1..1",
        f"log {log}\nquorum\n": "policy line 2: write `quorum <name>`",
    }
    for text, message in cases.items():
        with pytest.raises(ProofError) as caught:
            parse_policy(text.encode())
        assert caught.value.code == "bad_policy"
        assert caught.value.message.startswith(message), (text, caught.value.message)


def test_policy_over_the_limit_refused() -> None:
    with pytest.raises(ProofError) as caught:
        parse_policy(b"#" * (MAX_POLICY_BYTES + 1))

    assert caught.value.message == f"the policy is larger than {MAX_POLICY_BYTES} bytes"


def test_policy_with_too_many_items_refused_at_the_first_line_over() -> None:
    logs = [f"log {_log_vkey(f'example.com/log{n}')}" for n in range(MAX_POLICY_ITEMS + 1)]

    with pytest.raises(ProofError) as caught:
        parse_policy("\n".join([*logs, "quorum none"]).encode())

    assert caught.value.message == (
        f"policy line {MAX_POLICY_ITEMS + 1}: more than {MAX_POLICY_ITEMS} logs, witnesses and groups"
    )


def test_policy_thresholds_all_any_and_a_number() -> None:
    log = _log_vkey()
    ws = [_witness_vkey(f"w{n}.example") for n in range(3)]
    lines = [f"log {log}", *(f"witness W{n} {k}" for n, k in enumerate(ws))]

    for threshold, expected in (("all", 3), ("any", 1), ("2", 2)):
        text = "\n".join([*lines, f"group G {threshold} W0 W1 W2", "quorum G"])
        assert parse_policy(text.encode()).groups["G"].threshold == expected
