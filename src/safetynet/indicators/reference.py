"""The default indicator catalogue and targets shipped with the product (`data/*.csv`), loaded by the
data migration and re-read by tests."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")


def rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        yield from csv.DictReader(line for line in handle if not line.startswith("#"))


def load(apps: Any) -> None:
    Indicator = apps.get_model("indicators", "Indicator")
    Target = apps.get_model("indicators", "Target")
    for row in rows("catalogue.csv"):
        Indicator.objects.get_or_create(
            code=row["code"],
            defaults={
                "order": int(row["order"]),
                "name": row["name"],
                "source": row["source"],
                "method": row["method"],
                "params": json.loads(row["params"]),
                "numerator": row["numerator"],
                "denominator": row["denominator"],
                "period": row["period"],
                "unit": row["unit"],
                "direction": row["direction"],
                "catalogue": row["catalogue"] == "yes",
                "reference": row["reference"],
            },
        )
    for row in rows("targets.csv"):
        indicator = Indicator.objects.get(code=row["code"])
        first, last = (int(y) for y in row["plan_years"].split("-"))
        for year in range(first, last + 1):
            Target.objects.get_or_create(
                indicator=indicator,
                area=None,
                plan_year=year,
                defaults={"value": Decimal(row["value"]), "source": row["source"]},
            )
