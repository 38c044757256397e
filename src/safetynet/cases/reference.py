"""The shipped follow-up frequencies (`data/follow_up_rules.csv`), loaded at migrate time, editable after."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


def load_follow_up_rules(model: Any) -> None:
    with (DATA / "follow_up_rules.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            model.objects.update_or_create(
                route=row["route"],
                risk_level=row["risk_level"],
                task=row["task"],
                defaults={"interval_days": int(row["interval_days"]), "note": row["note"]},
            )
