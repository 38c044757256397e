"""The figures other agencies reported to the demo counties, entered as reported values through the
indicator services: seed 001's strategy-4 tables (嘉義市 教育處), and the targets it names.

Seed 001 (嘉義市) prints, for 學年度 107/108/109: 中輟 11/10/9, 復學 7/7/7, 復學率 66.67/70.00/77.78%,
中輟率 0.06/0.04/0.05%; its strategy-4 KPI table gives current values for 108-110 and targets for 110
and 114. The counts are entered as reported with the printed rates beside them, so the engine computes
7 ÷ 11 = 63.64% for 107 and notes that the printed 66.67% does not follow from its own counts.
The checkpoint of 嘉義縣's 110 staffing is seed 000's guidance visit (110-11-24).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from safetynet.demo.caseloads import CHECKPOINT
from safetynet.domain.indicators import period_of
from safetynet.geo.models import County
from safetynet.indicators import services
from safetynet.workforce import services as workforce

CITY, COUNTY = "10020", "10010"
EDUCATION = "嘉義市政府教育處（seed 001 策略四）"
REPORTED_ON = datetime.date(2021, 11, 30)  # seed 001 was compiled in late 110-11

# code → (period kind, {year: (numerator, denominator, printed rate)})
REPORTED: dict[str, tuple[str, dict[int, tuple[int | None, int | None, str | None]]]] = {
    "DROPOUT_RETURN": (
        "school_year",
        {107: (7, 11, "0.6667"), 108: (7, 10, "0.7000"), 109: (7, 9, "0.7778")},
    ),
    "DROPOUT_RATE": (
        "school_year",
        {107: (11, None, "0.0006"), 108: (10, None, "0.0004"), 109: (9, None, "0.0005")},
    ),
    "CAREER_ORIENTATION": (
        "year",
        {108: (None, None, "0.66"), 109: (None, None, "0.50"), 110: (None, None, "0.77")},
    ),
    "SEXPLOIT_EDU": ("school_year", {108: (None, None, "1"), 109: (None, None, "1"), 110: (None, None, "1")}),
    "COUNSELOR_HIRE": (
        "year",
        {108: (None, None, "0.857"), 109: (None, None, "0.86"), 110: (None, None, "1")},
    ),
}
# Seed 001's 績效目標值 for 110 and 114.
TARGETS = {
    "DROPOUT_RETURN": {110: "0.86", 114: "0.88"},
    "CAREER_ORIENTATION": {110: "0.65", 114: "0.70"},
    "SEXPLOIT_EDU": {114: "0.70"},
    "COUNSELOR_HIRE": {110: "0.81", 114: "0.83"},
}


def load(by: Any) -> int:
    """Enter seed 001's reported figures and targets, and seed 000's checkpoint; the count entered."""
    counties = County.objects.in_bulk([CITY, COUNTY])
    entered = 0
    if COUNTY in counties:
        workforce.set_checkpoint(
            counties[COUNTY], 110, CHECKPOINT, source="seed 000：行政輔導訪視日 110年11月24日"
        )
    city = counties.get(CITY)
    if city is None:
        return entered
    for code, (kind, years) in REPORTED.items():
        indicator = services.indicator_of(code)
        for year, (numerator, denominator, printed) in years.items():
            services.record_reported_value(
                indicator,
                city,
                period_of(kind, year),
                numerator=None if numerator is None else Decimal(numerator),
                denominator=None if denominator is None else Decimal(denominator),
                value=None if printed is None else Decimal(printed),
                source=EDUCATION,
                reported_on=REPORTED_ON,
                by=by,
            )
            entered += 1
    for code, targets in TARGETS.items():
        indicator = services.indicator_of(code)
        for year, target in targets.items():
            services.set_target(indicator, city, year, Decimal(target), source="seed 001 績效目標值")
    return entered
