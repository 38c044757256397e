"""Default roles (DOMAIN §2), shipped as data: administrators edit names and caseload standards."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


def load_roles(role_model: Any, group_model: Any) -> None:
    with (DATA / "roles.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            group, _ = group_model.objects.get_or_create(name=f"role:{row['code']}")
            standard = int(row["caseload_standard"]) if row["caseload_standard"] else None
            role_model.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "name_en": row["name_en"],
                    "kind": row["kind"],
                    "caseload_standard": standard,
                    "group": group,
                },
            )
