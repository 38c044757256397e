"""The shipped service categories (`data/categories.csv`: DOMAIN §8's referral categories first), loaded
at migrate time, editable after in the admin (names, response days, order, active)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


def load_categories(model: Any) -> None:
    with (DATA / "categories.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            model.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "description": row["description"],
                    "response_days": int(row["response_days"]),
                    "order": int(row["order"]),
                },
            )
