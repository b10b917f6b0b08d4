"""A verifier in someone else's web page fetches a log's checkpoint and tiles and checks them.

Issue 19, item 4: the record's public endpoints answer CORS so that a page served from
another origin can verify a log in the browser. The page here is served by a small server
of the test on ``127.0.0.1`` (a loopback origin, so WebCrypto is available; a page that
Playwright fulfils itself has no address, and Chromium's local-network rules then refuse
its requests to loopback), the node by the live server on ``localhost``: a different
origin, as a real verifier's would be.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Browser

from sideline.record.services import append_entry, checkpoint_log

pytestmark = pytest.mark.browser

# The verifier is written here, not taken from a library, because its point is to depend
# on nothing of Sideline's: it reads the C2SP formats (signed note, tlog-tiles) with
# WebCrypto alone, as an auditor's page would.
VERIFIER_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>verifier</title></head>
<body><script>
const b64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
// RFC 6962 §2.1: the Merkle tree hash of leaf hashes.
async function treeHash(hashes) {
  if (hashes.length === 1) return hashes[0];
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  const left = await treeHash(hashes.slice(0, k));
  const right = await treeHash(hashes.slice(k));
  return sha256(concat(new Uint8Array([1]), left, right));
}
async function verify(node, organization) {
  const logs = await (await fetch(`${node}/record/logs`)).json();
  const log = logs.find((l) => l.organization === organization);
  const note = await (await fetch(`${node}/record/${organization}/checkpoint`)).text();
  const [body, signatures] = note.split("\\n\\n");
  const [origin, sizeText, rootText] = body.split("\\n");
  const size = Number(sizeText);
  const root = b64(rootText);
  // The log's verifier key: name+hash+base64(0x01 || Ed25519 public key).
  // The base64 part may itself hold "+": split at the first two only.
  const first = log.log_key.indexOf("+");
  const second = log.log_key.indexOf("+", first + 1);
  const keyName = log.log_key.slice(0, first);
  const keyHash = log.log_key.slice(first + 1, second);
  const keyBytes = b64(log.log_key.slice(second + 1)).slice(1);
  const publicKey = await crypto.subtle.importKey("raw", keyBytes, { name: "Ed25519" }, false, ["verify"]);
  let signed = false;
  for (const line of signatures.trim().split("\\n")) {
    const [, name, sig] = line.split(" ");
    const raw = b64(sig);
    const hashHex = Array.from(raw.slice(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
    if (name !== keyName || hashHex !== keyHash) continue;
    signed = await crypto.subtle.verify({ name: "Ed25519" }, publicKey, raw.slice(4),
                                       new TextEncoder().encode(body + "\\n"));
  }
  const tile = new Uint8Array(await (await fetch(`${node}/record/${organization}/tile/0/000.p/${size}`)).arrayBuffer());
  const hashes = [];
  for (let i = 0; i < size; i++) hashes.push(tile.slice(32 * i, 32 * (i + 1)));
  const bundle = new Uint8Array(await (await fetch(`${node}/record/${organization}/tile/entries/000.p/${size}`)).arrayBuffer());
  let at = 0, leavesMatch = true;
  for (let i = 0; i < size; i++) {
    const length = (bundle[at] << 8) | bundle[at + 1];
    const entry = bundle.slice(at + 2, at + 2 + length);
    at += 2 + length;
    const leaf = await sha256(concat(new Uint8Array([0]), entry));
    leavesMatch = leavesMatch && same(leaf, hashes[i]);
  }
  const computed = await treeHash(hashes);
  return { origin, size, signed, leavesMatch, rootMatches: same(computed, root),
           tileBytes: tile.length, bundleFullyRead: at === bundle.length };
}
window.verify = verify;
</script></body></html>"""


class _VerifierPage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = VERIFIER_PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test's output quiet."""


@pytest.fixture
def verifier_origin() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _VerifierPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_on_another_origin_fetches_and_verifies_a_log(
    browser: Browser, live_server: Any, live_registry: None, verifier_origin: str
) -> None:
    for number in range(5):
        append_entry(organization="nato", kind="test.note", subject=f"note/{number}")
    checkpoint = checkpoint_log(organization="nato")
    node = live_server.url.replace("127.0.0.1", "localhost")
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{verifier_origin}/")
        result = page.evaluate("([node, org]) => window.verify(node, org)", [node, "nato"])
    finally:
        context.close()

    assert result == {
        "origin": checkpoint.log.origin,
        "size": checkpoint.size,
        "signed": True,
        "leavesMatch": True,
        "rootMatches": True,
        "tileBytes": 32 * checkpoint.size,
        "bundleFullyRead": True,
    }
