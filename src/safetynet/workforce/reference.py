"""The workforce data shipped with the product: plan phases and strategies, budget programmes and
required courses, read from `data/*.csv` by the data migration (and by tests)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")


def rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        yield from csv.DictReader(line for line in handle if not line.startswith("#"))


def load(apps: Any) -> None:
    PlanPhase = apps.get_model("workforce", "PlanPhase")
    Strategy = apps.get_model("workforce", "Strategy")
    Programme = apps.get_model("workforce", "Programme")
    Course = apps.get_model("workforce", "Course")
    Role = apps.get_model("org", "Role")
    for row in rows("phases.csv"):
        phase, _ = PlanPhase.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "first_year": int(row["first_year"]),
                "last_year": int(row["last_year"]),
                "hire_threshold": Decimal(row["hire_threshold"]),
                "deduction_rate": Decimal(row["deduction_rate"]),
                "months_per_person": Decimal(row["months_per_person"]),
            },
        )
        Strategy.objects.get_or_create(
            phase=phase, number=int(row["strategy"]), defaults={"name": row["strategy_name"]}
        )
    for row in rows("programmes.csv"):
        Programme.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"], "cap_unit": row["cap_unit"]}
        )
    for row in rows("courses.csv"):
        course, _ = Course.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "hours": Decimal(row["hours"]),
                "within_days_of_hire": int(row["within_days_of_hire"])
                if row["within_days_of_hire"]
                else None,
                "yearly": row["yearly"] == "yes",
                "source": row["source"],
            },
        )
        course.roles.set(Role.objects.filter(code__in=row["roles"].split()))
