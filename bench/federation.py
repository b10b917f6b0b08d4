"""Benchmark the federation reducer: fold 100,000 ops of 8 organizations into the state.

Builds a year of work among 8 organizations (meetings, agendas, minutes agreed by every
participant, decisions proposed, answered and adopted, commitments and their progress,
calendar confirmations, and some refused ops), each op naming its log's previous op and
the heads of the other logs (what it has read). Then times, ``--repeat`` times, with the
median reported: parsing and ordering alone (``order_ops``), the whole reduction
(``reduce_ops``: parse, order, every rule, every verdict) and the state digest. Building
the ops is not timed.

A second table times ``--sealed`` ops of one confidential meeting of four organizations
(each sealed to the four, in four slots): building them in clear, building and sealing
them, and reducing them on a participant's node (which opens every envelope), on a
non-participant's node (which tries its key on every slot and opens none) and on a node
with no keys. Never asserts.

    .venv/bin/python bench/federation.py                 # 100,000 ops, 3 runs
    .venv/bin/python bench/federation.py --ops 20000 --repeat 5 --sealed 5000
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

from sideline.federation.ops import clear_content_hash
from sideline.federation.ordering import LoggedOp, order_ops
from sideline.federation.reducer import reduce_ops
from sideline.federation.sealing import Opener, seal_op
from sideline.federation.writer import LocalLogs

ORGS = ["cica", "cis", "csto", "eu", "nato", "osce", "sco", "un"]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


class _Workload:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.logs = LocalLogs(ORGS)
        self.count = 0

    def act(self, actor: str, kind: str, object_id: str, **kw: Any) -> LoggedOp:
        # The acting node has seen every log's head (it acts on what it has read).
        self.count += 1
        return self.logs.act(actor, kind, object_id, **kw)

    def meeting(self, n: int) -> None:
        rng = self.rng
        host, *guests = rng.sample(ORGS, rng.randint(3, 5))
        everyone = [host, *guests]
        mid = f"{host}/m-{n}"
        self.act(
            host,
            "meeting.create",
            mid,
            role="delegate",
            clear={"title": f"Meeting {n}"},
            args={
                "date": "2013-09-24",
                "timezone": "Europe/Vienna",
                "cohost": None,
                "participants": sorted(guests),
                "public": True,
            },
        )
        self.act(
            host,
            "agenda.set",
            mid,
            role="delegate",
            args={},
            clear={"items": [f"Item {k}" for k in range(4)]},
        )
        text = {"text": f"Minutes of meeting {n}. " * 20}
        digest = clear_content_hash(text)
        self.act(host, "minutes.draft", mid, role="delegate", args={}, clear=text)
        self.act(host, "minutes.circulate", mid, role="delegate", args={"minutes_sha256": digest})
        for org in everyone:
            self.act(org, "minutes.agree", mid, role="signatory", args={"minutes_sha256": digest})
        for d in range(2):
            proposer = rng.choice(everyone)
            did = f"{proposer}/d-{n}-{d}"
            decision = {"title": f"Decision {n}.{d}", "text": "The organizations agree. " * 10}
            sha = clear_content_hash(decision)
            self.act(
                proposer,
                "decision.propose",
                did,
                role="delegate",
                clear=decision,
                args={"meeting": mid, "amends": None},
            )
            objector = rng.choice(everyone) if rng.random() < 0.3 else None
            for org in everyone:
                if org == objector:
                    self.act(
                        org,
                        "decision.respond",
                        did,
                        role="signatory",
                        clear={"reason": "Not yet"},
                        args={"position": "object", "text_sha256": sha},
                    )
                    self.act(
                        org,
                        "decision.respond",
                        did,
                        role="signatory",
                        args={"position": "withdraw", "text_sha256": sha},
                    )
                self.act(
                    org,
                    "decision.respond",
                    did,
                    role="signatory",
                    args={"position": "approve", "text_sha256": sha},
                )
            # A refused op now and then: a non-participant's approval.
            outsider = next(o for o in ORGS if o not in everyone)
            self.act(
                outsider,
                "decision.respond",
                did,
                role="signatory",
                args={"position": "approve", "text_sha256": sha},
            )
            owner = rng.choice(everyone)
            cid = f"{owner}/c-{n}-{d}"
            self.act(
                owner,
                "commitment.make",
                cid,
                role="delegate",
                clear={"description": "Work", "target": "Done", "milestones": []},
                args={
                    "decision": did,
                    "parent": None,
                    "due": "2014-06-30",
                    "timezone": None,
                    "review": None,
                    "milestones": [],
                },
            )
            for percent in (25, 50, 75):
                self.act(
                    owner,
                    "commitment.report",
                    cid,
                    role="delegate",
                    args={"percent": percent, "milestone": None},
                )


def build(n_ops: int, seed: int) -> list[LoggedOp]:
    work = _Workload(random.Random(seed))
    n = 0
    while work.count < n_ops:
        work.meeting(n)
        n += 1
    entries = [e for log in work.logs.logs.values() for e in log.entries]
    random.Random(seed).shuffle(entries)  # as a node may learn them
    return entries


SEALED_ORGS = ["csto", "nato", "osce", "sco"]


def build_confidential(n_ops: int, *, seal: bool) -> LocalLogs:
    """One confidential meeting of four organizations and ``n_ops - 1`` agendas of its host,
    each sealed to the four (``seal``) or, to compare, the same ops in clear."""
    logs = LocalLogs([*SEALED_ORGS, "un"])
    recipients = {org: logs.directory[org] for org in SEALED_ORGS}
    log = logs.logs["nato"]
    for n in range(n_ops):
        if n == 0:
            kind, args = (
                "meeting.create",
                {
                    "date": "2013-09-24",
                    "timezone": "Europe/Vienna",
                    "cohost": None,
                    "participants": ["csto", "osce", "sco"],
                    "public": not seal,
                },
            )
            clear: dict[str, Any] = {"title": "Confidential consultations"}
        else:
            kind, args = "agenda.set", {}
            clear = {"items": [f"Item {n}.{k}: a line of the agenda" for k in range(5)]}
        op = log.build(kind, "nato/p-1", role="delegate", args=args, clear=clear)
        if seal:
            sealed = seal_op(op, meeting="nato/p-1", recipients=recipients)
            logs.opener.remember(sealed.envelope.hash, sealed.key)
            op = sealed.envelope
        log.append_op(op)
    return logs


def _time(function: Callable[[], object], repeat: int) -> tuple[float, float, list[float]]:
    """Median wall and CPU seconds; on a shared machine the CPU time is the steadier figure."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), walls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--sealed", type=int, default=2_000, help="sealed ops to time (0: none)")
    args = parser.parse_args()

    start = time.perf_counter()
    entries = build(args.ops, args.seed)
    built = time.perf_counter() - start
    total_bytes = sum(len(e.data) for e in entries)
    result = reduce_ops(entries)
    statuses: dict[str, int] = {}
    for verdict in result.verdicts:
        statuses[verdict.status] = statuses.get(verdict.status, 0) + 1

    phases = [
        ("parse + order (order_ops)", *_time(lambda: order_ops(entries), args.repeat)),
        ("reduce: parse, order, every rule", *_time(lambda: reduce_ops(entries), args.repeat)),
        ("state digest", *_time(result.digest, args.repeat)),
    ]

    print(
        f"machine: {platform.platform()}; CPU: {_cpu_model()}; cores: {os.cpu_count()}; "
        f"load: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"python: {platform.python_version()}; {len(entries):,} ops of {len(ORGS)} organizations, "
        f"{total_bytes / 1e6:.1f} MB, mean {total_bytes / len(entries):.0f} bytes; built in {built:.1f} s"
    )
    print(
        f"state: {len(result.state.meetings):,} meetings, {len(result.state.decisions):,} decisions "
        f"({sum(d.status == 'adopted' for d in result.state.decisions.values()):,} adopted), "
        f"{len(result.state.commitments):,} commitments; verdicts: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items()))
    )
    print(f"runs: {args.repeat}, median reported; digest {result.digest()[:16]}…")
    print()
    print(
        f"| {'phase':<34} | {'wall s':>7} | {'CPU s':>7} | {'ops/CPU s':>10} | {'wall runs (s)':<20} |"
    )
    print(f"|{'-' * 36}|{'-' * 9}|{'-' * 9}|{'-' * 12}|{'-' * 22}|")
    for name, wall, cpu, runs in phases:
        rate = f"{len(entries) / cpu:,.0f}" if cpu else "—"
        listed = ", ".join(f"{r:.2f}" for r in runs)
        print(f"| {name:<34} | {wall:>7.2f} | {cpu:>7.2f} | {rate:>10} | {listed:<20} |")
    if args.sealed:
        _bench_sealed(args.sealed, args.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"peak RSS: {peak:,.0f} MB")


