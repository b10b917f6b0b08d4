"""Throughput and latency of every page and API GET under load, against a bare Django view.

Run from the project root (wrk from Debian's packages; a Python load generator otherwise)::

    .venv/bin/python bench/web_load.py
    SIDELINE_BENCH_SECONDS=5 .venv/bin/python bench/web_load.py --only '^/api/'
    SIDELINE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/web_load.py

It runs ``sideline init`` (migrate, bundled dataset, demo year) on a throw-away SQLite
database in a temporary directory, or on the database ``SIDELINE_DATABASE_URL`` names (its
tables are overwritten), then starts ``sideline serve`` on a free loopback port, in a child
process whose URLs also hold ``/bench/bare``: a view that answers "ok" through the same
middleware, server and processes. Every page and every API GET whose parameters the demo data
can fill is then loaded by 20 concurrent keep-alive clients (``--clients``) for
``SIDELINE_BENCH_SECONDS`` (3 by default) each, the bare view first. The table gives, per
URL, the status, requests per second, the median and 95th-percentile latency, and the ratio
of the bare view's throughput to the URL's; the goal (issue 14) is a ratio within 5 and a
p95 under 250 ms. Benchmarks never assert; they report.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from analysis_server import cpu_model  # noqa: E402  # a sibling script, found through sys.path

SECONDS = float(os.environ.get("SIDELINE_BENCH_SECONDS", "3"))
GOAL_RATIO = 5.0
GOAL_P95_MS = 250.0
BARE = "/bench/bare"

# wrk reports percentiles only through its Lua hook; one line, parsed below.
WRK_SCRIPT = """
wrk.headers["Accept-Encoding"] = "gzip"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %.3f %.3f %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass
class Result:
    path: str
    status: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    failures: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the server child ------------------------------------------------------------------


def serve(port: int, processes: int | None) -> None:
    """Run ``sideline serve`` with ``/bench/bare`` added to the URLs (the child process)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.http import HttpRequest, HttpResponse
    from django.urls import path

    from sideline import urls

    def bare(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"ok", content_type="text/plain")

    # Before the first request builds the resolver, so the bare view is routed like any page.
    urls.urlpatterns.insert(0, path(BARE.lstrip("/"), bare))
    extra = [] if processes is None else ["--processes", str(processes)]
    call_command("serve", "--port", str(port), *extra)


# --- the driver ------------------------------------------------------------------------


def prepare() -> dict[str, Any]:
    """Run ``sideline init``; return the data sizes and the values that fill URL patterns."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("init", stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))  # noqa: SIM115  # closed at exit
    from sideline.meetings.models import Commitment, Decision, Meeting
    from sideline.planner.models import Plan, PlanStatus
    from sideline.record.models import Log, RecordEntry
    from sideline.registry.models import Membership, Organization, State

    plan = Plan.objects.filter(status=PlanStatus.PUBLISHED).order_by("-year", "-version").first()
    meeting = Meeting.objects.filter(public=True).order_by("pk").first()
    decision = Decision.objects.filter(meeting__public=True).order_by("pk").first()
    commitment = Commitment.objects.filter(decision__meeting__public=True).order_by("pk").first()
    log = Log.objects.filter(size__gt=0).select_related("organization").first()
    values: dict[str, Any] = {
        "slug": "osce",
        "organization": "osce",
        "org": log.organization.slug if log else "osce",
        "code": "KAZ",
        "state": "KAZ",
        "year": plan.year if plan else 2013,
        "plan_id": plan.pk if plan else None,
        "meeting_id": meeting.pk if meeting else None,
        "decision_id": decision.pk if decision else None,
        "commitment_id": commitment.pk if commitment else None,
        "index": 0 if log else None,
    }
    sizes = {
        "organizations": Organization.objects.count(),
        "states": State.objects.count(),
        "memberships": Membership.objects.count(),
        "plans": Plan.objects.count(),
        "meetings": Meeting.objects.count(),
        "record entries": RecordEntry.objects.count(),
    }
    return {"values": values, "sizes": sizes}


