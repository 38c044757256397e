"""The shipped alert rules (`data/alert_rules.csv`), loaded at migrate time, editable after by
administrators (`/audit/alerts/rules/`)."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


def load_alert_rules(model: Any) -> None:
    """Each kind's shipped row, for the kinds not yet in the table (a county's edits are kept)."""
    with (DATA / "alert_rules.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            model.objects.get_or_create(
                kind=row["kind"],
                defaults={
                    "threshold": int(row["threshold"]),
                    "window": int(row["window"]),
                    "window_unit": row["window_unit"],
                    "day_starts": datetime.time.fromisoformat(row["day_starts"]),
                    "day_ends": datetime.time.fromisoformat(row["day_ends"]),
                    "active": row["active"].strip().lower() == "true",
                },
            )
