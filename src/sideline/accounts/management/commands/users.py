"""``sideline users add|role|disable``: people, their organization and role."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sideline.accounts.enums import Role
from sideline.accounts.errors import AccountError
from sideline.accounts.services import create_person, disable_person, set_role

PASSWORD_VARIABLE = "SIDELINE_NEW_PASSWORD"


class Command(BaseCommand):
    help = "Add people, change their role, or disable them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{add,role,disable}")
        add = actions.add_parser(
            "add",
            help=f"add a person; the password comes from ${PASSWORD_VARIABLE}, "
            "else the account waits for `sideline changepassword`",
        )
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument(
            "--organization", help="organization slug (required for viewer, delegate, signatory)"
        )
        add.add_argument("--email", default="")
        add.add_argument(
            "--focal-point", action="store_true", help="names and approves the delegation"
        )
        role = actions.add_parser("role", help="change a person's role (and organization)")
        role.add_argument("username")
        role.add_argument("role", choices=Role.values)
        role.add_argument("--organization", help="move the person to this organization")
        focal = role.add_mutually_exclusive_group()
        focal.add_argument("--focal-point", dest="focal_point", action="store_true", default=None)
        focal.add_argument("--no-focal-point", dest="focal_point", action="store_false")
        disable = actions.add_parser(
            "disable", help="disable a person's login and revoke their tokens"
        )
        disable.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "add":
                password = os.environ.get(PASSWORD_VARIABLE) or None
                person = create_person(
                    username=options["username"],
                    email=options["email"],
                    organization=options["organization"],
                    role=options["role"],
                    password=password,
                    focal_point=options["focal_point"],
                )
                self.stdout.write(_("added %(person)s") % {"person": person})
                if password is None:
                    self.stdout.write(
                        _("no password set; run `sideline changepassword %(username)s`")
                        % {"username": options["username"]}
                    )
            elif action == "role":
                person = set_role(
                    username=options["username"],
                    role=options["role"],
                    organization=options["organization"],
                    focal_point=options["focal_point"],
                )
                self.stdout.write(_("changed %(person)s") % {"person": person})
            else:
                person = disable_person(username=options["username"])
                self.stdout.write(
                    _("disabled %(username)s; their tokens are revoked")
                    % {"username": person.user.get_username()}
                )
        except AccountError as error:
            raise CommandError(error.message, returncode=2) from None
