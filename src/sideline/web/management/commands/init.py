"""``sideline init``: create the database, load the bundled dataset, seed the demo."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from sideline.registry.services import load_package
from sideline.web.demo import seed_demo


class Command(BaseCommand):
    help = "Create or upgrade the database, load the bundled dataset and seed a demo year. Safe to run again."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-demo", action="store_true", help="load the dataset only, without the demo"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stderr.write
        say(f"data directory: {settings.DATA_DIR}")
        say("migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        say("loading the bundled dataset…")
        summary = load_package(progress=lambda step: say(f"  {step}"))
        self.stdout.write(f"registry: {summary}")
        if not options["no_demo"]:
            seed_demo(say=say)
        self.stdout.write(self.style.SUCCESS("ready: run “sideline serve”"))
