"""``sideline documents check``: stored meeting documents against their recorded digests."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sideline.meetings.models import Document

_CHUNK = 1 << 20
"""Files are hashed a mebibyte at a time: uploads may be large, memory is not."""


def _minutes(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a whole number of minutes") from None
    if not 0 <= number <= 10**7:
        raise ArgumentTypeError(f"{value} is not from 0 to 10000000 minutes")
    return number


class Command(BaseCommand):
    help = (
        "Check every stored meeting document against the SHA-256 the record holds for it: "
        "report files that are missing or altered (exit status 1), and files that no "
        "document owns (left by an upload whose transaction was rolled back), which "
        "--sweep-orphans deletes."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="check the stored files; change nothing by default")
        check.add_argument(
            "--sweep-orphans",
            action="store_true",
            help="delete files no document owns (only those older than --older-than)",
        )
        check.add_argument(
            "--older-than",
            type=_minutes,
            default=60,
            metavar="MINUTES",
            help="an orphan must be at least this old, so an upload in progress is left "
            "alone (default 60)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.MEDIA_ROOT)
        owned: set[str] = set()
        bad = 0
        checked = 0
        for document in Document.objects.order_by("pk").iterator():
            name = str(document.file.name)
            owned.add(os.path.normpath(name))
            path = root / name
            checked += 1
            try:
                digest = _sha256(path)
            except FileNotFoundError:
                bad += 1
                self.stdout.write(f"MISSING {name} (document {document.uid}: {document.title})")
                continue
            except OSError as error:
                raise CommandError(
                    _("%(path)s: cannot read: %(error)s") % {"path": path, "error": error}
                ) from None
            if digest != document.sha256:
                bad += 1
                self.stdout.write(
                    f"ALTERED {name} (document {document.uid}: {document.title}): "
                    f"SHA-256 {digest}, the record says {document.sha256}"
                )
        cutoff = dt.datetime.now(dt.UTC).timestamp() - 60 * options["older_than"]
        orphans = [p for p in _files(root / "meetings") if _relative(p, root) not in owned]
        swept = 0
        for path in orphans:
            old = path.stat().st_mtime <= cutoff
            if options["sweep_orphans"] and old:
                path.unlink()
                swept += 1
                self.stdout.write(f"DELETED orphan {_relative(path, root)}")
            else:
                # The line's first word stays English: scripts look for it.
                note = "" if old else " " + _("(too recent to sweep)")
                self.stdout.write(f"ORPHAN {_relative(path, root)}{note}")
        self.stdout.write(
            _(
                "%(checked)s documents checked: %(intact)s intact, %(bad)s missing or altered; "
                "%(orphans)s orphan files, %(swept)s deleted"
            )
            % {
                "checked": checked,
                "intact": checked - bad,
                "bad": bad,
                "orphans": len(orphans),
                "swept": swept,
            }
        )
        if bad:
            raise CommandError(
                _(
                    "%(bad)s document file(s) missing or altered: restore them from a backup; "
                    "their digests are in the signed record"
                )
                % {"bad": bad},
                returncode=1,
            )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _relative(path: Path, root: Path) -> str:
    return os.path.normpath(path.relative_to(root).as_posix())
