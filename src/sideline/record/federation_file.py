"""The federation file: the peers this node follows and the keys pinned for each.

The operator's own word on whom the node trusts, kept as a file so that it can be
reviewed, versioned and copied between machines, and read by every process of the
node (the web server and a follower run apart). ``sideline federation join`` writes
it; an operator may edit it by hand. Nothing a peer sends changes it: a key a peer
adds waits in the database until the operator approves it, and only then is written
here.

.. code-block:: json

    {"schema": "sideline.federation/1",
     "peers": [{"url": "https://csto.example",
                "organizations": {"csto": {"log_keys": ["…"], "organization_keys": ["…"],
                                           "witness_keys": ["…"],
                                           "encryption_keys": [{"kty": "OKP", …}]}}}]}

A peer is entitled to the logs of the organizations listed under it, and only those:
a log it starts publishing for another organization is refused until the operator
joins it again (``not_entitled``).

>>> federation = parse_federation(b'{"schema": "sideline.federation/1", "peers": []}',
...     source="federation.json")
>>> federation.peers
[]
>>> parse_federation(b'{"schema": "x"}', source="federation.json")
Traceback (most recent call last):
...
sideline.record.federation_file.FederationFileError: federation.json: schema: 'x' is not "sideline.federation/1"
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sideline.record.transport import PeerError, validate_peer_url

__all__ = [
    "KEY_FIELDS",
    "MAX_FILE_BYTES",
    "MAX_PEERS",
    "SCHEMA",
    "Federation",
    "FederationFileError",
    "FederationPeer",
    "load_federation",
    "parse_federation",
    "save_federation",
]

SCHEMA = "sideline.federation/1"
MAX_FILE_BYTES = 1024 * 1024
MAX_PEERS = 100
MAX_KEYS = 100
# The key lists of one organization, named as /record/logs names them.
KEY_FIELDS = ("log_keys", "organization_keys", "witness_keys", "encryption_keys")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class FederationFileError(ValueError):
    """The federation file cannot be used: the text names the file and the field."""


@dataclass
class FederationPeer:
    """One peer: its base URL and, per organization it is entitled to, the keys pinned."""

    url: str
    organizations: dict[str, dict[str, list[Any]]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "organizations": self.organizations}


@dataclass
class Federation:
    """The whole file; ``peers`` in the order they were joined."""

    peers: list[FederationPeer] = field(default_factory=list)

    def peer(self, url: str) -> FederationPeer | None:
        return next((p for p in self.peers if p.url == url), None)

    def entitled(self, organization: str) -> list[str]:
        """Return the URLs of the peers entitled to ``organization``'s log."""
        return [p.url for p in self.peers if organization in p.organizations]

    def to_json(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "peers": [p.to_json() for p in self.peers]}


def _keys(value: Any, *, where: str) -> dict[str, list[Any]]:
    if not isinstance(value, dict):
        raise FederationFileError(f"{where} is not an object of key lists")
    unknown = sorted(set(value) - set(KEY_FIELDS))
    if unknown:
        raise FederationFileError(
            f"{where}.{unknown[0]}: unknown field; the key lists are {', '.join(KEY_FIELDS)}"
        )
    keys: dict[str, list[Any]] = {}
    for name in KEY_FIELDS:
        items = value.get(name, [])
        kind = dict if name == "encryption_keys" else str
        if (
            not isinstance(items, list)
            or len(items) > MAX_KEYS
            or not all(isinstance(k, kind) for k in items)
        ):
            shape = "JWK objects" if kind is dict else "key strings"
            raise FederationFileError(f"{where}.{name}: not a list of at most {MAX_KEYS} {shape}")
        keys[name] = list(items)
    return keys


def _peer(position: int, value: Any, *, source: str) -> FederationPeer:
    where = f"{source}: peers[{position}]"
    if not isinstance(value, dict):
        raise FederationFileError(f"{where} is not an object with url and organizations")
    try:
        url = validate_peer_url(str(value.get("url", "")))
    except PeerError as exc:
        raise FederationFileError(f"{where}.url: {exc}") from None
    organizations = value.get("organizations", {})
    if not isinstance(organizations, dict):
        raise FederationFileError(f"{where}.organizations is not an object")
    pinned = {}
    for slug, keys in organizations.items():
        if not _SLUG.fullmatch(slug):
            raise FederationFileError(f"{where}.organizations: {slug!r:.80} is not a slug")
        pinned[slug] = _keys(keys, where=f"{where}.organizations.{slug}")
    return FederationPeer(url=url, organizations=pinned)


def parse_federation(data: bytes, *, source: str) -> Federation:
    """Return the federation held in ``data``, checked whole.

    Raises:
        FederationFileError: not JSON, another schema, a bad peer URL, slug or key
            list, a peer twice, more than :data:`MAX_PEERS` peers; the message starts
            with ``source`` and names the field.
    """
    if len(data) > MAX_FILE_BYTES:
        raise FederationFileError(f"{source}: larger than {MAX_FILE_BYTES} bytes")
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise FederationFileError(f"{source}: not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise FederationFileError(f"{source}: not a JSON object")
    if value.get("schema") != SCHEMA:
        raise FederationFileError(
            f"{source}: schema: {value.get('schema')!r:.80} is not {json.dumps(SCHEMA)}"
        )
    peers = value.get("peers", [])
    if not isinstance(peers, list) or len(peers) > MAX_PEERS:
        raise FederationFileError(f"{source}: peers is not a list of at most {MAX_PEERS} peers")
    federation = Federation([_peer(i, p, source=source) for i, p in enumerate(peers)])
    urls = [p.url for p in federation.peers]
    if twice := sorted({u for u in urls if urls.count(u) > 1}):
        raise FederationFileError(f"{source}: peer {twice[0]} is listed twice")
    return federation


def load_federation(path: Path) -> Federation:
    """Return the federation in ``path``; an absent file is a federation of no peers.

    Raises:
        FederationFileError: the file cannot be read or is not a federation file.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Federation()
    except OSError as exc:
        raise FederationFileError(f"{path}: cannot read it: {exc.strerror}") from None
    return parse_federation(data, source=str(path))


def save_federation(path: Path, federation: Federation) -> None:
    """Write ``federation`` to ``path`` atomically: a reader sees the old file or the new."""
    text = json.dumps(federation.to_json(), indent=1, sort_keys=True) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".federation-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
