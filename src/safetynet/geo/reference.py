"""Loads the shipped reference data (counties, towns, populations) into the database.

Called from a data migration and safe to run again: rows are upserted by code.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load(county_model: Any, town_model: Any) -> None:
    for row in rows("counties.csv"):
        county_model.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "name_en": row["name_en"]}
        )
    for row in rows("towns.csv"):
        town_model.objects.update_or_create(
            code=row["code"],
            defaults={"county_id": row["county_code"], "name": row["name"], "kind": row["kind"]},
        )
    for row in rows("population.csv"):
        town_model.objects.filter(code=row["town_code"]).update(
            population=int(row["population"]),
            population_as_of=datetime.date.fromisoformat(row["as_of"]),
        )
