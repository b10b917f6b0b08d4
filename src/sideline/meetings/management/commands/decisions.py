"""``sideline decisions observe``: record the silence deadlines that passed, for this node's
organizations (one ``decision.observe`` op each in its own log)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sideline.meetings.services import observe_deadlines


class Command(BaseCommand):
    help = (
        "For every decision under silence procedure whose deadline has passed, write in the "
        "log of each participating organization this node hosts that it saw the deadline "
        "pass (decision.observe); a decision is adopted once every participant's node has. "
        "Run it from cron or a timer every few minutes."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("observe", help="record the deadlines that passed, by this node's clock")

    def handle(self, *args: Any, **options: Any) -> None:
        adopted = observe_deadlines()
        for decision in adopted:
            self.stdout.write(
                _("adopted by silence procedure: %(decision)s %(title)s")
                % {"decision": decision.op_id, "title": decision.title}
            )
        self.stdout.write(
            ngettext(
                "%(count)s decision adopted by silence procedure",
                "%(count)s decisions adopted by silence procedure",
                len(adopted),
            )
            % {"count": len(adopted)}
        )
