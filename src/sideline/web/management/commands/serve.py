"""``sideline serve``: run the web application on every core.

waitress serves from threads in one process, and Python runs one thread at a time, so one
process uses one core however many threads it has. ``serve`` therefore binds the socket once
and forks one waitress process per core (``--processes``), each accepting from that socket
with its own threads and database connections: the pre-fork model of gunicorn, kept here
because waitress refuses a body over its limit before buffering it, which gunicorn does not.
A process that dies is replaced; Ctrl+C or SIGTERM stops them all.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sideline.node import NodeError, configured_organizations
from sideline.record.services import default_host_with_peers

# Each thread holds a database connection; beyond this a node runs out of them first.
MAX_THREADS = 256
MAX_PROCESSES = 64


def default_processes() -> int:
    """Return the number of cores this process may run on (``os.cpu_count`` without affinity)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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
        parser.add_argument(
            "--threads", type=int, default=8, help="worker threads per process (default 8)"
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="server processes (default: one per core of the machine)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        if not 0 < port < 65536:
            raise CommandError(
                _("--port: %(port)s is not a port number (1–65535)") % {"port": port},
                returncode=2,
            )
        # Zero threads would accept connections and never answer them.
        if not 1 <= options["threads"] <= MAX_THREADS:
            raise CommandError(
                _("--threads: %(threads)s is not from 1 to %(most)s")
                % {"threads": options["threads"], "most": MAX_THREADS},
                returncode=2,
            )
        processes = default_processes() if options["processes"] is None else options["processes"]
        if not 1 <= processes <= MAX_PROCESSES:
            raise CommandError(
                _("--processes: %(processes)s is not from 1 to %(most)s")
                % {"processes": processes, "most": MAX_PROCESSES},
                returncode=2,
            )
        if processes > 1 and not hasattr(os, "fork"):
            processes = 1
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError(_("the database is not set up; run “sideline init” first"))
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
            self.stdout.write(_("Sideline (development mode) at %(url)s") % {"url": url})
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
            listener = socket.create_server(
                (host, port),
                family=socket.AF_INET6 if ":" in host else socket.AF_INET,
                backlog=1024,
            )
        except OSError as error:
            raise CommandError(
                _("cannot listen on %(address)s: %(error)s; give another --host or --port")
                % {"address": f"{shown}:{port}", "error": error.strerror or error}
            ) from None

        def run() -> None:
            server = create_server(
                application,
                sockets=[listener],
                threads=options["threads"],
                ident="sideline",
                max_request_body_size=largest_body,
            )
            server.run()

        self.stdout.write(
            ngettext(
                "Sideline is serving at %(url)s with %(processes)s process of %(threads)s "
                "threads (Ctrl+C to stop)",
                "Sideline is serving at %(url)s with %(processes)s processes of %(threads)s "
                "threads (Ctrl+C to stop)",
                processes,
            )
            % {"url": url, "processes": processes, "threads": options["threads"]}
        )
        self.stdout.flush()
        if processes == 1:
            follower = self._start_follower()
            try:
                run()
            finally:
                if follower is not None:
                    follower.shutdown()
            return
        self._prefork(run, processes)

    def _prefork(self, run: Any, processes: int) -> None:
        # A connection opened before the fork would be shared by every child.
        connections.close_all()
        children: set[int] = set()
        stopping = False

        stopping_signals = {signal.SIGINT, signal.SIGTERM}

        def start() -> None:
            # Held back across the fork: a child must not run the parent's handler.
            signal.pthread_sigmask(signal.SIG_BLOCK, stopping_signals)
            pid = os.fork()
            if pid == 0:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, stopping_signals)
                code = 0
                try:
                    run()
                except KeyboardInterrupt:
                    pass
                except BaseException:  # reported, then the parent replaces it
                    import traceback

                    traceback.print_exc()
                    code = 1
                finally:
                    os._exit(code)
            children.add(pid)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, stopping_signals)

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        for _number in range(processes):
            start()
        # One follower for the node, in the parent, started after the children: a thread
        # is never carried into a forked child, and the children only serve requests.
        follower = self._start_follower()
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            children.discard(pid)
            if not stopping:
                self.stderr.write(f"server process {pid} ended ({status}); starting another")
                start()
        if follower is not None:
            follower.shutdown()
        sys.stdout.flush()

    def _start_follower(self) -> Any:
        """Run the federation's follower beside the server unless it runs on its own."""
        from django.conf import settings

        if not settings.FEDERATION.follower:
            return None
        from sideline.record.follower import Follower

        follower = Follower()
        follower.start_in_background()
        return follower
