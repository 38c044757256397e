"""Every write to the staffing plan, its checkpoints, vacancies, budget, milestones and training.

One atomic function per business action; bad input raises `DomainError` naming the field.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.core.errors import DomainError
from safetynet.domain.rocdate import to_roc_year
from safetynet.geo.models import County
from safetynet.org.models import Role, Staff, Unit, UnitKind
from safetynet.workforce.models import (
    BudgetLine,
    Checkpoint,
    Course,
    Funding,
    Milestone,
    PlanPhase,
    Position,
    PositionYear,
    Programme,
    Strategy,
    TrainingRecord,
    TrainingSession,
    Vacancy,
)

PLAN_YEARS = range(100, 201)  # ROC years the plan may name
MILESTONE_UNITS = ("count", "percent")
INDICATOR_CODE = re.compile(r"[A-Z][A-Z0-9_]*")


def phase_of(plan_year: int, *, field: str = "plan_year") -> PlanPhase:
    phase = PlanPhase.objects.filter(first_year__lte=plan_year, last_year__gte=plan_year).first()
    if phase is None:
        raise DomainError(
            _("Plan year %(year)s is in no phase of the plan.") % {"year": plan_year}, field=field
        )
    return phase


def check_strategy(strategy: int | None, plan_years: list[int], *, field: str = "strategy") -> None:
    """The strategy must be one of the strategies of the phase of every plan year given."""
    if strategy is None:
        return
    if strategy < 1:
        raise DomainError(_("The strategy number is a whole number above 0."), field=field)
    for year in plan_years:
        phase = phase_of(year, field="approved_by_year" if field == "strategy" else field)
        if not Strategy.objects.filter(phase=phase, number=strategy).exists():
            raise DomainError(
                _("%(phase)s has no strategy %(strategy)s (year %(year)s).")
                % {"phase": phase.name, "strategy": strategy, "year": year},
                field=field,
            )


def _share(value: Decimal | None, field: str) -> None:
    if value is not None and not Decimal(0) <= value <= Decimal(1):
        raise DomainError(_("A share is between 0 and 1 (for example 0.70)."), field=field)


def _not_negative(values: dict[str, int | None]) -> None:
    for name, value in values.items():
        if value is not None and value < 0:
            raise DomainError(_("Amounts and head counts cannot be negative."), field=name)


@transaction.atomic
def create_position(
    area: County,
    unit: Unit,
    role: Role,
    *,
    strategy: int | None,
    category: str,
    funding: str,
    approved_by_year: dict[int, int],
    central_share: Decimal | None = None,
    monthly_cost_by_year: dict[int, int] | None = None,
) -> Position:
    """One line of the staffing plan with its approved head count for each plan year."""
    if unit.county_id != area.code:
        raise DomainError(
            _("%(unit)s is not in %(area)s.") % {"unit": unit.name, "area": area.name}, field="unit"
        )
    if funding not in Funding.values:
        raise DomainError(
            _("No funding source has the code %(code)s.") % {"code": repr(funding)}, field="funding"
        )
    if strategy is not None and strategy < 1:
        raise DomainError(_("The strategy number is a whole number above 0."), field="strategy")
    if not approved_by_year:
        raise DomainError(_("Give the approved head count of one year at least."), field="approved_by_year")
    for year, approved in approved_by_year.items():
        if year not in PLAN_YEARS:
            raise DomainError(
                _("Plan year %(year)s is not between %(first)s and %(last)s.")
                % {"year": year, "first": PLAN_YEARS.start, "last": PLAN_YEARS.stop - 1},
                field="approved_by_year",
            )
        if approved < 0:
            raise DomainError(
                _("The approved head count of %(year)s cannot be negative.") % {"year": year},
                field="approved_by_year",
            )
    check_strategy(strategy, sorted(approved_by_year))
    _share(central_share, "central_share")
    costs = monthly_cost_by_year or {}
    if any(v is not None and v < 0 for v in costs.values()):
        raise DomainError(_("Personnel costs cannot be negative."), field="monthly_cost_by_year")
    if set(costs) - set(approved_by_year):
        raise DomainError(
            _("A year with a personnel cost needs an approved head count."), field="monthly_cost_by_year"
        )
    position = Position.objects.create(
        area=area,
        strategy=strategy,
        unit=unit,
        role=role,
        category=category.strip(),
        funding=funding,
        central_share=central_share,
    )
    PositionYear.objects.bulk_create(
        PositionYear(position=position, plan_year=year, approved=approved, monthly_cost=costs.get(year))
        for year, approved in sorted(approved_by_year.items())
    )
    return position


@transaction.atomic
def record_position_year(
    position: Position,
    plan_year: int,
    *,
    approved: int,
    reported_filled: int | None = None,
    monthly_cost: int | None = None,
) -> PositionYear:
    """Add a plan year to a staffing line, or update its figures (the import of positions)."""
    phase_of(plan_year)
    check_strategy(position.strategy, [plan_year])
    _not_negative({"approved": approved, "reported_filled": reported_filled, "monthly_cost": monthly_cost})
    if reported_filled is not None and reported_filled > approved:
        raise DomainError(
            _("The filled count %(filled)s is more than the approved head count %(approved)s.")
            % {"filled": reported_filled, "approved": approved},
            field="reported_filled",
        )
    year, _created = PositionYear.objects.update_or_create(
        position=position,
        plan_year=plan_year,
        defaults={"approved": approved, "reported_filled": reported_filled, "monthly_cost": monthly_cost},
    )
    return year


@transaction.atomic
def set_position_costs(
    position: Position, *, central_share: Decimal | None, monthly_cost_by_year: dict[int, int | None]
) -> Position:
    """The central share of a line's personnel cost and its monthly cost per person by plan year."""
    _share(central_share, "central_share")
    if any(v is not None and v < 0 for v in monthly_cost_by_year.values()):
        raise DomainError(_("Personnel costs cannot be negative."), field="monthly_cost_by_year")
    years = {y.plan_year: y for y in position.years.all()}
    if set(monthly_cost_by_year) - set(years):
        raise DomainError(
            _("A year with a personnel cost needs an approved head count."), field="monthly_cost_by_year"
        )
    position.central_share = central_share
    position.save(update_fields=["central_share"])
    for plan_year, cost in monthly_cost_by_year.items():
        years[plan_year].monthly_cost = cost
        years[plan_year].save(update_fields=["monthly_cost"])
    return position


