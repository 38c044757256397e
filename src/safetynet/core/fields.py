"""A model field whose value is encrypted at rest with the key ring of `settings.FIELD_KEYS`.

The column holds `v1:<key id>:<ciphertext>`; the model instance holds the plain text. The field's
own identity (app.Model.field) is bound into every ciphertext, so a value copied into another column
does not decrypt. Encrypted columns cannot be searched: pair them with a blind-index column.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from safetynet.core.crypto import KeyRing


def key_ring() -> KeyRing:
    ring: KeyRing = settings.FIELD_KEYS
    return ring


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    def contribute_to_class(self, cls: type[models.Model], name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only)
        self.context = f"{cls._meta.label}.{name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return key_ring().decrypt(value, context=self.context)

    def get_prep_value(self, value: Any) -> str | None:
        text: str | None = super().get_prep_value(value)
        if text is None or text == "":
            return text
        return key_ring().encrypt(text, context=self.context)

    def get_lookup(self, lookup_name: str) -> Any:
        # Comparing ciphertexts is meaningless (every encryption differs): only null checks are allowed.
        if lookup_name not in {"isnull"}:
            return None
        return super().get_lookup(lookup_name)


def blind_index(value: str, *, context: str) -> str:
    return key_ring().blind_index(value, context=context)


def check_keys() -> list[str]:
    """Problems reading encrypted columns with the configured keys: one line each, no values.

    Reads the oldest and newest row of every encrypted column, the rows most likely to carry a
    retired or a replaced key (for example a development key file generated anew).
    """
    from django.apps import apps
    from django.db import DatabaseError

    from safetynet.core.crypto import DecryptionError, KeyRingError

    problems = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        for order in ("pk", "-pk"):
            if not names:
                break
            try:
                list(model._default_manager.order_by(order).values_list(*names)[:1])
            except (KeyRingError, DecryptionError) as exc:
                problems.append(f"{model._meta.label}: {exc}")
                break
            except DatabaseError:  # not migrated yet: nothing stored to read
                break
    return problems
