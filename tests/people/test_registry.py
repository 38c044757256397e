from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safetynet.domain import nationalid
from safetynet.people import services
from safetynet.people.models import RegistryEntry
from safetynet.people.services import PersonData

pytestmark = pytest.mark.django_db


def an_id(digits: str) -> str:
    prefix = "Q1" + digits
    return prefix + str(nationalid.check_digit(prefix))


def test_it_imports_registry_rows_linked_by_blind_index_and_links_persons_registered_later(
    tmp_path: Path,
) -> None:
    before = RegistryEntry.objects.count()  # the demo's own extracts
    known = services.register_person(PersonData("已知", "M", national_id=an_id("8000001")))
    file = tmp_path / "registry.csv"
    file.write_text(
        "registry,national_id,name,birth_date,level,event_date\n"
        f"psychiatric,{an_id('8000001')},已知,1980-01-01,2,113/05/01\n"
        f"suicide,{an_id('8000002').lower()},未知,,,2024-06-30\n",
        encoding="utf-8",
    )
    call_command("import", "registry", str(file), stdout=io.StringIO())
    assert RegistryEntry.objects.for_national_id(an_id("8000001")).get().person == known
    later = services.register_person(PersonData("後來", "M", national_id=an_id("8000002")))
    entry = RegistryEntry.objects.for_national_id(an_id("8000002")).get()
    assert (entry.person, entry.registry, entry.event_date.isoformat()) == (later, "suicide", "2024-06-30")
    call_command("import", "registry", str(file), stdout=io.StringIO())  # the same extract again
    assert RegistryEntry.objects.count() == before + 2


def test_it_refuses_bad_registry_rows_naming_row_and_column(tmp_path: Path) -> None:
    before = RegistryEntry.objects.count()
    file = tmp_path / "registry.csv"
    file.write_text(
        "registry,national_id,level\n"
        f"psychiatric,{an_id('8000003')},7\n"
        f"prison,{an_id('8000004')},\n"
        "drug,A123456788,\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "registry", str(file), stderr=err)
    assert "row 2, column level" in err.getvalue()
    assert "row 3, column registry" in err.getvalue()
    assert "row 4, column national_id: checksum" in err.getvalue()
    assert RegistryEntry.objects.count() == before