def _bench_sealed(n_ops: int, repeat: int) -> None:
    logs = build_confidential(n_ops, seal=True)
    entries = logs.entries()
    size = sum(len(e.data) for e in entries)
    member = Opener({"csto": logs.keys["csto"]})
    check = reduce_ops(entries, member)
    assert len(check.sealed_ops) == n_ops, "every envelope opens for a participant"
    phases = [
        ("build N ops in clear", *_time(lambda: build_confidential(n_ops, seal=False), repeat)),
        ("build and seal N ops", *_time(lambda: build_confidential(n_ops, seal=True), repeat)),
        (
            "reduce, participant (opens all)",
            *_time(lambda: reduce_ops(entries, Opener({"csto": logs.keys["csto"]})), repeat),
        ),
        (
            "reduce, non-participant (4 slots)",
            *_time(lambda: reduce_ops(entries, Opener({"un": logs.keys["un"]})), repeat),
        ),
        ("reduce, no keys", *_time(lambda: reduce_ops(entries), repeat)),
    ]
    print()
    print(
        f"sealed: {n_ops:,} ops of one confidential meeting of 4, sealed to 4 slots each, "
        f"{size / 1e6:.1f} MB, mean {size / n_ops:.0f} bytes an envelope"
    )
    print()
    print(
        f"| {'phase (N = ' + format(n_ops, ',') + ')':<34} | {'wall s':>7} | {'CPU s':>7} | {'µs/op CPU':>10} |"
    )
    print(f"|{'-' * 36}|{'-' * 9}|{'-' * 9}|{'-' * 12}|")
    for name, wall, cpu, _runs in phases:
        print(f"| {name:<34} | {wall:>7.2f} | {cpu:>7.2f} | {cpu / n_ops * 1e6:>10,.0f} |")


if __name__ == "__main__":
    main()
