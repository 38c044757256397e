"""Every write to the plan refuses bad input with the field at fault, and saves nothing then."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from safetynet.core.errors import DomainError
from safetynet.org.models import Role
from safetynet.workforce import services
from safetynet.workforce.models import (
    BudgetLine,
    Checkpoint,
    Course,
    Milestone,
    Position,
    Programme,
    TrainingRecord,
    TrainingSession,
    Vacancy,
)
from tests.workforce.conftest import Plan

pytestmark = pytest.mark.django_db

D = Decimal
DAY = datetime.date


def test_it_refuses_a_strategy_the_phase_does_not_have(plan: Plan) -> None:
    before = Position.objects.count()
    with pytest.raises(DomainError) as error:
        services.create_position(
            plan.area,
            plan.unit,
            Role.objects.get(code="mhsw"),
            strategy=5,  # phase 2 (110-114) has strategies 1-4
            category="",
            funding="central",
            approved_by_year={112: 1},
        )
    assert error.value.field == "strategy"
    assert Position.objects.count() == before


def test_it_accepts_a_strategy_of_the_phase_of_its_year(plan: Plan) -> None:
    position = services.create_position(
        plan.area,
        plan.unit,
        Role.objects.get(code="mhsw"),
        strategy=5,  # 社安網2.0 (115-119) has a strategy 5
        category="",
        funding="central",
        approved_by_year={115: 1},
    )
    assert position.strategy == 5


def test_it_refuses_a_plan_year_outside_every_phase_for_a_strategy(plan: Plan) -> None:
    with pytest.raises(DomainError) as error:
        services.create_position(
            plan.area,
            plan.unit,
            Role.objects.get(code="mhsw"),
            strategy=1,
            category="",
            funding="central",
            approved_by_year={105: 1},
        )
    assert error.value.field == "approved_by_year"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"central_share": D("1.2")}, "central_share"),
        ({"central_share": D("-0.1")}, "central_share"),
        ({"monthly_cost_by_year": {112: -1}}, "monthly_cost_by_year"),
        ({"monthly_cost_by_year": {113: 40_000}}, "monthly_cost_by_year"),
    ],
)
def test_it_refuses_bad_position_costs(plan: Plan, change: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {"central_share": D("0.7"), "monthly_cost_by_year": {112: 40_000}} | change
    with pytest.raises(DomainError) as error:
        services.set_position_costs(plan.visitors, **arguments)
    assert error.value.field == field
    plan.visitors.refresh_from_db()
    assert plan.visitors.years.get(plan_year=112).monthly_cost is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"approved": -1}, "approved"),
        ({"reported_filled": 5, "approved": 4}, "reported_filled"),
        ({"monthly_cost": -5}, "monthly_cost"),
        ({"plan_year": 105}, "plan_year"),
    ],
)
def test_it_refuses_a_bad_position_year(plan: Plan, change: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {"plan_year": 112, "approved": 4, "reported_filled": 3} | change
    year = arguments.pop("plan_year")
    with pytest.raises(DomainError) as error:
        services.record_position_year(plan.local, year, **arguments)
    assert error.value.field == field
    assert plan.local.years.get(plan_year=112).reported_filled == 3


def test_it_adds_a_year_to_a_line_and_updates_it_again(plan: Plan) -> None:
    services.record_position_year(plan.local, 113, approved=5, reported_filled=4)
    services.record_position_year(plan.local, 113, approved=6, reported_filled=6, monthly_cost=46_000)
    year = plan.local.years.get(plan_year=113)
    assert (year.approved, year.reported_filled, year.monthly_cost) == (6, 6, 46_000)


def test_it_sets_and_moves_a_checkpoint(plan: Plan) -> None:
    services.set_checkpoint(plan.area, 112, DAY(2023, 11, 24))
    services.set_checkpoint(plan.area, 112, DAY(2023, 12, 15))
    assert Checkpoint.objects.get(area=plan.area, plan_year=112).on == DAY(2023, 12, 15)


@pytest.mark.parametrize(
    ("year", "on", "field"), [(112, DAY(2024, 1, 5), "on"), (105, DAY(2016, 12, 31), "plan_year")]
)
def test_it_refuses_a_checkpoint_outside_its_year_or_the_plan(
    plan: Plan, year: int, on: DAY, field: str
) -> None:
    with pytest.raises(DomainError) as error:
        services.set_checkpoint(plan.area, year, on)
    assert error.value.field == field
    assert not Checkpoint.objects.filter(area=plan.area).exists()


VACANCY = {
    "seats": 2,
    "announced_on": DAY(2021, 12, 7),
    "interview_on": DAY(2021, 12, 16),
    "expected_on": DAY(2022, 1, 3),
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"seats": 0}, "seats"),
        ({"seats": 11}, "seats"),
        ({"interview_on": DAY(2021, 12, 1)}, "interview_on"),
        ({"expected_on": DAY(2021, 12, 10)}, "expected_on"),
        ({"interview_on": None, "expected_on": DAY(2021, 12, 1)}, "expected_on"),
        ({"plan_year": 113}, "plan_year"),
    ],
)
def test_it_refuses_a_vacancy_with_bad_seats_or_dates(plan: Plan, change: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {"plan_year": 112, **VACANCY} | change
    year = arguments.pop("plan_year")
    with pytest.raises(DomainError) as error:
        services.record_vacancy(plan.mhsw, year, **arguments)
    assert error.value.field == field
    assert not Vacancy.objects.filter(position=plan.mhsw).exists()


def test_it_records_updates_and_fills_a_vacancy(plan: Plan) -> None:
    vacancy = services.record_vacancy(plan.mhsw, 112, **VACANCY, note="111年缺額")
    services.update_vacancy(vacancy, **(VACANCY | {"seats": 3, "expected_on": DAY(2022, 2, 1)}))
    services.fill_vacancy(vacancy, DAY(2022, 2, 1), today=DAY(2022, 3, 1))
    vacancy.refresh_from_db()
    assert (vacancy.seats, vacancy.expected_on, vacancy.filled_on) == (3, DAY(2022, 2, 1), DAY(2022, 2, 1))


def test_it_refuses_to_update_a_vacancy_into_a_bad_order(plan: Plan) -> None:
    vacancy = services.record_vacancy(plan.mhsw, 112, **VACANCY)
    with pytest.raises(DomainError) as error:
        services.update_vacancy(vacancy, **(VACANCY | {"interview_on": DAY(2021, 11, 1)}))
    assert error.value.field == "interview_on"
    vacancy.refresh_from_db()
    assert vacancy.interview_on == DAY(2021, 12, 16)


@pytest.mark.parametrize(
    ("filled_on", "today"),
    [(DAY(2022, 3, 2), DAY(2022, 3, 1)), (DAY(2021, 12, 1), DAY(2022, 3, 1))],
    ids=["in-the-future", "before-announced"],
)
def test_it_refuses_to_fill_a_vacancy_on_a_bad_day(plan: Plan, filled_on: DAY, today: DAY) -> None:
    vacancy = services.record_vacancy(plan.mhsw, 112, **VACANCY)
    with pytest.raises(DomainError) as error:
        services.fill_vacancy(vacancy, filled_on, today=today)
    assert error.value.field == "filled_on"
    vacancy.refresh_from_db()
    assert vacancy.filled_on is None


def test_it_refuses_to_fill_a_vacancy_twice(plan: Plan) -> None:
    vacancy = services.record_vacancy(plan.mhsw, 112, **VACANCY)
    services.fill_vacancy(vacancy, DAY(2022, 1, 3), today=DAY(2022, 3, 1))
    with pytest.raises(DomainError):
        services.fill_vacancy(vacancy, DAY(2022, 1, 4), today=DAY(2022, 3, 1))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"central_business": -1}, "central_business"),
        ({"spent": -1}, "spent"),
        ({"central_share": D("1.5")}, "central_share"),
        ({"cap_fixed": 1, "cap_per_unit": 1, "cap_units": 1}, "cap_per_unit"),
        ({"cap_per_unit": 655_000}, "cap_units"),
        ({"plan_year": 105}, "plan_year"),
    ],
)
def test_it_refuses_a_bad_budget_line(plan: Plan, change: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {"plan_year": 112, "central_business": 58_000, "cap_fixed": None} | change
    year = arguments.pop("plan_year")
    with pytest.raises(DomainError) as error:
        services.record_budget_line(plan.area, year, Programme.objects.get(code="mhsw"), **arguments)
    assert error.value.field == field
    assert not BudgetLine.objects.filter(area=plan.area).exists()


def test_it_keeps_one_budget_line_per_programme_and_year(plan: Plan) -> None:
    mhsw = Programme.objects.get(code="mhsw")
    services.record_budget_line(plan.area, 112, mhsw, central_business=1, cap_fixed=10)
    services.record_budget_line(plan.area, 112, mhsw, central_business=2, cap_fixed=10)
    assert BudgetLine.objects.get(area=plan.area, plan_year=112).central_business == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"unit": "percent", "target": D("90")}, "target"),
        ({"unit": "percent", "target": D("0.9"), "actual": D("1.2")}, "actual"),
        ({"unit": "people"}, "unit"),
        ({"target": D("-1")}, "target"),
        ({"measure": "units:castle"}, "measure"),
        ({"measure": "staff:9"}, "measure"),
        ({"measure": "indicator:lower case"}, "measure"),
        ({"plan_year": 105}, "plan_year"),
        ({"name": " "}, "name"),
    ],
)
def test_it_refuses_a_bad_milestone(plan: Plan, change: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {
        "plan_year": 112,
        "name": "心衛中心",
        "target": D("1"),
        "unit": "count",
    } | change
    year = arguments.pop("plan_year")
    with pytest.raises(DomainError) as error:
        services.record_milestone(plan.area, "centers", year, **arguments)
    assert error.value.field == field
    assert not Milestone.objects.filter(area=plan.area).exists()


@pytest.mark.parametrize("measure", ["", "units:mhc", "staff:3", "indicator:FOLLOWUP_COVERAGE"])
def test_it_records_a_milestone_with_each_kind_of_measure(plan: Plan, measure: str) -> None:
    milestone = services.record_milestone(
        plan.area, "m", 112, name="x", target=D("0.9"), unit="percent", measure=measure
    )
    assert milestone.phase.code == "phase2" and milestone.measure == measure


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours": D("0")}, "hours"),
        ({"completed_on": DAY(2021, 12, 31)}, "completed_on"),  # before hire
        ({"completed_on": DAY(2023, 7, 1)}, "completed_on"),  # after today
    ],
)
def test_it_refuses_a_bad_training_record(plan: Plan, change: dict[str, Any], field: str) -> None:
    (staff,) = plan.hire(plan.visitors, 1, DAY(2022, 1, 1))
    arguments: dict[str, Any] = {
        "completed_on": DAY(2022, 1, 20),
        "hours": D("30"),
        "today": DAY(2023, 6, 30),
    }
    with pytest.raises(DomainError) as error:
        services.record_training(staff, Course.objects.get(code="su_initial"), **(arguments | change))
    assert error.value.field == field
    assert not TrainingRecord.objects.filter(staff=staff).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours": D("0")}, "hours"),
        ({"attendees": -1}, "attendees"),
        ({"title": ""}, "title"),
        ({"held_on": DAY(2023, 7, 1)}, "held_on"),
    ],
)
def test_it_refuses_a_bad_training_session(plan: Plan, change: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {
        "held_on": DAY(2023, 3, 1),
        "title": "自殺防治守門人",
        "hours": D("3"),
        "attendees": 20,
        "today": DAY(2023, 6, 30),
    }
    with pytest.raises(DomainError) as error:
        services.record_training_session(plan.area, **(arguments | change))
    assert error.value.field == field
    assert not TrainingSession.objects.filter(area=plan.area).exists()
