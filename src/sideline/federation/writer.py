"""Build the next op of an organization's log, as the node that holds its key does.

An :class:`OpLog` keeps what the next op needs: its ``prev`` (the log's last op) and its
index. :class:`LocalLogs` holds the logs of the organizations one node hosts (the
single-machine demo hosts several) and names, by default, every log's latest op in
``after``: "I have seen all of this".

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

from sideline.federation.ops import Op, build_op, encode_op
from sideline.federation.ordering import LoggedOp
from sideline.federation.reducer import Reduction, reduce_ops

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
    """The logs of the organizations one node hosts."""

    def __init__(self, organizations: Iterable[str]) -> None:
        self.logs = {slug: OpLog(slug) for slug in organizations}

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

    def entries(self) -> list[LoggedOp]:
        return [entry for log in self.logs.values() for entry in log.entries]

    def reduce(self) -> Reduction:
        return reduce_ops(self.entries())
