"""``sideline demo federation``: one node per organization on local ports, joined.

Each node is a real ``sideline serve`` process with its own data directory, keys and
database, hosting one organization (see :mod:`sideline.record.localnet`). The command
prints each node's URL and log-in, runs a scenario, and keeps the nodes up until
Ctrl+C.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sideline.record.localnet import SCENARIOS, LocalFederation, NodeError

DEFAULT_ORGANIZATIONS = "nato,csto,osce"


class Command(BaseCommand):
    help = "Run demonstrations on this machine: `demo federation` starts one node per organization."

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        federation = actions.add_parser(
            "federation",
            help="start one node per organization on local ports, join them, run a scenario",
        )
        federation.add_argument(
            "--organizations",
            default=DEFAULT_ORGANIZATIONS,
            metavar="CODES",
            help=f"organization codes, comma-separated (default {DEFAULT_ORGANIZATIONS})",
        )
        federation.add_argument(
            "--base-port",
            type=int,
            default=8101,
            help="the first node's port; the others follow (default 8101)",
        )
        federation.add_argument(
            "--directory",
            type=Path,
            default=None,
            help="where the nodes keep their data (default: a new temporary folder)",
        )
        federation.add_argument(
            "--scenario",
            choices=sorted(SCENARIOS),
            default="decision",
            help="what the nodes do once joined (default: decision, which needs three "
            "organizations: a meeting to an adopted decision, agreed minutes and a commitment, "
            "then a confidential meeting)",
        )
        federation.add_argument(
            "--exit",
            action="store_true",
            help="stop the nodes once the scenario ran, rather than wait for Ctrl+C",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        codes = [c.strip() for c in options["organizations"].split(",") if c.strip()]
        if len(codes) < 2 or len(set(codes)) != len(codes):
            raise CommandError(
                "--organizations: give at least two different codes, e.g. nato,csto,osce",
                returncode=2,
            )
        base = options["base_port"]
        if not 1024 <= base <= 65535 - len(codes):
            raise CommandError(f"--base-port: {base} is not from 1024 to 65535", returncode=2)
        root = options["directory"] or Path(tempfile.mkdtemp(prefix="sideline-federation-"))
        net = LocalFederation(codes, root, ports={code: base + i for i, code in enumerate(codes)})
        say = self.stderr.write
        try:
            net.setup(say=say)
            say("starting the nodes…")
            net.start()
            net.join()
            for node in net.nodes.values():
                self.stdout.write(
                    f"{node.organization:<8} {node.url}/  log in as {node.username} / "
                    f"{node.password}  (data: {node.directory})"
                )
            self.stdout.flush()
            SCENARIOS[options["scenario"]](net, say)
            if options["exit"]:
                return
            say("the nodes run until Ctrl+C")
            while all(node.running for node in net.nodes.values()):
                time.sleep(1)
            raise CommandError("a node stopped; see its serve.log")
        except (NodeError, TimeoutError, OSError) as error:
            raise CommandError(str(error)) from None
        finally:
            net.stop()
