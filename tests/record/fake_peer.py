"""A hostile (or broken) peer served by the test itself: logs built with the record's
pure cores, served by a stdlib HTTP server whose every path the test can rewrite
(forged logs, older checkpoints, garbage tiles, endless or slow bodies)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from sideline.federation.ops import Op, encode_op
from sideline.record.checkpoint import Checkpoint, generate_cosigner_key
from sideline.record.entry import build_entry, sign_entry
from sideline.record.jwk import encryption_jwk
from sideline.record.merkle import hash_leaf, root_from_leaf_hashes
from sideline.record.note import generate_signer_key, parse_signer_key, sign_note
from sideline.record.tiles import (
    TILE_WIDTH,
    build_entry_bundle,
    entry_bundles_for_size,
    tiles_from_leaf_hashes,
)

Handler = Callable[[BaseHTTPRequestHandler], None]


class FakeLog:
    """A log of ``organization`` under ``origin``, signed with keys made here."""

    def __init__(self, organization: str, origin: str, *, entries: int = 3) -> None:
        self.organization, self.origin = organization, origin
        self.log_skey, self.log_vkey = generate_signer_key(origin)
        self.entry_skey, self.entry_vkey = generate_signer_key(f"{origin}/entries")
        self.cosigner, self.witness_vkey = generate_cosigner_key(f"{origin}/witness")
        self.encryption_jwk = encryption_jwk(
            X25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        )
        self.leaves: list[bytes] = []
        self.append(entries)

    def append(self, count: int) -> None:
        signer = parse_signer_key(self.entry_skey)
        for _ in range(count):
            entry = build_entry(
                kind="meeting.created",
                organization=self.organization,
                time=datetime(2026, 1, 1, tzinfo=UTC),
                subject=f"meeting/{len(self.leaves)}",
                payload={},
            )
            self.leaves.append(sign_entry(entry, signer=signer))

    def append_op(self, op: Op) -> None:
        """Append ``op`` as its node would: the entry ``op.<kind>``, signed by the log's
        organization (``sideline.oplog``'s convention)."""
        entry = build_entry(
            kind=f"op.{op.kind}",
            organization=self.organization,
            time=datetime(2026, 1, 1, tzinfo=UTC),
            subject=op.object_id,
            payload=json.loads(encode_op(op)),
        )
        self.leaves.append(sign_entry(entry, signer=parse_signer_key(self.entry_skey)))

    def info(self) -> dict[str, Any]:
        return {
            "organization": self.organization,
            "origin": self.origin,
            "path": f"/record/{self.organization}",
            "log_key": self.log_vkey,
            "organization_key": self.entry_vkey,
            "witness_key": self.witness_vkey,
            "log_keys": [self.log_vkey],
            "organization_keys": [self.entry_vkey],
            "witness_keys": [self.witness_vkey],
            "encryption_key": self.encryption_jwk,
            "encryption_keys": [self.encryption_jwk],
        }

    def checkpoint(self, size: int) -> bytes:
        root = root_from_leaf_hashes(hash_leaf(leaf) for leaf in self.leaves[:size])
        text = Checkpoint(self.origin, size, root).text()
        return sign_note(text, signers=[parse_signer_key(self.log_skey)])

    def files(self, size: int | None = None) -> dict[str, bytes]:
        """Return every path of the log at ``size`` (default: all its entries)."""
        size = len(self.leaves) if size is None else size
        prefix = f"/record/{self.organization}/"
        served = {prefix + "checkpoint": self.checkpoint(size)}
        hashes = [hash_leaf(leaf) for leaf in self.leaves[:size]]
        served.update({prefix + p: t for p, t in tiles_from_leaf_hashes(hashes).items()})
        for ref in entry_bundles_for_size(size):
            start = ref.index * TILE_WIDTH
            bundle = build_entry_bundle(self.leaves[start : start + ref.width])
            served[prefix + ref.path] = bundle
        return served


class FakePeer:
    """An HTTP server on loopback answering from ``routes`` (path -> body or handler)."""

    def __init__(self) -> None:
        self.routes: dict[str, bytes | Handler] = {}
        routes = self.routes

        class _Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                route = routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif callable(route):
                    route(self)
                else:
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(route)))
                    self.end_headers()
                    self.wfile.write(route)

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                # Kept for a handler that answers by what was sent (pushes).
                self.body = self.rfile.read(length)
                self._answer()

            def log_message(self, *args: Any) -> None:
                pass  # keeps the test output clean

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve(self, *logs: FakeLog, sizes: dict[str, int] | None = None) -> None:
        """Serve ``logs`` at ``/record/logs`` and each at its size in ``sizes`` (or full)."""
        import json

        self.routes.clear()
        self.routes["/record/logs"] = json.dumps([log.info() for log in logs]).encode()
        for log in logs:
            self.routes.update(log.files((sizes or {}).get(log.organization)))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def answers(*replies: tuple[int, bytes]) -> tuple[Handler, list[bytes]]:
    """A handler answering each request with the next of ``replies`` (the last one
    again once they run out), and the list of the bodies it was sent."""
    received: list[bytes] = []

    def handler(request: BaseHTTPRequestHandler) -> None:
        received.append(bytes(getattr(request, "body", b"")))
        status, body = replies[min(len(received), len(replies)) - 1]
        request.send_response(status)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handler, received


def endless(handler: BaseHTTPRequestHandler) -> None:
    """Answer 200 with a body that never ends (no length), until the client leaves."""
    handler.send_response(200)
    handler.end_headers()
    try:
        while True:
            handler.wfile.write(b"[" * 65536)
    except OSError:
        return


def dribble(handler: BaseHTTPRequestHandler) -> None:
    """Answer 200 and send a small body one byte at a time, never finishing."""
    handler.send_response(200)
    handler.send_header("Content-Length", "1000000")
    handler.end_headers()
    try:
        while True:
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.01)  # the peer's pace, not a measurement
    except OSError:
        return


def iter_paths(peer: FakePeer) -> Iterator[str]:
    yield from peer.routes
