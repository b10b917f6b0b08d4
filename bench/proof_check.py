"""How long checking a proof file takes: ``python bench/proof_check.py [--ops N] [--log M]``.

Builds, in memory, one organization's log of M signed op entries (the pure record core),
a checkpoint cosigned by three witnesses, and a proof file of N of its entries; then times
``check_bundle`` (the same checks as ``sideline record check-proof``) over several runs and
prints a table with the machine and the data size. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from datetime import UTC, datetime

from sideline.record.checkpoint import Checkpoint, generate_cosigner_key
from sideline.record.entry import build_entry, sign_entry
from sideline.record.merkle import Frontier, StoredNodes, hash_leaf, inclusion_proof
from sideline.record.note import generate_signer_key, parse_signer_key, sign_note
from sideline.record.policy import parse_policy
from sideline.record.proof import TlogProof, build_bundle, check_bundle

ORIGIN = "sideline.example/record/csto"


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _setup(ops: int, size: int) -> tuple[bytes, bytes]:
    log_skey, log_vkey = generate_signer_key(ORIGIN)
    entry_signer = parse_signer_key(generate_signer_key(ORIGIN + "/entries")[0])
    witnesses = [generate_cosigner_key(f"sideline.example/record/w{n}/witness") for n in range(3)]
    when = datetime(2013, 9, 25, 14, 0, tzinfo=UTC)
    leaves = []
    for index in range(size):
        subject = "nato/d-1" if index < ops else f"nato/d-{index}"
        op = {
            "schema": "sideline.op/1",
            "kind": "decision.respond",
            "actor": "csto",
            "prev": None,
            "after": [],
            "object": subject,
            "role": "signatory",
            "args": {"position": "approve", "text_sha256": "ab" * 32},
        }
        entry = build_entry(
            kind="op.decision.respond", organization="csto", time=when, subject=subject, payload=op
        )
        leaves.append(sign_entry(entry, signer=entry_signer))
    store = StoredNodes()
    tree = Frontier(on_node=store.add)
    tree.extend(hash_leaf(leaf) for leaf in leaves)
    head = Checkpoint(ORIGIN, size, tree.root())
    note = sign_note(head.text(), signers=[parse_signer_key(log_skey)])
    for cosigner, _ in witnesses:
        note += cosigner.cosign(head, timestamp=1380117600).line().encode()
    proofs = [
        TlogProof(i, tuple(inclusion_proof(i, size=size, node=store.read)), note, leaves[i])
        for i in range(ops)
    ]
    policy_lines = [f"log {log_vkey}"]
    policy_lines += [f"witness w{n} {vkey}" for n, (_, vkey) in enumerate(witnesses)]
    policy_lines += ["group two 2 w0 w1 w2", "quorum two"]
    return build_bundle("nato/d-1", proofs), ("\n".join(policy_lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ops", type=int, default=100, help="entries in the proof file")
    parser.add_argument("--log", type=int, default=10_000, help="entries in the log")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    data, policy_text = _setup(args.ops, max(args.log, args.ops))
    policy = parse_policy(policy_text)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        facts = check_bundle(data, policy)
        times.append(time.perf_counter() - start)
    assert len(facts.ops) == args.ops
    print(f"machine: {platform.platform()}; CPU: {_cpu()}; cores: {os.cpu_count()}; ")
    print(f"python {platform.python_version()}; load average {os.getloadavg()[0]:.1f}")
    print()
    print("| ops in file | log size | file bytes | runs | median s | per op ms | min s |")
    print("|---|---|---|---|---|---|---|")
    median = statistics.median(times)
    print(
        f"| {args.ops:,} | {max(args.log, args.ops):,} | {len(data):,} | {args.runs} | "
        f"{median:.3f} | {median / args.ops * 1000:.2f} | {min(times):.3f} |"
    )


if __name__ == "__main__":
    main()
