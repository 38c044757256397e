"""Import persons: `safetynet import persons FILE`."""

from __future__ import annotations

from typing import Any

from safetynet.core.imports import Importer, Row
from safetynet.geo.models import Town
from safetynet.people import services
from safetynet.people.models import Registry
from safetynet.people.services import PersonData, RegistryRow

SEX = {"M": "M", "F": "F", "X": "X", "男": "M", "女": "F", "男性": "M", "女性": "F"}


def town_lookup() -> dict[str, Town]:
    """Towns by 8-digit code and by full name (嘉義縣朴子市); bare names repeat across counties."""
    towns = list(Town.objects.select_related("county"))
    return {t.code: t for t in towns} | {t.full_name: t for t in towns}


def persons_importer() -> Importer:
    towns = town_lookup()
    seen_ids: dict[str, int] = {}

    def parse(row: Row) -> Any:
        name = row.text("name", required=True)
        raw_sex = row.text("sex", required=True)
        sex = SEX.get(raw_sex.upper())
        if raw_sex and sex is None:
            row.problem("sex", "expected M, F, X, 男 or 女")
        birth_date = row.date("birth_date")
        national_id = row.national_id("national_id")
        if national_id:
            if national_id in seen_ids:
                row.problem("national_id", f"same national ID as row {seen_ids[national_id]}")
            seen_ids[national_id] = row.number
        town = None
        if row.text("town"):
            town = towns.get(row.text("town").replace("台", "臺"))
            if town is None:
                row.problem("town", "unknown town: give the 8-digit code or the full name (嘉義縣朴子市)")
        phones = [p for p in row.text("phones").replace("，", ",").split(",") if p.strip()]
        return PersonData(name, sex or "X", birth_date, national_id, phones, town, row.text("address"))

    return Importer(
        columns=["name", "sex"],
        optional=["birth_date", "national_id", "phones", "town", "address"],
        parse=parse,
        write=services.register_person,
    )


def registry_importer(source: str = "") -> Importer:
    """`safetynet import registry FILE`: extracts of 精照 (psychiatric), 自殺通報 (suicide), 藥癮 (drug)."""

    def parse(row: Row) -> Any:
        registry = row.text("registry", required=True).lower()
        if registry and registry not in Registry.values:
            row.problem("registry", f"expected one of {', '.join(Registry.values)}")
        national_id = row.national_id("national_id", required=True)
        level = row.integer("level", minimum=1)
        if registry == Registry.PSYCHIATRIC and level is not None and level > 5:
            row.problem("level", "psychiatric care levels are 1 to 5")
        return RegistryRow(
            registry=registry,
            national_id=national_id,
            name=row.text("name"),
            birth_date=row.date("birth_date"),
            level=level,
            event_date=row.date("event_date"),
            source=source,
        )

    return Importer(
        columns=["registry", "national_id"],
        optional=["name", "birth_date", "level", "event_date"],
        parse=parse,
        write=services.record_registry_entry,
    )