@transaction.atomic
def set_checkpoint(area: County, plan_year: int, on: datetime.date, *, source: str = "") -> Checkpoint:
    """The day the area's staffing of `plan_year` is checked, instead of the phase's default."""
    phase_of(plan_year)
    if to_roc_year(on) != plan_year:
        raise DomainError(
            _("The checkpoint date falls within the year %(year)s.") % {"year": plan_year}, field="on"
        )
    checkpoint, _created = Checkpoint.objects.update_or_create(
        area=area, plan_year=plan_year, defaults={"on": on, "source": source.strip()[:200]}
    )
    return checkpoint


def _check_vacancy(
    position: Position,
    plan_year: int,
    seats: int,
    announced_on: datetime.date | None,
    interview_on: datetime.date | None,
    expected_on: datetime.date | None,
) -> None:
    year = position.years.filter(plan_year=plan_year).first()
    if year is None:
        raise DomainError(
            _("This staffing line has no approved head count for %(year)s.") % {"year": plan_year},
            field="plan_year",
        )
    if seats < 1:
        raise DomainError(_("A vacancy has 1 seat at least."), field="seats")
    if seats > year.approved:
        raise DomainError(
            _("The seats cannot be more than the approved head count %(approved)s.")
            % {"approved": year.approved},
            field="seats",
        )
    if announced_on and interview_on and interview_on < announced_on:
        raise DomainError(_("The interview cannot be before the announcement."), field="interview_on")
    if expected_on:
        earliest = interview_on or announced_on
        if earliest and expected_on < earliest:
            raise DomainError(
                _("The expected start cannot be before the interview.")
                if interview_on
                else _("The expected start cannot be before the announcement."),
                field="expected_on",
            )


