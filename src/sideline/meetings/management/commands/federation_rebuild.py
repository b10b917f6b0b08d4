"""``sideline federation rebuild [--check]``: the meetings' rows against the ops of the logs."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sideline.meetings.projection import rebuild


class Command(BaseCommand):
    help = (
        "Recompute the meetings, decisions, commitments and concerns from the ops of every log this "
        "node holds (its own and its peers' replicas), print every difference from the "
        "stored rows, and rewrite the rows to match; with --check, change nothing and exit "
        "with status 1 when there is a difference."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="report the differences only; exit 1 if there is any",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from sideline.prevention.concern_projection import rebuild_concerns

        report = rebuild(check=options["check"])
        # Concerns (prevention) are ops too: their rows are checked and rebuilt alike.
        concerns = rebuild_concerns(check=options["check"])
        for line in [*report.differences, *concerns.differences, *concerns.unshown]:
            self.stdout.write(line)
        count = len(report.differences) + len(concerns.differences)
        if not count:
            self.stdout.write(_("the rows are the projection of the ops: no difference"))
        elif report.rebuilt or concerns.rebuilt:
            self.stdout.write(
                _("rebuilt: %(count)s difference(s) corrected from the ops") % {"count": count}
            )
        else:
            raise CommandError(
                _("%(count)s difference(s) between the rows and the ops") % {"count": count}
            )
