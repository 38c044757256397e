"""The checkpoint day, the filled count (staff, else the reported figure), the (strategy, funding)
groups with their projected deduction, and the forecast to the checkpoint."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from safetynet.org import services as org
from safetynet.workforce import services
from safetynet.workforce.models import PlanPhase
from safetynet.workforce.staffing import checkpoint, checkpoint_day, forecast, staffing_table
from tests.workforce.conftest import Plan

pytestmark = pytest.mark.django_db

D = Decimal
Y112_END = datetime.date(2023, 12, 31)


def test_it_checks_on_the_phases_day_of_the_plan_year(plan: Plan) -> None:
    assert checkpoint(plan.area, 112, datetime.date(2026, 1, 5)) == Y112_END


def test_it_never_checks_after_today(plan: Plan) -> None:
    assert checkpoint(plan.area, 112, datetime.date(2023, 6, 30)) == datetime.date(2023, 6, 30)
    assert checkpoint_day(plan.area, 112) == Y112_END


def test_it_checks_on_the_areas_own_checkpoint_when_one_is_set(plan: Plan) -> None:
    services.set_checkpoint(plan.area, 112, datetime.date(2023, 11, 24), source="縣府函")
    assert checkpoint(plan.area, 112, datetime.date(2026, 1, 5)) == datetime.date(2023, 11, 24)


def test_it_follows_a_phase_that_checks_on_another_day(plan: Plan) -> None:
    PlanPhase.objects.filter(code="phase2").update(checkpoint_month=2, checkpoint_day=30)
    # 2023 has no 2/30 (nor 2/29): the month's last day.
    assert checkpoint_day(plan.area, 112) == datetime.date(2023, 2, 28)


def test_it_falls_back_to_the_last_day_of_a_year_outside_every_phase(plan: Plan) -> None:
    assert checkpoint_day(plan.area, 125) == datetime.date(2036, 12, 31)


def test_it_counts_linked_staff_over_the_reported_figure(plan: Plan) -> None:
    services.record_position_year(plan.mhsw, 112, approved=10, reported_filled=2, monthly_cost=48_000)
    staff = plan.hire(plan.mhsw, 7, datetime.date(2022, 1, 1))
    org.end_employment(staff[0], left_on=datetime.date(2023, 3, 1))
    lines = {line.position.pk: line for line in staffing_table(plan.area, 112, Y112_END).lines}
    assert (lines[plan.mhsw.pk].filled, lines[plan.mhsw.pk].reported) == (6, False)


def test_it_uses_the_reported_figure_while_no_staff_is_linked(plan: Plan) -> None:
    lines = {line.position.pk: line for line in staffing_table(plan.area, 112, Y112_END).lines}
    assert (lines[plan.local.pk].filled, lines[plan.local.pk].reported) == (3, True)
    assert lines[plan.visitors.pk].filled == 0  # neither staff nor a reported figure


def _staff_the_groups(plan: Plan) -> None:
    plan.hire(plan.mhsw, 7, datetime.date(2022, 1, 1))
    plan.hire(plan.visitors, 8, datetime.date(2022, 1, 1))


def test_it_groups_the_lines_by_strategy_and_funding(plan: Plan) -> None:
    _staff_the_groups(plan)
    groups = staffing_table(plan.area, 112, Y112_END).groups()
    assert [(g.strategy, g.funding, g.approved, g.filled, g.rate) for g in groups] == [
        (1, "local", 4, 3, D("0.75")),
        (3, "central", 20, 15, D("0.75")),
    ]
    assert all(g.below_threshold for g in groups)
    assert groups[1].needed == 2  # ceil(0.85 × 20) = 17


def test_it_leaves_the_deduction_unknown_when_a_line_has_no_monthly_cost(plan: Plan) -> None:
    _staff_the_groups(plan)
    table = staffing_table(plan.area, 112, Y112_END)
    strategy3 = table.groups()[1]
    assert strategy3.subsidy is None and strategy3.deduction is None
    assert strategy3.unknown_lines == 1
    assert table.deduction is None


def test_it_projects_10_percent_of_the_groups_central_subsidy_under_85_percent(plan: Plan) -> None:
    _staff_the_groups(plan)
    services.set_position_costs(plan.visitors, central_share=D("0.70"), monthly_cost_by_year={112: 40_000})
    services.set_position_costs(plan.local, central_share=D("0"), monthly_cost_by_year={112: 46_000})
    table = staffing_table(plan.area, 112, Y112_END)
    local, strategy3 = table.groups()
    # 心衛社工 10 × 48,000 × 13.5 × 0.70 = 4,536,000; 關訪員 10 × 40,000 × 13.5 × 0.70 = 3,780,000.
    assert strategy3.subsidy == D("8316000")
    assert strategy3.deduction == D("831600")  # 10% of 8,316,000
    assert (local.subsidy, local.deduction) == (D("0"), D("0"))
    assert table.deduction == D("831600")


def test_it_projects_no_deduction_at_or_above_the_threshold(plan: Plan) -> None:
    plan.hire(plan.mhsw, 9, datetime.date(2022, 1, 1))
    plan.hire(plan.visitors, 8, datetime.date(2022, 1, 1))  # 17 of 20 = 85%
    strategy3 = staffing_table(plan.area, 112, Y112_END).groups()[1]
    assert not strategy3.below_threshold
    assert strategy3.deduction == 0


TODAY = datetime.date(2023, 6, 30)


def _recruiting(plan: Plan) -> None:
    staff = plan.hire(plan.mhsw, 7, datetime.date(2022, 1, 1))
    org.end_employment(staff[0], left_on=datetime.date(2023, 9, 30))  # known to leave before the checkpoint
    plan.hire(plan.visitors, 8, datetime.date(2022, 1, 1))
    plan.hire(plan.visitors, 1, datetime.date(2023, 8, 1))  # signed, starts before the checkpoint


def test_it_forecasts_the_checkpoint_from_leavers_starters_and_expected_vacancies(plan: Plan) -> None:
    _recruiting(plan)
    services.record_vacancy(
        plan.mhsw,
        112,
        seats=2,
        announced_on=datetime.date(2023, 7, 1),
        expected_on=datetime.date(2023, 10, 1),
    )
    services.record_vacancy(plan.mhsw, 112, seats=1, expected_on=datetime.date(2024, 1, 15))  # too late
    result = forecast(plan.area, 112, TODAY)
    assert (result.checkpoint, result.measured_on) == (Y112_END, TODAY)
    group = next(g for g in result.groups if g.strategy == 3)
    # Now 7 + 8 = 15 of 20; at the checkpoint (7 − 1 + 2) + (8 + 1) = 17 = ceil(0.85 × 20).
    assert (group.filled, group.forecast) == (15, 17)
    assert group.below_threshold and not group.below_forecast
    assert (group.needed, group.uncovered) == (2, 0)
    assert [s.left_on for s in group.leaving] == [datetime.date(2023, 9, 30)]
    assert len(group.vacancies) == 2
    assert group in result.at_risk


def test_it_says_how_many_seats_no_vacancy_covers(plan: Plan) -> None:
    _recruiting(plan)
    group = next(g for g in forecast(plan.area, 112, TODAY).groups if g.strategy == 3)
    assert group.forecast == 15 and group.uncovered == 2


def test_it_does_not_forecast_beyond_the_approved_seats(plan: Plan) -> None:
    plan.hire(plan.mhsw, 9, datetime.date(2022, 1, 1))
    services.record_vacancy(plan.mhsw, 112, seats=5, expected_on=datetime.date(2023, 10, 1))
    group = next(g for g in forecast(plan.area, 112, TODAY).groups if g.strategy == 3)
    assert group.forecast == 10  # mhsw capped at its 10 approved; visitors 0


def test_it_ignores_filled_vacancies_in_the_forecast(plan: Plan) -> None:
    vacancy = services.record_vacancy(
        plan.mhsw, 112, seats=2, announced_on=datetime.date(2023, 1, 5), expected_on=datetime.date(2023, 3, 1)
    )
    services.fill_vacancy(vacancy, datetime.date(2023, 3, 1), today=TODAY)
    group = next(g for g in forecast(plan.area, 112, TODAY).groups if g.strategy == 3)
    assert group.forecast == 0


def test_a_past_checkpoint_reads_its_own_day(plan: Plan) -> None:
    _recruiting(plan)
    result = forecast(plan.area, 112, datetime.date(2024, 3, 1))
    group = next(g for g in result.groups if g.strategy == 3)
    assert result.is_past and result.measured_on == Y112_END
    assert group.filled == group.forecast == 15
