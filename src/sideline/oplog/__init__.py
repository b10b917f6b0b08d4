"""Ops carried as record entries: append an organization's op, read every log's ops back.

The Django side of :mod:`sideline.federation` (which stays Django-free). One convention:

* an op ``o`` is the entry of kind ``op.<o.kind>`` (``op.decision.respond``,
  ``op.sealed``), subject ``o.object``, whose ``payload`` is the op's JSON object. The op
  is RFC 8785 canonical and the entry's JSON is canonicalised by the same rules, so the
  payload re-encoded is the op's bytes again, and its hash;
* it goes only into the acting organization's own log, signed with that organization's
  entry key (:func:`sideline.record.services.append_entry`, refused with ``not_hosted`` for
  an organization this node does not host);
* read back, every entry whose kind starts with ``op.`` of every log this node holds —
  its own logs and the trusted replicas of peers' logs — is verified against the keys of
  the log's organization; its signer is that organization, or, when those keys do not
  verify it, whichever other known organization's key does (``signer_not_log_owner``
  then names it), else ``unknown-key``. The reducer takes them as ``LoggedOp(origin,
  index, signer, bytes)``.

Other entries (audit lines of older versions, published calendars) are not ops and are
left out; an ``op.`` entry whose payload is not an op is kept and refused by the reducer
with its format code, so that a bad entry is named, never silently skipped.

The package's modules: `reading` (ops read back verified, the node's reduction), `keys`
(encryption keys to seal to and open with), `writing` (``write_op``, ``append_op``).
"""

from __future__ import annotations

from sideline.oplog.keys import encryption_directory, node_opener
from sideline.oplog.reading import (
    OP_KIND_PREFIX,
    UNKNOWN_SIGNER,
    NodeOps,
    read_node_ops,
    reduce_node,
)
from sideline.oplog.writing import (
    OpRefusedError,
    Written,
    append_op,
    entry_kind,
    verdicts_of,
    write_op,
)

__all__ = [
    "OP_KIND_PREFIX",
    "UNKNOWN_SIGNER",
    "NodeOps",
    "OpRefusedError",
    "Written",
    "append_op",
    "encryption_directory",
    "entry_kind",
    "node_opener",
    "read_node_ops",
    "reduce_node",
    "verdicts_of",
    "write_op",
]
