"""`safetynet restore FILE [--replace] [--quiet]`: make the database what a backup holds.

All in one transaction: either the whole backup is loaded or nothing changes. A database that holds
records (users, persons, reports, cases) is only emptied with --replace. See `safetynet.core.backup`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetynet.core.backup import BackupError, restore, summary


class Command(BaseCommand):
    help = "Load a backup made by `safetynet backup` into this database, in one transaction."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="empty a database that holds data, then load the backup"
        )
        parser.add_argument("--quiet", action="store_true", help="print nothing when it works")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore(options["file"], replace=options["replace"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if result.chain_break:
            # The backup holds the access log as it was; a break found now was in it already.
            self.stderr.write(f"warning: the restored access log does not verify at {result.chain_break}")
        if not options["quiet"]:
            header = result.header
            self.stdout.write(
                f"restored {result.path} (made {header.get('created_at')} on {header.get('vendor')}, "
                f"sha256 {result.sha256})"
            )
            for line in summary(result.counts, result.size, result.seconds):
                self.stdout.write(line)
            if not result.chain_break:
                self.stdout.write(f"audit chain holds: {result.chain_entries} entries")
