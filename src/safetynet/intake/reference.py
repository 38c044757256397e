"""The shipped route → unit table (`data/route_services.csv`), loaded at migrate time, editable after."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


def load_route_services(model: Any) -> None:
    with (DATA / "route_services.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            model.objects.update_or_create(
                route=row["route"],
                defaults={
                    "unit_kind": row["unit_kind"],
                    "roles": row["roles"].split(),
                    "by_town": row["by_town"] == "yes",
                },
            )