def page_paths(values: dict[str, Any]) -> list[str]:
    """Return the pages an anonymous visitor reads, filled from the demo data."""
    year, plan, meeting = values["year"], values["plan_id"], values["meeting_id"]
    pages = [
        "/",
        "/search/?q=nato",
        "/organizations/",
        f"/organizations/{values['slug']}/",
        "/states/",
        f"/states/{values['code']}/",
        "/forums/",
        "/analysis/",
        "/analysis/overlap/",
        "/analysis/duplication/",
        "/analysis/network/",
        "/analysis/bridges/",
        f"/analysis/balance/?state={values['state']}",
        f"/analysis/voting/?state={values['state']}",
        "/analysis/suggestions/",
        "/prevention/",
        f"/prevention/states/{values['code']}/",
        "/prevention/concerns/",
        "/planner/",
        f"/planner/{year}/",
        f"/planner/{year}/requests/",
        "/planner/feeds/all.ics",
        f"/planner/feeds/{values['organization']}.ics",
        f"/planner/feeds/{values['organization']}/",
        "/meetings/",
        "/meetings/dashboard/",
        f"/meetings/feeds/{values['organization']}.atom",
        f"/meetings/calendars/{values['organization']}.ics",
        "/record/",
        "/record/logs",
        f"/record/{values['org']}/",
        f"/record/{values['org']}/checkpoint",
        "/accounts/login/",
    ]
    if plan is not None:
        pages += [f"/planner/plans/{plan}/", f"/planner/plans/{plan}/meetings.csv"]
    if meeting is not None:
        pages.append(f"/meetings/{meeting}/")
    if values["decision_id"] is not None:
        pages.append(f"/meetings/decisions/{values['decision_id']}/")
    if values["commitment_id"] is not None:
        pages.append(f"/meetings/commitments/{values['commitment_id']}/")
    return pages


