"""Benchmark the federation reducer: fold 100,000 ops of 8 organizations into the state.

Builds a year of work among 8 organizations (meetings, agendas, minutes agreed by every
participant, decisions proposed, answered and adopted, commitments and their progress,
calendar confirmations, and some refused ops), each op naming its log's previous op and
the heads of the other logs (what it has read). Then times, ``--repeat`` times, with the
median reported: parsing and ordering alone (``order_ops``), the whole reduction
(``reduce_ops``: parse, order, every rule, every verdict) and the state digest. Building
the ops is not timed. Never asserts.

    .venv/bin/python bench/federation.py                 # 100,000 ops, 3 runs
    .venv/bin/python bench/federation.py --ops 20000 --repeat 5
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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"peak RSS: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
