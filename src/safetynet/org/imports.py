"""Import staff: `safetynet import staff FILE`."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from safetynet.core.imports import Importer, Row
from safetynet.org import services
from safetynet.org.models import Role, Staff, Unit


def staff_importer() -> Importer:
    units: dict[str, list[Unit]] = {}
    for unit in Unit.objects.all():
        units.setdefault(unit.name, []).append(unit)
    roles = {r.code: r for r in Role.objects.all()} | {r.name: r for r in Role.objects.all()}

    def parse(row: Row) -> Any:
        name = row.text("name", required=True)
        matches = units.get(row.text("unit", required=True), [])
        if row.text("unit") and len(matches) != 1:
            row.problem("unit", "unknown unit" if not matches else "several units have this name")
        role = roles.get(row.text("role", required=True))
        if row.text("role") and role is None:
            row.problem("role", "unknown role: give its code (mhsw) or name (心理衛生社工)")
        hired_on = row.date("hired_on", required=True)
        extension = row.text("phone_extension")
        if extension and not (extension.isascii() and extension.isdigit() and len(extension) <= 10):
            row.problem("phone_extension", "digits only, at most 10")
        left_on = row.date("left_on")
        if hired_on and left_on and left_on < hired_on:
            row.problem("left_on", "before hired_on")
        supervisor = None
        if row.text("supervisor") and len(matches) == 1:
            found = list(
                Staff.objects.filter(
                    Q(name=row.text("supervisor")),
                    Q(unit__county_id=matches[0].county_id),
                    Q(left_on__isnull=True),
                )[:2]
            )
            if len(found) != 1:
                row.problem("supervisor", "no single current staff member of the county has this name")
            else:
                supervisor = found[0]
        return {
            "name": name,
            "unit": matches[0] if len(matches) == 1 else None,
            "role": role,
            "hired_on": hired_on,
            "left_on": left_on,
            "supervisor": supervisor,
            "phone_extension": row.text("phone_extension"),
        }

    def write(plan: dict[str, Any]) -> Staff:
        left_on = plan.pop("left_on")
        staff = services.hire_staff(**plan)
        if left_on:
            services.end_employment(staff, left_on=left_on)
        return staff

    return Importer(
        columns=["name", "unit", "role", "hired_on"],
        optional=["left_on", "supervisor", "phone_extension"],
        parse=parse,
        write=write,
    )
