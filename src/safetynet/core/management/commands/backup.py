"""`safetynet backup FILE [--force] [--quiet]`: the whole database, encrypted, in one file.

The file is sealed with a key derived from the active key of SAFETYNET_FIELD_KEYS: keep that key ring
(or at least its key) as long as the backup, and apart from it. See `safetynet.core.backup`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetynet.core.backup import BackupError, backup, summary


class Command(BaseCommand):
    help = "Write the whole database, as one consistent snapshot, to an encrypted backup file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
        parser.add_argument("--quiet", action="store_true", help="print nothing when it works")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup(options["file"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if not options["quiet"]:
            self.stdout.write(f"backup written to {result.path} (sha256 {result.sha256})")
            for line in summary(result.counts, result.size, result.seconds):
                self.stdout.write(line)
