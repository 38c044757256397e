"""Milestones (target against actual, by the measure's source) and required training."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from safetynet.geo.models import County
from safetynet.workforce import services
from safetynet.workforce.milestones import actual_of, milestone_rows
from safetynet.workforce.models import Course, Milestone
from safetynet.workforce.staffing import checkpoint, staffing_table
from safetynet.workforce.training import training_rate, training_report
from tests.workforce.conftest import Plan

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = datetime.date(2026, 11, 20)


def rows_of(code: str) -> dict[int, object]:
    return {
        r.milestone.plan_year: r
        for r in milestone_rows(County.objects.get(code="10010"), TODAY)
        if r.milestone.code == code
    }


def test_it_loads_seed_000s_milestones_for_chiayi_county() -> None:
    found = set(
        Milestone.objects.filter(area_id="10010").values_list("code", "plan_year", "target", "measure")
    )
    assert found == {
        ("mhc_centers", 111, D("1"), "units:mhc"),
        ("mhc_centers", 112, D("2"), "units:mhc"),
        ("mhc_centers", 113, D("2"), "units:mhc"),
        ("mhc_centers", 114, D("3"), "units:mhc"),
        ("strategy3_staff", 114, D("130"), "staff:3"),
        ("followup_coverage", 114, D("0.9"), "indicator:FOLLOWUP_COVERAGE"),
        ("drug_case_managers", 114, D("25"), ""),
    }


def test_it_counts_the_areas_active_units_of_the_kind() -> None:
    rows = rows_of("mhc_centers")
    assert rows[111].actual == 1 and rows[111].met  # type: ignore[attr-defined]
    assert rows[114].actual == 1 and rows[114].met is False  # type: ignore[attr-defined]


def test_it_reads_the_strategys_filled_seats_at_the_checkpoint() -> None:
    county = County.objects.get(code="10010")
    expected = sum(
        line.filled
        for line in staffing_table(county, 114, checkpoint(county, 114, TODAY)).lines
        if line.position.strategy == 3
    )
    row = rows_of("strategy3_staff")[114]
    assert row.actual == expected and row.source == "staff"  # type: ignore[attr-defined]


def test_it_leaves_a_hand_milestone_without_actual_until_one_is_entered(plan: Plan) -> None:
    assert rows_of("drug_case_managers")[114].met is None  # type: ignore[attr-defined]
    milestone = services.record_milestone(
        plan.area, "dcm", 112, name="藥癮個管", target=D("25"), actual=D("26")
    )
    row = actual_of(milestone, TODAY)
    assert (row.actual, row.met, row.source) == (D("26"), True, "hand")


def test_it_asks_the_indicator_engine_for_an_indicator_milestone() -> None:
    pytest.importorskip("safetynet.indicators.engine")
    row = rows_of("followup_coverage")[114]
    assert row.source == "indicator"  # type: ignore[attr-defined]
    assert row.actual is None or D(0) <= row.actual <= D(1)  # type: ignore[attr-defined]


DAY = datetime.date


def _trained(plan: Plan) -> None:
    initial, yearly = Course.objects.get(code="su_initial"), Course.objects.get(code="su_advanced")
    done, late, new = plan.hire(plan.visitors, 3, DAY(2023, 3, 1))
    today = DAY(2024, 6, 1)
    services.record_training(done, initial, completed_on=DAY(2023, 3, 20), hours=D("30"), today=today)
    services.record_training(done, yearly, completed_on=DAY(2023, 9, 1), hours=D("6"), today=today)
    services.record_training(done, yearly, completed_on=DAY(2023, 10, 1), hours=D("2"), today=today)
    # 30 h, but 45 days after hire; and only 4 h of the yearly 8.
    services.record_training(late, initial, completed_on=DAY(2023, 4, 15), hours=D("30"), today=today)
    services.record_training(late, yearly, completed_on=DAY(2023, 9, 1), hours=D("4"), today=today)
    del new  # no training at all
    # Hired on 12/20: the 30 days run into the next year, so the initial course is not owed yet.
    plan.hire(plan.visitors, 1, DAY(2023, 12, 20))
    # Hired before the year: owes only the yearly course, and took it.
    (old,) = plan.hire(plan.mhsw, 1, DAY(2020, 1, 1))
    services.record_training(old, yearly, completed_on=DAY(2023, 5, 5), hours=D("8"), today=today)


def test_it_counts_who_had_to_complete_each_course_and_who_did(plan: Plan) -> None:
    _trained(plan)
    report = training_report(plan.area.code, DAY(2023, 1, 1), DAY(2023, 12, 31))
    counts = {c.course.code: (c.required, c.completed) for c in report.courses}
    assert counts == {"su_initial": (3, 1), "su_advanced": (5, 2)}
    assert (report.completed, report.required) == (2, 5)
    assert training_rate(plan.area.code, DAY(2023, 1, 1), DAY(2023, 12, 31)) == (2, 5)


def test_it_counts_the_sessions_held_in_the_period(plan: Plan) -> None:
    for held_on in (DAY(2023, 3, 1), DAY(2023, 11, 1), DAY(2024, 1, 10)):
        services.record_training_session(plan.area, held_on=held_on, title="訓練", hours=D("3"), attendees=10)
    report = training_report(plan.area.code, DAY(2023, 1, 1), DAY(2023, 12, 31))
    assert (len(report.sessions), report.attendees) == (2, 20)


def test_it_reproduces_seed_001s_six_training_sessions_of_110() -> None:
    report = training_report("10020", DAY(2021, 1, 1), DAY(2021, 12, 31))
    assert len(report.sessions) == 6
    assert report.required > 0 and 0 < report.completed <= report.required
