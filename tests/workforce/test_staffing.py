"""Staffing figures of the demo reproduce the customer's own reports (seeds 000 and 001)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from safetynet.geo.models import County
from safetynet.workforce.staffing import hire_rate_summary, staffing_table

pytestmark = pytest.mark.django_db


def test_it_reproduces_chiayi_countys_mental_health_staffing_of_seed_000() -> None:
    table = staffing_table(County.objects.get(code="10010"), 110, datetime.date(2021, 11, 24))
    mhsw = [line for line in table.lines if line.position.role.code == "mhsw"]
    tcsw = [line for line in table.lines if line.position.role.code == "tcsw"]
    assert (sum(x.approved for x in mhsw), sum(x.filled for x in mhsw)) == (9, 7)
    assert (sum(x.approved for x in tcsw), sum(x.filled for x in tcsw)) == (3, 3)


@pytest.mark.parametrize(("year", "total"), [(110, 7), (111, 33), (112, 35), (113, 38), (114, 41)])
def test_it_reproduces_chiayi_citys_strategy_3_plan_of_seed_001(year: int, total: int) -> None:
    table = staffing_table(County.objects.get(code="10020"), year, datetime.date(year + 1911, 12, 31))
    assert sum(line.approved for line in table.lines if line.position.strategy == 3) == total


def test_it_flags_a_hire_rate_under_85_percent() -> None:
    table = staffing_table(County.objects.get(code="10010"), 110, datetime.date(2021, 11, 24))
    mhsw = next(line for line in table.lines if line.position.role.code == "mhsw")
    assert mhsw.rate == Decimal("0.7778")
    assert mhsw.below_threshold


def test_it_summarises_the_latest_plan_year_per_county() -> None:
    tables = hire_rate_summary(["10010", "10020"], datetime.date(2026, 11, 23))
    assert [(t.county.code, t.plan_year) for t in tables] == [("10010", 114), ("10020", 114)]
    assert all(0 < t.filled <= t.approved for t in tables)


def test_it_shows_the_staffing_table_to_the_reviewer_for_each_county(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("reviewer").get("/workforce/", {"area": "10020", "year": "111"})
    assert response.status_code == 200
    assert response.context["table"].approved == sum(
        line.approved for line in response.context["table"].lines
    )
    assert response.context["county"].code == "10020"
    assert as_user("worker").get("/workforce/").status_code == 403