@transaction.atomic
def record_vacancy(
    position: Position,
    plan_year: int,
    *,
    seats: int = 1,
    announced_on: datetime.date | None = None,
    interview_on: datetime.date | None = None,
    expected_on: datetime.date | None = None,
    note: str = "",
    by: Any = None,
) -> Vacancy:
    """Seats of a staffing line being recruited (seed 001: 111年缺額 110/12/07 公告, 12/16 甄選)."""
    _check_vacancy(position, plan_year, seats, announced_on, interview_on, expected_on)
    return Vacancy.objects.create(
        position=position,
        plan_year=plan_year,
        seats=seats,
        announced_on=announced_on,
        interview_on=interview_on,
        expected_on=expected_on,
        note=note.strip()[:300],
        recorded_by=by,
        recorded_at=timezone.now(),
    )


@transaction.atomic
def update_vacancy(
    vacancy: Vacancy,
    *,
    seats: int,
    announced_on: datetime.date | None,
    interview_on: datetime.date | None,
    expected_on: datetime.date | None,
    note: str = "",
    by: Any = None,
) -> Vacancy:
    _check_vacancy(vacancy.position, vacancy.plan_year, seats, announced_on, interview_on, expected_on)
    vacancy.seats = seats
    vacancy.announced_on = announced_on
    vacancy.interview_on = interview_on
    vacancy.expected_on = expected_on
    vacancy.note = note.strip()[:300]
    vacancy.recorded_by = by or vacancy.recorded_by
    vacancy.recorded_at = timezone.now()
    vacancy.save()
    return vacancy


@transaction.atomic
def fill_vacancy(
    vacancy: Vacancy, filled_on: datetime.date, *, today: datetime.date | None = None, by: Any = None
) -> Vacancy:
    """The vacancy's seats are taken on `filled_on` (not before it was announced, not in the future)."""
    today = today or timezone.localdate()
    if vacancy.filled_on is not None:
        raise DomainError(_("This vacancy is filled already."), field="filled_on")
    if filled_on > today:
        raise DomainError(_("The day it was filled cannot be after today."), field="filled_on")
    if vacancy.announced_on and filled_on < vacancy.announced_on:
        raise DomainError(_("The day it was filled cannot be before the announcement."), field="filled_on")
    vacancy.filled_on = filled_on
    vacancy.recorded_by = by or vacancy.recorded_by
    vacancy.recorded_at = timezone.now()
    vacancy.save(update_fields=["filled_on", "recorded_by", "recorded_at"])
    return vacancy


@transaction.atomic
def record_budget_line(
    area: County,
    plan_year: int,
    programme: Programme,
    *,
    central_share: Decimal = Decimal("0.70"),
    central_business: int = 0,
    central_personnel: int = 0,
    local_share: int = 0,
    spent: int = 0,
    cap_fixed: int | None = None,
    cap_per_unit: int | None = None,
    cap_units: int | None = None,
    cap_personnel: int | None = None,
    note: str = "",
) -> BudgetLine:
    """A programme's money for an area and plan year against the approved plan's cap; one per key."""
    phase_of(plan_year)
    _share(central_share, "central_share")
    amounts = {
        "central_business": central_business,
        "central_personnel": central_personnel,
        "local_share": local_share,
        "spent": spent,
        "cap_fixed": cap_fixed,
        "cap_per_unit": cap_per_unit,
        "cap_units": cap_units,
        "cap_personnel": cap_personnel,
    }
    _not_negative(amounts)
    if cap_fixed is not None and cap_per_unit is not None:
        raise DomainError(
            _("Give the cap as a fixed amount or as an amount per unit, not both."), field="cap_per_unit"
        )
    if (cap_per_unit is None) != (cap_units is None):
        raise DomainError(_("A cap per unit needs the number of units, and only then."), field="cap_units")
    line, _created = BudgetLine.objects.update_or_create(
        area=area,
        plan_year=plan_year,
        programme=programme,
        defaults={**amounts, "central_share": central_share, "note": note.strip()[:300]},
    )
    return line


