"""`safetynet rotate-keys`: re-encrypt every encrypted field with the active key.

Rotation: `safetynet rotate-keys --new-key` prints a key ring with a fresh key first; put it in
SAFETYNET_FIELD_KEYS (or the dev key file), run `safetynet rotate-keys`, then drop the old key.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from safetynet.core.crypto import KeyRingError
from safetynet.core.fields import EncryptedTextField


def encrypted_fields() -> list[tuple[Any, list[str]]]:
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the active key of SAFETYNET_FIELD_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new-key",
            metavar="ID",
            nargs="?",
            const="",
            default=None,
            help="print the key ring with a new active key (id ID) and change nothing",
        )
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        ring = settings.FIELD_KEYS
        if options["new_key"] is not None:
            new_id = options["new_key"] or next(
                f"k{n}" for n in range(1, 1000) if f"k{n}" not in ring.key_ids
            )
            try:
                self.stdout.write(ring.with_new_active_key(new_id).serialize())
            except KeyRingError as exc:
                raise CommandError(str(exc)) from exc
            return
        total = 0
        for model, names in encrypted_fields():
            total += self.rotate_model(model, names, options["batch"])
        self.stdout.write(f"re-encrypted {total} rows with key '{ring.active_id}'")

    def rotate_model(self, model: Any, names: list[str], batch: int) -> int:
        """Decrypt with whatever key wrote each value, write back under the active key."""
        done = 0
        last_pk = 0
        while True:
            with transaction.atomic():
                rows = list(model.objects.filter(pk__gt=last_pk).order_by("pk")[:batch])
                if not rows:
                    return done
                model.objects.bulk_update(rows, names)  # get_prep_value encrypts with the active key
                done += len(rows)
                last_pk = rows[-1].pk