def api_paths(values: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Return every API GET whose parameters the data fills, and those it cannot fill."""
    from ninja import NinjaAPI

    from sideline.api import api

    # The document as ninja builds it: the paths and parameters are what matter here.
    document = NinjaAPI.get_openapi_schema(api)
    filled, skipped = [], []
    for template, operations in document["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        required = [p["name"] for p in get.get("parameters", []) if p.get("required")]
        names = re.findall(r"{(\w+)}", template)
        queries = [n for n in required if n not in names]
        if queries or any(values.get(n) is None for n in names):
            skipped.append(template)
            continue
        filled.append(re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), template))
    return filled, skipped


def wait_until_up(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped with code {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", BARE)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not answer within 120 s")


def status_of(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
    response = connection.getresponse()
    response.read()
    return response.status


def load_wrk(port: int, path: str, *, clients: int, seconds: float, script: Path) -> Result:
    threads = min(clients, os.cpu_count() or 1)
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{clients}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    found = re.search(r"^BENCH (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+) (\d+)$", output, re.M)
    if found is None:
        raise SystemExit(f"wrk printed no summary for {path}:\n{output}")
    count, micros, p50, p95, errors, statuses = found.groups()
    return Result(
        path, 0, int(count), int(micros) / 1e6, float(p50), float(p95), int(errors) + int(statuses)
    )


def load_python(port: int, path: str, *, clients: int, seconds: float) -> Result:
    """Keep-alive clients in threads: a fallback where wrk is missing (it tops out sooner)."""
    samples: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = connection.getresponse()
                response.read()
                ok = response.status < 400
            except OSError:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            mine.append((time.perf_counter() - started) * 1000)
            if not ok:
                with lock:
                    failures[0] += 1
        with lock:
            samples.extend(mine)

    began = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - began
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)))] if samples else 0.0
    median = statistics.median(samples) if samples else 0.0
    return Result(path, 0, len(samples), elapsed, median, p95, failures[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--only", default="", help="a regular expression the paths must match")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--python", action="store_true", help="use the Python load generator")
    parser.add_argument(
        "--processes", type=int, help="server processes (default: serve's, one per core)"
    )
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("SIDELINE_SECRET_KEY", "bench-only-secret-key-long-enough-to-be-accepted")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sideline.settings")
    if options.serve:
        serve(options.serve, options.processes)
        return
    os.environ.setdefault("SIDELINE_DATA_DIR", tempfile.mkdtemp(prefix="sideline-bench-"))
    prepared = prepare()
    pages = page_paths(prepared["values"])
    apis, skipped = api_paths(prepared["values"])
    pattern = re.compile(options.only)
    paths = [p for p in pages + apis if pattern.search(p)]

    from django.db import connection

    engine = connection.vendor
    connection.close()
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            str(port),
            *([] if options.processes is None else ["--processes", str(options.processes)]),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_up(port, server)
        announced = server.stdout.readline().decode().strip() if server.stdout else ""
        use_wrk = shutil.which("wrk") is not None and not options.python
        script = Path(tempfile.mkdtemp(prefix="sideline-wrk-")) / "report.lua"
        script.write_text(WRK_SCRIPT)

        def measure(path: str) -> Result:
            status = status_of(port, path)  # also warms per-process caches once
            if status >= 400:  # needs a login, or data the demo lacks: not a load figure
                return Result(path, status, 0, 0.0, 0.0, 0.0, 0)
            if use_wrk:
                result = load_wrk(
                    port, path, clients=options.clients, seconds=SECONDS, script=script
                )
            else:
                result = load_python(port, path, clients=options.clients, seconds=SECONDS)
            result.status = status
            return result

        bare = measure(BARE)
        results = [measure(path) for path in paths]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    cores = os.cpu_count()
    print(f"machine: {cpu_model()}, {cores} cores, Python {platform.python_version()}, {engine}")
    print("data: " + ", ".join(f"{count} {name}" for name, count in prepared["sizes"].items()))
    print(f"server: {announced}")
    generator = "wrk" if use_wrk else "Python threads"
    print(
        f"load: {options.clients} concurrent keep-alive clients ({generator}, gzip accepted), "
        f"{SECONDS:g} s per URL, loopback"
    )
    print(
        f"bare view {BARE}: {bare.rate:.0f} req/s, p50 {bare.p50_ms:.1f} ms, p95 {bare.p95_ms:.1f} ms"
    )
    print()
    width = max(len(r.path) for r in results) if results else 10
    print(f"{'path':<{width}}  status  req/s   p50 ms   p95 ms  ratio  goal")
    met = 0
    refused = [r for r in results if r.status >= 400]
    results = [r for r in results if r.status < 400]
    for r in results:
        ratio = bare.rate / r.rate if r.rate else float("inf")
        ok = ratio <= GOAL_RATIO and r.p95_ms < GOAL_P95_MS and r.failures == 0 and r.status < 400
        met += ok
        print(
            f"{r.path:<{width}}  {r.status:>6}  {r.rate:>5.0f}  {r.p50_ms:>7.1f}  {r.p95_ms:>7.1f}"
            f"  {ratio:>5.1f}  {'met' if ok else 'MISSED'}"
            + (f" ({r.failures} failed)" if r.failures else "")
        )
    print()
    print(
        f"{met} of {len(results)} URLs within {GOAL_RATIO:g}x of the bare view with p95 < {GOAL_P95_MS:g} ms"
    )
    if refused:
        print(
            "not measured (refused anonymously): "
            + ", ".join(f"{r.path} {r.status}" for r in refused)
        )
    if skipped:
        print("not measured (parameters the demo data cannot fill): " + ", ".join(skipped))


if __name__ == "__main__":
    main()
