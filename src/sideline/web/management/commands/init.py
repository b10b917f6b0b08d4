"""``sideline init``: create the database, load the bundled dataset, seed the demo."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sideline import node
from sideline.analysis.services import import_bundled_unvotes
from sideline.record.models import Log
from sideline.record.services import RecordServiceError, ensure_keys, ensure_log
from sideline.registry.services import load_package
from sideline.web.demo import seed_demo


class Command(BaseCommand):
    help = "Create or upgrade the database, load the bundled dataset and UN votes and seed a demo year. Safe to run again."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-demo", action="store_true", help="load the dataset only, without the demo"
        )
        parser.add_argument(
            "--organization",
            action="append",
            default=[],
            metavar="CODE",
            help="host this organization on this node: make its keys and log (repeatable; "
            "added to those it hosts). Without it, and without SIDELINE_ORGANIZATIONS, the "
            "node hosts every organization of the registry",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stderr.write
        codes: list[str] = options["organization"]
        if codes and settings.SIDELINE_ORGANIZATIONS:
            raise CommandError(
                _(
                    "--organization: SIDELINE_ORGANIZATIONS is set and decides what this node "
                    "hosts; unset it, or drop --organization"
                ),
                returncode=2,
            )
        say(_("data directory: %(folder)s") % {"folder": settings.DATA_DIR})
        say(_("migrating the database…"))
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        say(_("loading the bundled dataset…"))
        summary = load_package(progress=lambda step: say(f"  {step}"))
        self.stdout.write(f"registry: {summary}")
        for conflict in summary.conflicts:
            self.stdout.write(f"registry: kept curated: {conflict}")
        # The voting analysis needs roll calls; a fuller import made by hand is kept.
        votes = import_bundled_unvotes()
        self.stdout.write(
            _("UN votes: %(votes)s") % {"votes": votes}
            if votes
            else _("UN votes: kept the data set already imported")
        )
        try:
            self._host(codes, say=say)
        except (node.NodeError, RecordServiceError) as error:
            raise CommandError(error.message, returncode=2) from None
        if options["no_demo"]:
            pass
        elif node.hosts_every_organization():
            seed_demo(say=say)
        else:
            say(
                _(
                    "demo: skipped; it needs a node that hosts every organization "
                    "(one without SIDELINE_ORGANIZATIONS or --organization)"
                )
            )
        self.stdout.write(self.style.SUCCESS(_("ready: run “sideline serve”")))

    def _host(self, codes: list[str], *, say: Any) -> None:
        """Record the organizations to host, make their keys, upgrade older logs' keys."""
        if codes:
            node.host_organizations(codes)
        configured = node.configured_organizations()
        if configured is None:
            say(_("node: hosts every organization of the registry"))
        else:
            say(_("node: hosts %(organizations)s") % {"organizations": ", ".join(configured)})
            # A node named for its organizations publishes their keys from the start, so
            # that peers can pin them before anything is signed.
            for code in configured:
                ensure_log(organization=code)
        hosted = node.hosted_organizations()
        for log in Log.objects.select_related("organization"):
            if log.slug in hosted and ensure_keys(organization=log.slug):
                say(_("record: %(log)s: keys completed") % {"log": log.slug})
