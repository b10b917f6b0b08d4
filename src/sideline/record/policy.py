"""C2SP ``tlog-policy`` files: the trusted logs, the named witnesses, their groups and the
quorum a checkpoint's cosignatures must meet (pure Python).

>>> policy = parse_policy(b"quorum none\\n")
Traceback (most recent call last):
...
sideline.record.errors.ProofError: bad_policy: the policy names no log
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sideline.record.checkpoint import CosignatureV1Verifier, parse_cosigner_key
from sideline.record.errors import ProofError, RecordError
from sideline.record.note import Ed25519Verifier, parse_verifier_key

__all__ = ["MAX_POLICY_BYTES", "MAX_POLICY_ITEMS", "Policy", "parse_policy"]

MAX_POLICY_BYTES = 64 * 1024
# C2SP tlog-policy asks implementations to support at least 32 of each.
MAX_POLICY_ITEMS = 256
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,18}")


@dataclass(frozen=True)
class _Group:
    threshold: int
    members: tuple[str, ...]


@dataclass
class Policy:
    """A C2SP tlog-policy: trusted logs by origin, named witnesses, groups, the quorum."""

    logs: dict[str, list[Ed25519Verifier]] = field(default_factory=dict)
    witnesses: dict[str, CosignatureV1Verifier] = field(default_factory=dict)
    groups: dict[str, _Group] = field(default_factory=dict)
    quorum: str = "none"

    def satisfied(self, cosigned: set[str], name: str | None = None) -> bool:
        """Whether the witnesses named in ``cosigned`` satisfy the quorum (or group ``name``)."""
        name = self.quorum if name is None else name
        if name == "none":
            return True
        if name in self.witnesses:
            return name in cosigned
        group = self.groups[name]
        met = sum(1 for member in group.members if self.satisfied(cosigned, member))
        return met >= group.threshold

    def describe_quorum(self) -> str:
        """The quorum rule in the policy's own words (for error messages)."""
        if self.quorum == "none":
            return "none"
        if self.quorum in self.witnesses:
            return f"witness {self.quorum}"
        group = self.groups[self.quorum]
        return f"group {self.quorum}: {group.threshold} of {', '.join(group.members)}"


def _policy_error(line: int, message: str) -> ProofError:
    return ProofError("bad_policy", f"policy line {line}: {message}")


class _PolicyReader:
    """Reads a policy's lines in order; one method per keyword checks its line."""

    def __init__(self) -> None:
        self.policy = Policy()
        self.quorum: str | None = None
        self._seen_keys: set[bytes] = set()

    def read(self, number: int, keyword: str, args: list[str]) -> None:
        """Take one line that is not blank or a comment."""
        policy = self.policy
        if len(policy.logs) + len(policy.witnesses) + len(policy.groups) >= MAX_POLICY_ITEMS:
            raise _policy_error(number, f"more than {MAX_POLICY_ITEMS} logs, witnesses and groups")
        readers = {
            "log": self._log,
            "witness": self._witness,
            "group": self._group,
            "quorum": self._quorum,
        }
        if keyword not in readers:
            raise _policy_error(number, f"unknown keyword {keyword[:40]!r}")
        readers[keyword](number, args)

    def finish(self) -> Policy:
        """Return the policy, refusing one without a quorum line or a log."""
        if self.quorum is None:
            raise ProofError("bad_policy", "the policy has no quorum line")
        if not self.policy.logs:
            raise ProofError("bad_policy", "the policy names no log")
        self.policy.quorum = self.quorum
        return self.policy

    def _new_key(self, number: int, public_key: bytes) -> None:
        if public_key in self._seen_keys:
            raise _policy_error(number, "this key is already in the policy")
        self._seen_keys.add(public_key)

    def _new_name(self, number: int, name: str) -> None:
        if name == "none" or name in self.policy.witnesses or name in self.policy.groups:
            raise _policy_error(number, f"the name {name!r} is already defined")

    def _defined(self, name: str) -> bool:
        return name in self.policy.witnesses or name in self.policy.groups

    def _log(self, number: int, args: list[str]) -> None:
        if len(args) not in (1, 2):
            raise _policy_error(number, "write `log <vkey> [<url>]`")
        try:
            verifier = parse_verifier_key(args[0])
        except RecordError as error:
            raise _policy_error(number, f"the log key is not a vkey ({error.message})") from None
        self._new_key(number, verifier.public_key)
        self.policy.logs.setdefault(verifier.name, []).append(verifier)

    def _witness(self, number: int, args: list[str]) -> None:
        if len(args) not in (2, 3):
            raise _policy_error(number, "write `witness <name> <vkey> [<url>]`")
        name = args[0]
        self._new_name(number, name)
        try:
            cosigner = parse_cosigner_key(args[1])
        except RecordError as error:
            raise _policy_error(
                number, f"the witness key is not a cosignature vkey ({error.message})"
            ) from None
        self._new_key(number, cosigner.public_key)
        self.policy.witnesses[name] = cosigner

    def _group(self, number: int, args: list[str]) -> None:
        if len(args) < 3:
            raise _policy_error(number, "write `group <name> all|any|<k> <name>...`")
        name, threshold_text, members = args[0], args[1], tuple(args[2:])
        self._new_name(number, name)
        for member in members:
            if not self._defined(member):
                raise _policy_error(number, f"{member!r} is not defined on a line above")
        if len(set(members)) != len(members):
            raise _policy_error(number, "a member is listed twice")
        self.policy.groups[name] = _Group(_threshold(number, threshold_text, members), members)

    def _quorum(self, number: int, args: list[str]) -> None:
        if len(args) != 1:
            raise _policy_error(number, "write `quorum <name>`")
        if self.quorum is not None:
            raise _policy_error(number, "a policy has exactly one quorum line")
        if args[0] != "none" and not self._defined(args[0]):
            raise _policy_error(number, f"{args[0]!r} is not defined on a line above")
        self.quorum = args[0]


def _threshold(number: int, text: str, members: tuple[str, ...]) -> int:
    """Return how many of ``members`` a group's ``all``, ``any`` or ``k`` asks for."""
    if text == "all":
        return len(members)
    if text == "any":
        return 1
    if _DECIMAL.fullmatch(text) and 1 <= int(text) <= len(members):
        return int(text)
    raise _policy_error(number, f"the threshold {text!r} is not all, any or 1..{len(members)}")


def parse_policy(data: bytes) -> Policy:
    """Parse a C2SP tlog-policy file.

    Raises:
        ProofError: ``bad_policy`` naming the line and what is wrong.
    """
    if len(data) > MAX_POLICY_BYTES:
        raise ProofError("bad_policy", f"the policy is larger than {MAX_POLICY_BYTES} bytes")
    if any((b < 0x20 and b not in (0x09, 0x0A)) or b == 0x7F for b in data):
        raise ProofError("bad_policy", "the policy holds a control character other than tab")
    reader = _PolicyReader()
    for number, raw in enumerate(data.decode("utf-8", errors="replace").split("\n"), start=1):
        tokens = raw.replace("\t", " ").split()
        if tokens and not tokens[0].startswith("#"):
            reader.read(number, tokens[0], tokens[1:])
    return reader.finish()
