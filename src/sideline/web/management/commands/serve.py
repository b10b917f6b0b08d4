"""``sideline serve``: run the web application."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sideline.node import NodeError, configured_organizations
from sideline.record.services import default_host_with_peers

# Each thread holds a database connection; beyond this a node runs out of them first.
MAX_THREADS = 256


class Command(BaseCommand):
    help = "Serve Sideline over HTTP (waitress; --dev uses Django's auto-reloading development server with debug on)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="port to listen on (default 8000)"
        )
        parser.add_argument(
            "--dev", action="store_true", help="debug mode with auto-reload; never in production"
        )
        parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"--port: {port} is not a port number (1–65535)", returncode=2)
        # Zero threads would accept connections and never answer them.
        if not 1 <= options["threads"] <= MAX_THREADS:
            raise CommandError(
                f"--threads: {options['threads']} is not from 1 to {MAX_THREADS}", returncode=2
            )
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("the database is not set up; run “sideline init” first")
        try:
            # A code the registry lacks is one line now rather than an error at each write.
            configured_organizations()
        except NodeError as error:
            raise CommandError(error.message, returncode=2) from None
        refusal = default_host_with_peers()
        if refusal is not None:
            raise CommandError(refusal, returncode=2)
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        if options["dev"]:
            self.stdout.write(f"Sideline (development mode) at {url}")
            call_command("runserver", f"{shown}:{port}")
            return
        from django.conf import settings
        from waitress.server import create_server

        from sideline.web.limits import MULTIPART_ALLOWANCE
        from sideline.wsgi import application

        # waitress buffers a body before Django sees it, up to 1 GiB unless told otherwise.
        largest_body = max(
            settings.SIDELINE_MAX_BODY_BYTES,
            settings.SIDELINE_MAX_UPLOAD_BYTES + MULTIPART_ALLOWANCE,
        )
        try:
            server = create_server(
                application,
                host=host,
                port=port,
                threads=options["threads"],
                ident="sideline",
                max_request_body_size=largest_body,
            )
        except OSError as error:
            raise CommandError(
                f"cannot listen on {shown}:{port}: {error.strerror or error}; "
                "give another --host or --port"
            ) from None
        self.stdout.write(f"Sideline is serving at {url} (Ctrl+C to stop)")
        self.stdout.flush()
        follower = self._start_follower()
        try:
            server.run()
        finally:
            if follower is not None:
                follower.shutdown()

    def _start_follower(self) -> Any:
        """Run the federation's follower beside the server unless it runs on its own."""
        from django.conf import settings

        if not settings.FEDERATION.follower:
            return None
        from sideline.record.follower import Follower

        follower = Follower()
        follower.start_in_background()
        return follower
