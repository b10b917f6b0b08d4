"""Build the next op of an organization's log, as the node that holds its key does.

An :class:`OpLog` keeps what the next op needs: its ``prev`` (the log's last op) and its
index. :class:`LocalLogs` holds the logs of the organizations one node hosts (the
single-machine demo hosts several) and names, by default, every log's latest op in
``after``: "I have seen all of this". It holds their encryption keys, and seals the ops
of confidential meetings to the participants (:meth:`LocalLogs.act_sealed`).

>>> logs = LocalLogs(["nato", "csto"])
>>> entry = logs.act("nato", "meeting.create", "nato/m-1", role="delegate",
...     args={"date": "2013-09-24", "timezone": "UTC", "cohost": None,
...           "participants": ["csto"], "public": True}, clear={"title": "Talks"})
>>> (entry.origin, entry.index), logs.reduce().state.meetings["nato/m-1"].host
(('nato', 0), 'nato')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from sideline.federation.errors import OpError
from sideline.federation.kinds import MAX_RESHARED
from sideline.federation.ops import Op, build_op, encode_op
from sideline.federation.ordering import LoggedOp
from sideline.federation.reducer import Reduction, reduce_ops
from sideline.federation.rules import Rejected
from sideline.federation.rules_sealed import recipients_for
from sideline.federation.schema import encode_base64
from sideline.federation.sealing import Opener, generate_encryption_key, seal_op

__all__ = ["LocalLogs", "OpLog"]


class OpLog:
    """The ops of one organization's log, in order."""

    def __init__(self, organization: str) -> None:
        self.organization = organization
        self.entries: list[LoggedOp] = []
        self.head: str | None = None

    def append_op(self, op: Op) -> LoggedOp:
        """Append a built op at the next index; it becomes the head."""
        entry = LoggedOp(self.organization, len(self.entries), self.organization, encode_op(op))
        self.entries.append(entry)
        self.head = op.hash
        return entry

    def build(
        self,
        kind: str,
        object_id: str,
        *,
        role: str | None,
        args: Mapping[str, Any],
        after: Iterable[str] = (),
        clear: Mapping[str, Any] | None = None,
        sealed: Mapping[str, Any] | None = None,
        content_sha256: str | None = None,
    ) -> Op:
        """Build (not append) this organization's next op."""
        return build_op(
            kind=kind,
            actor=self.organization,
            role=role,
            prev=self.head,
            after=[h for h in after if h != self.head],
            object_id=object_id,
            args=args,
            clear=clear,
            sealed=sealed,
            content_sha256=content_sha256,
        )


class LocalLogs:
    """The logs of the organizations one node hosts, and their encryption keys.

    Args:
        keys: each hosted organization's X25519 private key; new ones by default.
        directory: the published encryption keys of other organizations, to seal to them.
    """

    def __init__(
        self,
        organizations: Iterable[str],
        *,
        keys: Mapping[str, X25519PrivateKey] | None = None,
        directory: Mapping[str, X25519PublicKey] | None = None,
    ) -> None:
        self.logs = {slug: OpLog(slug) for slug in organizations}
        self.keys = dict(keys) if keys is not None else {}
        for slug in self.logs:
            self.keys.setdefault(slug, generate_encryption_key())
        self.directory = {slug: key.public_key() for slug, key in self.keys.items()}
        self.directory.update(directory or {})
        self.opener = Opener(self.keys)

    def heads(self) -> list[str]:
        return sorted(log.head for log in self.logs.values() if log.head is not None)

    def act(
        self,
        actor: str,
        kind: str,
        object_id: str,
        *,
        role: str | None,
        args: Mapping[str, Any],
        after: Iterable[str] | None = None,
        clear: Mapping[str, Any] | None = None,
        sealed: Mapping[str, Any] | None = None,
        content_sha256: str | None = None,
    ) -> LoggedOp:
        """Build ``actor``'s next op and append it to its log.

        ``after`` defaults to every log's head.
        """
        log = self.logs[actor]
        op = log.build(
            kind,
            object_id,
            role=role,
            args=args,
            after=self.heads() if after is None else after,
            clear=clear,
            sealed=sealed,
            content_sha256=content_sha256,
        )
        return log.append_op(op)

    def act_sealed(
        self,
        actor: str,
        kind: str,
        object_id: str,
        *,
        meeting: str,
        role: str | None,
        args: Mapping[str, Any],
        after: Iterable[str] | None = None,
        clear: Mapping[str, Any] | None = None,
        recipients: Iterable[str] | None = None,
    ) -> LoggedOp:
        """Build ``actor``'s next op of confidential ``meeting``, seal it, and append it.

        ``recipients`` default to the meeting's participants as they are with this op,
        as this node's reduction sees them (only the actor when it knows no such meeting).

        Raises:
            OpError: ``no_encryption_key`` for a recipient whose key the node lacks, and
                as :func:`~sideline.federation.sealing.seal_op`.
        """
        log = self.logs[actor]
        inner = log.build(
            kind,
            object_id,
            role=role,
            args=args,
            after=self.heads() if after is None else after,
            clear=clear,
        )
        if recipients is None:
            try:
                recipients = recipients_for(self.reduce().confidential, inner, meeting)
            except Rejected:
                recipients = [actor]
        recipients = sorted(set(recipients))
        unknown = [org for org in recipients if org not in self.directory]
        if unknown:
            raise OpError(
                "no_encryption_key",
                f"recipients: no encryption key for {', '.join(unknown)}: "
                "add the organization's published key to the directory",
                field="recipients",
            )
        sealed = seal_op(
            inner, meeting=meeting, recipients={org: self.directory[org] for org in recipients}
        )
        self.opener.remember(sealed.envelope.hash, sealed.key)
        return log.append_op(sealed.envelope)

    def reshare(self, actor: str, meeting: str) -> list[LoggedOp]:
        """Seal the content keys of ``meeting``'s envelopes to its current participants.

        Run after adding a participant: its node then reads the meeting from the start.
        """
        known = self.reduce().confidential.meetings[meeting].envelopes
        keys = [{"envelope": h, "key": encode_base64(k)} for h, k in known.items()]
        return [
            self.act_sealed(
                actor,
                "meeting.reshare",
                meeting,
                meeting=meeting,
                role="delegate",
                args={"keys": keys[start : start + MAX_RESHARED]},
            )
            for start in range(0, len(keys), MAX_RESHARED)
        ]

    def entries(self) -> list[LoggedOp]:
        return [entry for log in self.logs.values() for entry in log.entries]

    def reduce(self) -> Reduction:
        return reduce_ops(self.entries(), self.opener)
