from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from safetynet.core.crypto import KeyRing, MissingKeyError
from safetynet.people.models import Person

pytestmark = pytest.mark.django_db


def stored_key_ids() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id FROM people_person WHERE national_id <> ''")
        return {row[0].split(":")[1] for row in cursor.fetchall()}


def test_it_reencrypts_every_row_with_the_new_active_key(settings) -> None:  # type: ignore[no-untyped-def]
    old_ring: KeyRing = settings.FIELD_KEYS
    before = {p.pk: (p.national_id, p.phones, p.address) for p in Person.objects.all()}
    out = io.StringIO()
    call_command("rotate_keys", "--new-key", "k9", stdout=out)
    new_ring = KeyRing.parse(out.getvalue())
    assert new_ring.active_id == "k9"
    with override_settings(FIELD_KEYS=new_ring):
        call_command("rotate_keys", stdout=io.StringIO())
        assert stored_key_ids() == {"k9"}
        after = {p.pk: (p.national_id, p.phones, p.address) for p in Person.objects.all()}
        assert after == before
        # The blind index does not change with rotation: search still works.
        some = next(p for p in Person.objects.all() if p.national_id)
        assert Person.objects.with_national_id(some.national_id).get() == some
    only_old_keys = KeyRing.parse(old_ring.serialize())
    with override_settings(FIELD_KEYS=only_old_keys), pytest.raises(MissingKeyError, match="k9"):
        Person.objects.exclude(national_id_index="").first()