def _check_measure(measure: str, phase: PlanPhase) -> str:
    measure = measure.strip()
    if not measure:
        return ""
    kind, _sep, value = measure.partition(":")
    if kind == "units" and value in UnitKind.values:
        return measure
    if kind == "staff" and value.isdigit():
        if not Strategy.objects.filter(phase=phase, number=int(value)).exists():
            raise DomainError(
                _("%(phase)s has no strategy %(strategy)s.") % {"phase": phase.name, "strategy": value},
                field="measure",
            )
        return measure
    if kind == "indicator" and INDICATOR_CODE.fullmatch(value):
        return measure
    raise DomainError(
        _(
            "The source of the actual value is units:<unit kind>, staff:<strategy>, indicator:<indicator code> or blank."
        ),
        field="measure",
    )


@transaction.atomic
def record_milestone(
    area: County,
    code: str,
    plan_year: int,
    *,
    name: str,
    target: Decimal,
    unit: str = "count",
    measure: str = "",
    actual: Decimal | None = None,
    source: str = "",
) -> Milestone:
    """A target of the plan for a year; percent targets and actuals are fractions (0.90 for 90%)."""
    phase = phase_of(plan_year)
    if not code.strip():
        raise DomainError(_("The code cannot be blank."), field="code")
    if not name.strip():
        raise DomainError(_("The name cannot be blank."), field="name")
    if unit not in MILESTONE_UNITS:
        raise DomainError(_("The unit is count or percent."), field="unit")
    if target < 0:
        raise DomainError(_("The target cannot be negative."), field="target")
    if actual is not None and actual < 0:
        raise DomainError(_("The actual value cannot be negative."), field="actual")
    if unit == "percent":
        if target > 1:
            raise DomainError(_("Give a percent target as a fraction (0.90 for 90%)."), field="target")
        if actual is not None and actual > 1:
            raise DomainError(_("Give a percent actual value as a fraction (0.90 for 90%)."), field="actual")
    milestone, _created = Milestone.objects.update_or_create(
        area=area,
        code=code.strip(),
        plan_year=plan_year,
        defaults={
            "phase": phase,
            "name": name.strip()[:120],
            "target": target,
            "unit": unit,
            "measure": _check_measure(measure, phase),
            "actual": actual,
            "source": source.strip()[:200],
        },
    )
    return milestone


@transaction.atomic
def record_training(
    staff: Staff,
    course: Course,
    *,
    completed_on: datetime.date,
    hours: Decimal,
    by: Any = None,
    today: datetime.date | None = None,
) -> TrainingRecord:
    """A course a staff member completed: hours above 0, not before hire, not in the future."""
    today = today or timezone.localdate()
    if hours <= 0:
        raise DomainError(_("The hours are more than 0."), field="hours")
    if completed_on < staff.hired_on:
        raise DomainError(_("The completion date cannot be before the hire date."), field="completed_on")
    if completed_on > today:
        raise DomainError(_("The completion date cannot be after today."), field="completed_on")
    return TrainingRecord.objects.create(
        staff=staff,
        course=course,
        completed_on=completed_on,
        hours=hours,
        recorded_by=by,
        recorded_at=timezone.now(),
    )


@transaction.atomic
def record_training_session(
    area: County,
    *,
    held_on: datetime.date,
    title: str,
    hours: Decimal,
    attendees: int = 0,
    course: Course | None = None,
    by: Any = None,
    today: datetime.date | None = None,
) -> TrainingSession:
    """A training session the area held (seed 001: 辦理教育訓練6場次)."""
    today = today or timezone.localdate()
    if not title.strip():
        raise DomainError(_("The name cannot be blank."), field="title")
    if hours <= 0:
        raise DomainError(_("The hours are more than 0."), field="hours")
    if attendees < 0:
        raise DomainError(_("The number of attendees cannot be negative."), field="attendees")
    if held_on > today:
        raise DomainError(_("The date cannot be after today."), field="held_on")
    return TrainingSession.objects.create(
        area=area,
        held_on=held_on,
        title=title.strip()[:120],
        course=course,
        hours=hours,
        attendees=attendees,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
