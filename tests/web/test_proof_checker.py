"""The browser's proof checker (issue 16, item 6): WebCrypto alone checks a proof file.

The proof and the policy are made by the node from real logs; the page checks them with
its static script in Debian's chromium, and refuses a tampered file with its reason.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from sideline.meetings.services import create_meeting, propose_decision, respond_to_decision
from sideline.record.proving import node_policy, prove_object
from sideline.record.services import witness_round
from tests.accounts.factories import person
from tests.web.site_crawl import axe_source, run_axe

pytestmark = pytest.mark.browser


def _adopted_decision() -> str:
    users = {
        (org, role): person(f"{org}-{role}", organization=org, role=role)
        for org in ("nato", "csto", "osce")
        for role in ("delegate", "signatory")
    }
    meeting = create_meeting(
        actor=users[("nato", "delegate")],
        title="Counter-narcotics on the sidelines",
        host="nato",
        cohost="csto",
        participants=["osce"],
        date=date(2013, 9, 25),
        timezone_name="America/New_York",
        topic="counter-narcotics",
        public=True,
    )
    decision = propose_decision(
        actor=users[("nato", "delegate")],
        meeting=meeting,
        title="Joint working group",
        text="Text.",
    )
    for org in ("nato", "csto", "osce"):
        respond_to_decision(actor=users[(org, "signatory")], decision=decision, position="approve")
    witness_round()
    assert decision.op_id is not None
    return decision.op_id


def _check(page: Page, url: str, proof: Path, policy: Path, expect: str = "") -> tuple[str, str]:
    page.goto(f"{url}/record/check-proof")
    page.set_input_files("#proof-file", str(proof))
    page.set_input_files("#policy-file", str(policy))
    page.fill("#expect-object", expect)
    page.click("#proof-check button[type=submit]")
    page.wait_for_selector("#proof-result[data-outcome]")
    result = page.locator("#proof-result")
    lines = [line for line in result.inner_text().splitlines() if line]
    return str(result.get_attribute("data-outcome")), "\n".join(lines)


# The script's RFC 9162 inclusion check against transparency-dev/merkle's 98 probes.
VECTORS_JS = """async (cases) => {
  const b64 = (t) => Uint8Array.from(atob(t), (c) => c.charCodeAt(0));
  const out = [];
  for (const c of cases) {
    out.push(await window.sidelineProofCheck.verifyInclusion(
      c.leafIdx, c.treeSize, b64(c.leafHash), (c.proof || []).map(b64), b64(c.root)));
  }
  return out;
}"""


def _inclusion_vectors() -> list[dict[str, Any]]:
    root = os.environ.get("SIDELINE_REFERENCE_DATA")
    if not root:
        pytest.skip("SIDELINE_REFERENCE_DATA is not set; the tlog-vectors are needed")
    folder = Path(root) / "tlog-vectors/transparency-dev-merkle/testdata/inclusion"
    return [json.loads(p.read_text()) for p in sorted(folder.rglob("*.json"))]


def test_browser_checks_a_proof_and_refuses_tampering(
    browser: Browser, live_server: Any, live_registry: None, tmp_path: Path
) -> None:
    vectors = _inclusion_vectors()
    op_id = _adopted_decision()
    document = json.loads(prove_object(op_id))
    good = tmp_path / "good.json"
    good.write_bytes(prove_object(op_id))
    policy = tmp_path / "policy"
    policy.write_text(node_policy())
    # CSTO's approval turned into an objection inside the signed leaf.
    head, _, rest = document["proofs"][2].partition("\nindex ")
    prefix, extra = head.split("\nextra ")
    leaf = base64.b64decode(extra).replace(b'"position":"approve"', b'"position":"object"')
    document["proofs"][2] = f"{prefix}\nextra {base64.b64encode(leaf).decode()}\nindex {rest}"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(document))
    page = browser.new_page()

    outcome, text = _check(page, live_server.url, good, policy)
    violations = run_axe(page, axe_source())
    verdicts = page.evaluate(VECTORS_JS, vectors)
    # Chromium has had Ed25519 in WebCrypto since version 137; the page needs nothing else.
    supported = page.evaluate(
        """() => crypto.subtle.generateKey({name: "Ed25519"}, false, ["sign", "verify"])
                 .then(() => true, () => false)"""
    )
    bad_outcome, bad_text = _check(page, live_server.url, tampered, policy)
    other_outcome, other_text = _check(page, live_server.url, good, policy, "nato/d-0")

    assert supported is True
    assert violations == []
    assert len(vectors) == 98
    assert verdicts == [not case["wantErr"] for case in vectors]
    assert outcome == "valid", text
    # One sentence per configured language, English and Russian first.
    assert len(text.splitlines()) == 1 + 7
    assert text.splitlines()[:3] == [
        "The proof holds.",
        "The logs of NATO, CSTO and OSCE, each checkpoint signed by its log's key in the policy "
        f"and cosigned to the policy's quorum, hold these operations on {op_id} “Joint working "
        "group”: NATO proposed it; NATO approved; CSTO approved; OSCE approved.",
        "Журналы NATO, CSTO и OSCE, где каждая контрольная точка подписана ключом своего журнала "
        "из политики и заверена кворумом свидетелей политики, содержат следующие операции по "
        f"{op_id} «Joint working group»: NATO предложила его; NATO одобрила; CSTO одобрила; "
        "OSCE одобрила.",
    ]
    assert (bad_outcome, bad_text.splitlines()) == (
        "invalid",
        [
            "The proof does not hold.",
            "Proof 3: the entry is not included at index 0 of sideline.example/record/csto "
            "(the entry or the proof was altered).",
        ],
    )
    assert (other_outcome, other_text.splitlines()[1]) == (
        "invalid",
        f"The file proves {op_id}, not nato/d-0 as asked.",
    )
