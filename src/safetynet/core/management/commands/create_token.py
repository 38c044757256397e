"""`safetynet create-token USERNAME [--scope S …] [--days N]`: print a new API token, once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetynet.core.errors import DomainError
from safetynet.core.tokens import DEFAULT_DAYS, SCOPES, issue_token


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is stored hashed and cannot be shown again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--scope", action="append", choices=sorted(SCOPES), help="repeat for several")
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS)
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        scopes = options["scope"] or sorted(SCOPES)
        try:
            _, token = issue_token(user, scopes=scopes, days=options["days"], name=options["name"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(token)
