"""``sideline record logs|checkpoint|witness|status|mirror|verify|sync|prove|check-proof|policy``."""

from __future__ import annotations

import json
from argparse import SUPPRESS, ArgumentParser
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sideline.node import hosted_organizations
from sideline.record.errors import RecordError
from sideline.record.models import Log, Replica
from sideline.record.policy import MAX_POLICY_BYTES, parse_policy
from sideline.record.proof import MAX_PROOF_BYTES, check_bundle
from sideline.record.proof_text import proof_sentences
from sideline.record.proving import node_policy, prove_object
from sideline.record.selectors import (
    latest_accepted_checkpoint,
    latest_checkpoint,
    list_logs,
    replica_alerts,
)
from sideline.record.services import checkpoint_log, witness_round
from sideline.record.sync import describe_waiting_keys, mirror, sync_peer, verify_source
from sideline.record.transport import PeerError, validate_peer_url


class Command(BaseCommand):
    help = "Operate the record: list logs, checkpoint, witness, check status, mirror, verify, sync."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        logs = actions.add_parser("logs", help="list the logs hosted here and their keys")
        logs.add_argument("--json", action="store_true", help="print GET /record/logs exactly")
        checkpoint = actions.add_parser("checkpoint", help="sign a checkpoint of logs that grew")
        checkpoint.add_argument(
            "organizations", nargs="*", metavar="ORG", help="organization slugs"
        )
        checkpoint.add_argument(
            "--all", action="store_true", help="every log of an organization hosted here"
        )
        actions.add_parser(
            "witness", help="in-node round: checkpoint every log, have the others cosign it"
        )
        actions.add_parser(
            "status",
            help="show each log; exit 1 if a peer log is forked, refused, rolled back, frozen, "
            "untrusted or has keys waiting for approval",
        )
        mirror_parser = actions.add_parser("mirror", help="copy a node's logs (checkpoint, tiles)")
        mirror_parser.add_argument("url", metavar="URL", help="the node's base URL")
        mirror_parser.add_argument("directory", type=Path, metavar="DIR", help="folder to write")
        verify = actions.add_parser("verify", help="audit every log of a node URL or a mirror")
        verify.add_argument("source", metavar="URL|DIR")
        verify.add_argument("--quorum", type=int, default=None, help="witnesses required")
        verify.add_argument("--workers", type=int, default=None, help="processes for signatures")
        verify.add_argument(
            "--witnesses",
            action="append",
            default=[],
            metavar="NODE_URL",
            help="also count the witness keys published at this node's /record/logs (repeatable)",
        )
        verify.add_argument(
            "--pinned",
            action="store_true",
            help="verify with the keys approved here for that node (pinned by `record sync`), "
            "not the keys it publishes",
        )
        sync = actions.add_parser("sync", help="mirror and check a peer's logs; detect forks")
        sync.add_argument("url", metavar="PEER_URL", help="the peer node's base URL")
        # A flag, not a list of keys: the keys it approves are exactly those the previous
        # sync printed (and `record status` shows), and a list of long key strings in
        # front of PEER_URL would be easy to get wrong.
        sync.add_argument(
            "--accept-keys",
            action="store_true",
            help="approve the peer's new log, entry and witness keys that a previous sync "
            "reported as waiting (check them with the peer's operator first)",
        )
        # The old spelling, from when only witness keys were pinned; kept so that
        # scripts keep working, hidden from --help.
        sync.add_argument("--accept-witness-keys", action="store_true", help=SUPPRESS)
        prove = actions.add_parser(
            "prove",
            help="write to stdout the proof file of a decision: its operations, their "
            "inclusion proofs and the cosigned checkpoints (docs/proofs.md)",
        )
        prove.add_argument(
            "target",
            metavar="decision/ID",
            help="decision/<number of its page> or decision/<org>/d-…",
        )
        check = actions.add_parser(
            "check-proof",
            help="check a proof file offline against a C2SP tlog-policy; say what it proves",
        )
        check.add_argument("file", type=Path, metavar="FILE", help="the proof file")
        check.add_argument(
            "--policy", type=Path, required=True, metavar="POLICY", help="a C2SP tlog-policy file"
        )
        check.add_argument(
            "--decision",
            default=None,
            metavar="ID",
            help="refuse a proof of any other decision (<org>/d-…)",
        )
        actions.add_parser(
            "policy", help="print a C2SP tlog-policy of the logs and witnesses this node trusts"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            getattr(self, "_" + action.replace("-", "_"))(options)
        except RecordError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        except (OSError, LookupError, ValueError) as error:
            # One line whatever the peer sent: its text may hold newlines.
            raise CommandError(" ".join(str(error).split())[:500]) from None

    @staticmethod
    def _peer_url(url: str) -> str:
        try:
            return validate_peer_url(url)
        except PeerError as error:
            raise CommandError(str(error), returncode=2) from None

    def _logs(self, options: dict[str, Any]) -> None:
        logs = list_logs()
        if options["json"]:
            self.stdout.write(json.dumps(logs, indent=1))
            return
        for info in logs:
            self.stdout.write(f"{info['organization']:<8} {info['origin']}  {info['log_key']}")

    def _checkpoint(self, options: dict[str, Any]) -> None:
        slugs: list[str] = options["organizations"]
        if options["all"]:
            hosted = hosted_organizations()
            slugs = [
                log.slug for log in Log.objects.select_related("organization") if log.slug in hosted
            ]
        if not slugs:
            raise CommandError("name organizations or give --all", returncode=2)
        for slug in slugs:
            checkpoint = checkpoint_log(organization=slug)
            state = "accepted" if checkpoint.accepted else "awaiting cosignatures"
            self.stdout.write(f"{slug}: checkpoint of size {checkpoint.size}, {state}")

    def _witness(self, options: dict[str, Any]) -> None:
        result = witness_round()
        for log, witness, status, code in result.refused:
            self.stderr.write(f"{witness} refused {log}: {status} {code}")
        self.stdout.write(
            f"{result.checkpoints} logs checkpointed, {result.cosigned} cosignatures, "
            f"{len(result.accepted)} accepted"
        )

    def _status(self, options: dict[str, Any]) -> None:
        for log in Log.objects.select_related("organization"):
            latest, accepted = latest_checkpoint(log), latest_accepted_checkpoint(log)
            self.stdout.write(
                f"{log.slug:<8} size {log.size}, checkpoint {latest.size if latest else '-'}, "
                f"accepted {accepted.size if accepted else '-'}"
            )
        replicas = list(Replica.objects.select_related("peer"))
        refused = [r for r in replicas if r.refused]
        bad = [r for r in replicas if not r.trusted and not r.refused]
        # A forked replica is wrong whatever its keys; only the others can wait for keys.
        waiting = [r for r in replicas if r.trusted and r.pending_keys]
        now = timezone.now()
        alerts = {r.pk: replica_alerts(r, now=now) for r in replicas if r.trusted}
        lagging = [r for r in replicas if alerts.get(r.pk)]
        for replica in replicas:
            if replica.refused:
                state = f"REFUSED: {replica.problem}"
            else:
                state = "trusted" if replica.trusted else f"UNTRUSTED: {replica.problem}"
            for alert in alerts.get(replica.pk, []):
                state += f", ALERT: {alert}"
            if replica in waiting:
                state += (
                    f", key(s) waiting for approval: {describe_waiting_keys(replica)}; check "
                    f"them with the peer's operator, then run "
                    f"`sideline record sync {replica.peer.url} --accept-keys`"
                )
            self.stdout.write(
                f"{replica.organization:<8} @ {replica.peer.url}: size {replica.size}, {state}"
            )
        failures = [
            f"{len(group)} peer log(s) {what}: "
            + ", ".join(f"{r.origin} @ {r.peer.url}" for r in group)
            for group, what in (
                (refused, "refused for their origin"),
                (bad, "forked or untrusted"),
                (lagging, "rolled back or frozen"),
                (waiting, "with keys waiting for approval"),
            )
            if group
        ]
        if failures:
            raise CommandError("; ".join(failures))

    def _mirror(self, options: dict[str, Any]) -> None:
        url = self._peer_url(options["url"])
        copied = mirror(url=url, directory=options["directory"])
        total = sum(size for _, size in copied)
        self.stdout.write(
            f"mirrored {len(copied)} logs, {total} entries, into {options['directory']}"
        )

    def _verify(self, options: dict[str, Any]) -> None:
        source: str = options["source"]
        if source.startswith(("http://", "https://")):
            source = self._peer_url(source)
        elif not Path(source, "logs.json").is_file():
            raise CommandError(
                f"{source} is neither an http(s) URL nor a mirror folder with logs.json",
                returncode=2,
            )
        verdicts = verify_source(
            source,
            quorum=options["quorum"],
            workers=options["workers"],
            witness_nodes=options["witnesses"],
            pinned=options["pinned"],
        )
        failed = [v for v in verdicts if not v.report.ok]
        if failed:
            for verdict in failed:
                report = verdict.report
                index = "-" if report.first_bad_index is None else report.first_bad_index
                self.stderr.write(
                    f"FAILED {verdict.organization} at index {index}: {report.code}: {report.message}"
                )
            raise CommandError(f"{len(failed)} of {len(verdicts)} logs failed verification")
        entries = sum(v.report.entries_checked for v in verdicts)
        signatures = sum(v.report.signatures_checked for v in verdicts)
        self.stdout.write(
            f"OK: {len(verdicts)} logs, {entries} entries, {signatures} entry signatures, "
            "cosignature quorum met"
        )

    def _sync(self, options: dict[str, Any]) -> None:
        url = self._peer_url(options["url"])
        if options["accept_witness_keys"]:
            self.stderr.write(
                "--accept-witness-keys is deprecated: use --accept-keys, which it now means"
            )
        report = sync_peer(
            url=url, accept_keys=options["accept_keys"] or options["accept_witness_keys"]
        )
        new = sum(report.new_entries.values())
        self.stdout.write(
            f"synced {options['url']}: {new} new entries, {report.cosignatures} cosignatures "
            f"received, {report.cosigned_for_peer} given"
        )
        for line in [*report.problems, *report.failures, *report.alerts]:
            self.stderr.write(line)
        failed = [
            f"{what}: {', '.join(sorted(set(group)))}" if names else f"{len(group)} {what}"
            for group, what, names in (
                (report.forks, "FORK detected in", True),
                (report.alerts, "ALERT(s) about this peer (see above)", False),
                (report.failures, "failure(s) to retry (see above)", False),
            )
            if group
        ]
        if failed:
            raise CommandError("; ".join(failed))

    def _prove(self, options: dict[str, Any]) -> None:
        target: str = options["target"]
        kind, _, ident = target.partition("/")
        if kind != "decision" or not ident:
            raise CommandError(
                f"{target!r}: name a decision as decision/<number> or decision/<org>/d-…",
                returncode=2,
            )
        decisions = apps.get_model("meetings", "Decision").objects.select_related("meeting")
        decision = (
            decisions.filter(pk=int(ident)).first()
            if ident.isdecimal()
            else decisions.filter(op_id=ident).first()
        )
        if decision is None:
            raise CommandError(f"{target}: no such decision on this node", returncode=2)
        if not decision.op_id:
            raise CommandError(
                f"{target}: it was made before operations; there is nothing to prove"
            )
        if not decision.meeting.public:
            raise CommandError(
                f"{target}: its meeting is confidential; its operations are sealed on the logs "
                "and no proof file is made for them (docs/proofs.md)"
            )
        self.stdout.write(prove_object(decision.op_id).decode(), ending="")

    @staticmethod
    def _read_limited(path: Path, limit: int, what: str) -> bytes:
        try:
            with path.open("rb") as handle:
                data = handle.read(limit + 1)
        except OSError as error:
            raise CommandError(f"{path}: cannot read the {what}: {error.strerror}") from None
        if len(data) > limit:
            raise CommandError(f"{path}: the {what} is larger than {limit} bytes, the limit")
        return data

    def _check_proof(self, options: dict[str, Any]) -> None:
        policy_path, file_path = options["policy"], options["file"]
        policy_data = self._read_limited(policy_path, MAX_POLICY_BYTES, "policy")
        data = self._read_limited(file_path, MAX_PROOF_BYTES, "proof file")
        expect = options["decision"]
        if expect is not None and expect.startswith("decision/"):
            expect = expect[len("decision/") :]
        try:
            policy = parse_policy(policy_data)
        except RecordError as error:
            raise CommandError(f"{policy_path}: {error.message}") from None
        try:
            facts = check_bundle(data, policy, expect=expect)
        except RecordError as error:
            raise CommandError(f"{file_path}: {error.message}") from None
        for code, sentence in proof_sentences(facts).items():
            self.stdout.write(f"[{code}] {sentence}")

    def _policy(self, options: dict[str, Any]) -> None:
        self.stdout.write(node_policy(), ending="")
