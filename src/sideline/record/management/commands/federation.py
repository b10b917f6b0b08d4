"""``sideline federation join|peers|status|sync|follow|resolve``: this node among its peers.

Each subcommand is added by its own ``_add_<name>`` function and run by its own
``_<name>`` method, so that others can add subcommands (``federation rebuild``)
without touching these.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sideline.record.errors import RecordError
from sideline.record.federation import (
    federation_path,
    join_peer,
    load,
    peer_status,
    pull_peer,
)
from sideline.record.incidents import resolve_incidents
from sideline.record.models import Peer
from sideline.record.sync import SyncReport
from sideline.record.transport import PeerError, validate_peer_url

# argparse's sub-parsers action is a private generic class: typed loosely.
Actions = Any


def _add_join(actions: Actions) -> None:
    join = actions.add_parser(
        "join",
        help="add a peer node to the federation file, pinning the keys it publishes now, "
        "and pull it",
    )
    join.add_argument("url", metavar="URL", help="the peer node's base URL")


def _add_peers(actions: Actions) -> None:
    peers = actions.add_parser("peers", help="list the peers of the federation file and their keys")
    peers.add_argument("--json", action="store_true", help="print the federation file")


def _add_status(actions: Actions) -> None:
    actions.add_parser(
        "status",
        help="each peer's lag and problems; exit 1 on a fork, a stale peer, keys waiting "
        "for approval or a peer's proven misbehaviour",
    )


def _add_sync(actions: Actions) -> None:
    sync = actions.add_parser("sync", help="pull every peer now (or the one named)")
    sync.add_argument("url", nargs="?", metavar="URL", help="only this peer")
    sync.add_argument(
        "--accept-keys",
        action="store_true",
        help="approve the keys a previous sync reported as waiting (check them with the "
        "peer's operator first) and write them to the federation file",
    )


def _add_follow(actions: Actions) -> None:
    actions.add_parser(
        "follow",
        help="run the follower in the foreground (checkpoint, witness, push, pull), for a "
        "node whose `serve` runs with SIDELINE_FEDERATION_FOLLOWER=off",
    )


def _add_resolve(actions: Actions) -> None:
    resolve = actions.add_parser(
        "resolve", help="mark a peer's incidents handled (the evidence is kept)"
    )
    resolve.add_argument("url", metavar="URL", help="the peer node's base URL")
    resolve.add_argument("--organization", metavar="ORG", help="only this organization's")


class Command(BaseCommand):
    help = "Operate this node's federation: join peers, list them, check them, pull them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        for add in (_add_join, _add_peers, _add_status, _add_sync, _add_follow, _add_resolve):
            add(actions)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except RecordError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        except (OSError, LookupError, ValueError) as error:
            # FederationFileError and PeerError included: one line, whatever a peer sent.
            raise CommandError(" ".join(str(error).split())[:500]) from None

    @staticmethod
    def _url(url: str) -> str:
        try:
            return validate_peer_url(url)
        except PeerError as error:
            raise CommandError(str(error), returncode=2) from None

    def _report(self, url: str, report: SyncReport) -> bool:
        new = sum(report.new_entries.values())
        self.stdout.write(
            f"pulled {url}: {new} new entries, {report.cosignatures} cosignatures received, "
            f"{report.cosigned_for_peer} given"
        )
        for line in [*report.problems, *report.failures, *report.alerts]:
            self.stderr.write(f"{url}: {line}")
        return not (report.forks or report.alerts or report.failures)

    def _join(self, options: dict[str, Any]) -> None:
        url = self._url(options["url"])
        result = join_peer(url=url)
        for slug in result.refused:
            self.stderr.write(
                f"{result.url} publishes a log of {slug}, which this node hosts: not joined"
            )
        self.stdout.write(
            f"joined {result.url} for {', '.join(result.organizations) or 'no organization'} "
            f"(keys pinned in {federation_path()}; check them with its operator: "
            "`sideline federation peers`)"
        )
        if not self._report(result.url, result.report):
            raise CommandError(f"{result.url} was joined, but its first pull failed (see above)")

    def _peers(self, options: dict[str, Any]) -> None:
        federation = load()
        if options["json"]:
            self.stdout.write(json.dumps(federation.to_json(), indent=1, sort_keys=True))
            return
        if not federation.peers:
            self.stdout.write(f"no peers in {federation_path()}; add one with `federation join`")
        for entry in federation.peers:
            self.stdout.write(entry.url)
            for slug, keys in sorted(entry.organizations.items()):
                self.stdout.write(f"  {slug}")
                for name, values in keys.items():
                    for key in values:
                        shown = key.get("kid", "?") if isinstance(key, dict) else key
                        self.stdout.write(f"    {name[:-1].replace('_', ' ')}: {shown}")

    def _status(self, options: dict[str, Any]) -> None:
        now = timezone.now()
        statuses = peer_status(now=now)
        if not statuses:
            self.stdout.write(f"no peers in {federation_path()}")
        for status in statuses:
            when = (
                f"{(now - status.last_success).total_seconds():.0f} s ago"
                if status.last_success
                else "never"
            )
            verdict = "FAILING" if status.failing else "ok"
            self.stdout.write(f"{status.url}: {verdict}, last pulled {when}")
            for log in status.logs:
                self.stdout.write(
                    f"  {log.organization:<8} size {log.size}, peer claims {log.claimed}, "
                    f"lag {log.lag}: {log.state}"
                )
            for problem in status.problems:
                self.stdout.write(f"  PROBLEM: {problem}")
        failing = [s.url for s in statuses if s.failing]
        if failing:
            raise CommandError(f"{len(failing)} peer(s) failing: {', '.join(failing)}")

    def _sync(self, options: dict[str, Any]) -> None:
        federation = load()
        entries = federation.peers
        if options["url"]:
            url = self._url(options["url"])
            entry = federation.peer(url)
            if entry is None:
                raise CommandError(
                    f"{url} is not in {federation_path()}; run `sideline federation join {url}`",
                    returncode=2,
                )
            entries = [entry]
        from sideline.record.follower import project_ops, pulled_ops

        failed, ops = [], False
        for entry in entries:
            report = pull_peer(entry, accept_keys=options["accept_keys"])
            ops = pulled_ops(report) or ops
            if not self._report(entry.url, report):
                failed.append(entry.url)
        # Peers' meetings become rows here once, after every peer was pulled.
        projected = project_ops(owed_only=not ops)
        if projected is not None and projected[0]:
            self.stdout.write(projected[1])
        if projected is not None and not projected[0]:
            raise CommandError(f"{projected[1]}; or run `sideline federation rebuild`")
        if failed:
            raise CommandError(f"{len(failed)} peer(s) failed to sync: {', '.join(failed)}")

    def _follow(self, options: dict[str, Any]) -> None:
        from sideline.record.follower import Follower

        follower = Follower()
        self.stdout.write(f"following the peers of {federation_path()} (Ctrl+C to stop)")
        self.stdout.flush()
        try:
            follower.run()
        finally:
            follower.shutdown()

    def _resolve(self, options: dict[str, Any]) -> None:
        url = self._url(options["url"])
        peer = Peer.objects.filter(url=url).first()
        if peer is None:
            raise CommandError(f"no peer {url} here", returncode=2)
        count = resolve_incidents(peer, organization=options["organization"])
        self.stdout.write(f"{count} incident(s) of {url} resolved; their evidence is kept")
