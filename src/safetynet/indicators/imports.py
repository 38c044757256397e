"""`safetynet import reported FILE [--by USERNAME]`: figures other agencies reported, from CSV or XLSX.

Columns: code, area, period (year | school_year), year (ROC), numerator, denominator, value, source,
reported_on (ROC or ISO date); note is optional. `value` is the printed figure: a rate as printed
in percent (66.67 or 66.67%, stored as 0.6667), other units as they are. `period` must be the
indicator's own (DROPOUT_RETURN counts by school year): a figure for another period would never be
read. A later row for the same indicator, area and period replaces the earlier one, as on the page.

Who entered the rows: `--by USERNAME`, else the first superuser, else the first active
administrator account (the demo's `admin`): the services record a person for every reported figure.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from safetynet.core.imports import Importer, ImportFailed, Problem, Row
from safetynet.geo.models import County
from safetynet.indicators import engine, services
from safetynet.indicators.models import Indicator, Unit
from safetynet.org.models import AccessKind

COLUMNS = [
    "code",
    "area",
    "period",
    "year",
    "numerator",
    "denominator",
    "value",
    "source",
    "reported_on",
]
OPTIONAL = ["note"]
HUNDRED = Decimal(100)
NUMBER = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(%?)\s*$")


def entered_by(username: str | None) -> Any:
    """The account the imported rows are entered by (see the module's docstring)."""
    users = get_user_model().objects.filter(is_active=True)
    if username:
        found = users.filter(username=username).first()
        if found is None:
            raise ImportFailed([Problem(0, "--by", f"no active account {username!r}")])
        return found
    found = (
        users.filter(is_superuser=True).order_by("pk").first()
        or users.filter(Q(staff__role__kind=AccessKind.ADMIN), staff__left_on__isnull=True)
        .order_by("pk")
        .first()
    )
    if found is None:
        raise ImportFailed([Problem(0, "--by", "no superuser or administrator: give --by USERNAME")])
    return found


def _number(row: Row, column: str, *, percent: bool = False) -> Decimal | None:
    text = row.text(column).replace(",", "")
    if not text:
        return None
    match = NUMBER.match(text)
    if match is None or (match.group(2) and not percent):
        row.problem(column, f"not a number: {text!r}")
        return None
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:
        row.problem(column, f"not a number: {text!r}")
        return None
    if percent:
        if number > HUNDRED:
            row.problem(column, "a rate is between 0 and 100 (%)")
            return None
        return number / HUNDRED
    return number


def reported_importer(source: str = "", *, by: str | None = None) -> Importer:
    user = entered_by(by)
    indicators = {i.code: i for i in Indicator.objects.all()}
    counties = {c.code: c for c in County.objects.all()} | {c.name: c for c in County.objects.all()}
    note = f"匯入：{source}" if source else ""

    def parse(row: Row) -> dict[str, Any]:
        code = row.text("code", required=True)
        indicator: Indicator | None = indicators.get(code)
        if code and indicator is None:
            row.problem("code", f"unknown indicator {code!r}")
        area = counties.get(row.text("area", required=True).replace("台", "臺"))
        if row.text("area") and area is None:
            row.problem("area", "unknown county: give its 5-digit code or name")
        kind = row.text("period", required=True)
        if kind and kind not in ("year", "school_year"):
            row.problem("period", "year or school_year")
        elif (
            kind
            and indicator is not None
            and kind != ("school_year" if indicator.period == "school_year" else "year")
        ):
            row.problem("period", f"{indicator.code} counts by {indicator.period}")
        year = row.integer("year", required=True, minimum=1)
        if year is not None and not 1 <= year <= 300:
            row.problem("year", "a ROC year, e.g. 110")
        numerator, denominator = _number(row, "numerator"), _number(row, "denominator")
        value = _number(row, "value", percent=indicator is not None and indicator.unit == Unit.RATE)
        row.text("source", required=True)
        reported_on = row.date("reported_on", required=True)
        return {
            "indicator": indicator,
            "area": area,
            "year": year,
            "numerator": numerator,
            "denominator": denominator,
            "value": value,
            "source": row.text("source"),
            "reported_on": reported_on,
            "note": row.text("note") or note,
        }

    def write(plan: dict[str, Any]) -> None:
        indicator: Indicator = plan.pop("indicator")
        services.record_reported_value(
            indicator,
            plan.pop("area"),
            engine.period_for(indicator, plan.pop("year")),
            by=user,
            **plan,
        )

    return Importer(columns=COLUMNS, optional=OPTIONAL, parse=parse, write=write)
