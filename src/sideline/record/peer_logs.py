"""Check the list of logs a peer publishes (``GET /record/logs``) before using any of it.

Everything in the list comes from another organization's node: the organization
names become folder names (``record mirror``) and URL paths, the origins become
keys of this node's witness state. So the list is checked whole, and anything
out of shape is one :class:`~sideline.record.transport.PeerError` naming the
source and the field.

>>> parse_logs_list(b'[{"organization": "../x"}]', source="http://b.example/record/logs")
Traceback (most recent call last):
...
sideline.record.transport.PeerError: http://b.example/record/logs: log 0: organization '../x' is not a slug (letters, digits, - and _)
"""

from __future__ import annotations

import json
import re
from typing import Any

from sideline.record.transport import PeerError

__all__ = ["MAX_KEYS", "MAX_LOGS", "parse_logs_list"]

MAX_LOGS = 1000
MAX_KEYS = 100
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
# An origin is a schemeless URL (c2sp.org/tlog-checkpoint): printable, no spaces.
_ORIGIN = re.compile(r"[!-~]{1,200}")
_KEY_LISTS = ("log_keys", "organization_keys", "witness_keys")


def _check_log(position: int, item: Any) -> dict[str, Any]:
    where = f"log {position}"
    if not isinstance(item, dict):
        raise ValueError(f"{where} is not an object")
    slug = item.get("organization")
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        raise ValueError(
            f"{where}: organization {slug!r:.80} is not a slug (letters, digits, - and _)"
        )
    origin = item.get("origin")
    if not isinstance(origin, str) or not _ORIGIN.fullmatch(origin):
        raise ValueError(f"{where}: origin {origin!r:.80} is not a printable origin")
    if item.get("path") != f"/record/{slug}":
        raise ValueError(f"{where}: path {item.get('path')!r:.80} is not /record/{slug}")
    checked: dict[str, Any] = {"organization": slug, "origin": origin, "path": item["path"]}
    for name in _KEY_LISTS:
        keys = item.get(name)
        if (
            not isinstance(keys, list)
            or len(keys) > MAX_KEYS
            or not all(isinstance(k, str) and len(k) <= 1000 for k in keys)
        ):
            raise ValueError(f"{where}: {name} is not a list of at most {MAX_KEYS} key strings")
        checked[name] = keys
    # Optional: nodes older than encryption keys, and plain tlog servers, list none.
    jwks = item.get("encryption_keys", [])
    if (
        not isinstance(jwks, list)
        or len(jwks) > MAX_KEYS
        or not all(isinstance(k, dict) and len(k) <= 10 for k in jwks)
    ):
        raise ValueError(f"{where}: encryption_keys is not a list of at most {MAX_KEYS} JWKs")
    if any(len(json.dumps(k)) > 1000 for k in jwks):
        raise ValueError(f"{where}: an encryption key is longer than 1000 characters")
    checked["encryption_keys"] = jwks
    return checked


def parse_logs_list(body: bytes, *, source: str, node: str = "it") -> list[dict[str, Any]]:
    """Return the logs a peer lists, each with only the fields this node uses.

    Raises:
        PeerError: the body is not JSON, not a list of logs, or one of its logs has a
            bad organization slug, origin, path or key list; or two logs share an
            organization or an origin.
    """
    try:
        logs = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PeerError(f"{source} is not JSON: is {node} a Sideline node?") from None
    if not isinstance(logs, list) or len(logs) > MAX_LOGS:
        raise PeerError(f"{source} is not a list of at most {MAX_LOGS} logs")
    try:
        checked = [_check_log(position, item) for position, item in enumerate(logs)]
    except ValueError as exc:
        raise PeerError(f"{source}: {exc}") from None
    for field in ("organization", "origin"):
        values = [log[field] for log in checked]
        if twice := sorted({v for v in values if values.count(v) > 1}):
            raise PeerError(f"{source}: two logs claim the {field} {twice[0]!r}")
    return checked
