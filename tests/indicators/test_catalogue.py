"""Each catalogue indicator on a hand-built county (苗栗縣, empty in the demo) for ROC 112 (2023):
the rows are written here and the expected counts worked out beside them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from safetynet.domain.casestatus import CaseStatus
from safetynet.domain.indicators import period_of
from safetynet.indicators.engine import Value, compute
from safetynet.indicators.models import DropoutRecord, Indicator, ReportedValue
from safetynet.intake.models import DispatchOutcome
from safetynet.people.models import Registry
from safetynet.workforce.models import Checkpoint, Course, Position, PositionYear, TrainingRecord
from tests.indicators.world import (
    AREA,
    TODAY,
    at,
    case,
    contact,
    dispatch,
    person,
    referral,
    registry,
    report,
    staff,
    supervision,
    unit,
    user,
)

pytestmark = pytest.mark.django_db
YEAR = period_of("year", 112)
H, D = datetime.timedelta(hours=1), datetime.timedelta(days=1)


def value(code: str, period=YEAR) -> Value:  # type: ignore[no-untyped-def]
    return compute(Indicator.objects.get(code=code), AREA, period, TODAY)


def counts(code: str) -> tuple[object, object]:
    result = value(code)
    return result.numerator, result.denominator


def test_the_shipped_catalogue_has_exactly_the_default_codes() -> None:
    codes = list(Indicator.objects.filter(catalogue=True).values_list("code", flat=True))
    assert codes == [
        "HIRE_RATE", "CASELOAD", "SCREEN_24H", "CP_OPEN_RATE", "VF_VISIT_10D", "FOLLOWUP_COVERAGE",
        "INTEGRATED_COVERAGE", "SU_CONTACT_3D", "REREPORT_6M", "REFERRAL_CLOSED_LOOP", "DROPOUT_RETURN",
        "SUPERVISION", "TRAINING_RATE",
    ]  # fmt: skip


def test_hire_rate_counts_staff_employed_on_the_checkpoint_and_imported_counts_where_no_staff_are_linked() -> (
    None
):
    centre = unit()
    counted = Position.objects.create(
        area_id=AREA, strategy=3, unit=centre, role_id=_role("mhsw"), funding="central"
    )
    PositionYear.objects.create(position=counted, plan_year=112, approved=4)
    for hired, left in [
        (datetime.date(2022, 1, 1), None),
        (datetime.date(2023, 2, 1), None),
        (datetime.date(2023, 5, 1), datetime.date(2023, 9, 1)),  # still there on the 06-30 checkpoint
        (datetime.date(2022, 1, 1), datetime.date(2023, 3, 1)),  # gone before it
        (datetime.date(2023, 7, 1), None),  # came after it
    ]:
        staff(centre, "mhsw", hired, left, position=counted)
    imported = Position.objects.create(
        area_id=AREA, strategy=1, unit=centre, role_id=_role("social_worker"), funding="local"
    )
    PositionYear.objects.create(position=imported, plan_year=112, approved=2, reported_filled=1)
    Checkpoint.objects.create(area_id=AREA, plan_year=112, on=datetime.date(2023, 6, 30))

    result = value("HIRE_RATE")

    # 3 of 4 staffed seats on 06-30, 1 of 2 imported: 4 ÷ 6.
    assert (result.numerator, result.denominator, result.on) == (4, 6, datetime.date(2023, 6, 30))
    assert result.value == Decimal(4) / Decimal(6)
    assert result.target == Decimal("0.85") and result.met is False
    groups = {
        (row["strategy"], row["funding"]): (row["filled"], row["approved"])
        for row in result.breakdown
        if "role" not in row
    }
    assert groups == {(1, "local"): (1, 2), (3, "central"): (3, 4)}


def test_caseload_is_open_cases_per_worker_against_the_standards_weighted_by_workers() -> None:
    centre = unit()
    first, second = (staff(centre, "mhsw", datetime.date(2022, 1, 1)) for _ in range(2))
    gone = staff(
        centre, "mhsw", datetime.date(2022, 1, 1), datetime.date(2023, 6, 1)
    )  # not a worker on 12-31
    case(centre, "MHSW", at(2023, 3, 1), lead=gone)  # nor are the cases still in their name
    visitor = staff(centre, "care_visitor_psy", datetime.date(2022, 1, 1))
    for lead, number in ((first, 3), (second, 2), (visitor, 3)):
        for _ in range(number):
            case(centre, "MHSW", at(2023, 3, 1), lead=lead)
    case(centre, "MHSW", at(2023, 2, 1), lead=first, closed=at(2023, 11, 1))  # closed before 12-31
    case(centre, "MHSW", at(2024, 1, 2), lead=first)  # opened after
    case(centre, "MHSW", at(2023, 2, 1), lead=second, status=CaseStatus.NOT_OPENED)  # never a case

    result = value("CASELOAD")

    assert (result.numerator, result.denominator) == (8, 3)
    assert result.value == Decimal(8) / Decimal(3)
    assert result.target == Decimal(2 * 25 + 40) / Decimal(3)  # 30 per worker
    assert result.met is True  # 2.67 ≤ 30: lower is better
    by_role = {row["role"]: (row["cases"], row["workers"], row["standard"]) for row in result.breakdown}
    assert by_role == {"mhsw": (5, 2, 25), "care_visitor_psy": (3, 1, 40)}


def test_screened_within_24_hours_counts_reports_received_in_the_year() -> None:
    report(at(2023, 3, 1), ["CP"], screened_after=2 * H)
    report(at(2023, 3, 1), ["CP"], screened_after=24 * H - datetime.timedelta(minutes=1))
    report(at(2023, 3, 1), ["CP"], screened_after=30 * H)
    report(at(2023, 3, 1), ["CP"], screened_after=None)
    report(at(2022, 12, 31, 9), ["CP"], screened_after=H)  # the year before

    assert counts("SCREEN_24H") == (2, 4)


def test_child_protection_open_rate_counts_screened_cp_reports_that_became_a_case() -> None:
    centre = unit("fpc")
    opened = report(at(2023, 4, 1), ["CP", "IPV"])
    dispatch(opened, "FPC", to=case(centre, "FPC", at(2023, 4, 1)))
    screened_out = report(at(2023, 4, 2), ["CP"])
    dispatch(screened_out, "FPC", to=case(centre, "FPC", at(2023, 4, 2), status=CaseStatus.NOT_OPENED))
    no_case = report(at(2023, 4, 3), ["CP"])
    dispatch(no_case, "NONE", outcome=DispatchOutcome.NONE)
    again = report(at(2023, 4, 7), ["CP"])  # joined the case already open: no case opened
    dispatch(again, "FPC", outcome=DispatchOutcome.RE_REPORT, to=case(centre, "FPC", at(2023, 1, 1)))
    report(at(2023, 4, 4), ["CP"], legacy=True)  # history imported: not screened here
    report(at(2023, 4, 5), ["CP"], screened_after=None)  # not screened yet
    report(at(2023, 4, 6), ["IPV"])  # not a CP report

    assert counts("CP_OPEN_RATE") == (1, 4)


def test_vulnerable_family_visits_within_10_days_count_visits_only_and_not_entries_in_error() -> None:
    centre = unit("swc")

    def dispatched(outcome: str = DispatchOutcome.ASSIGNED):  # type: ignore[no-untyped-def]
        subject = report(at(2023, 5, 1), ["VF"])
        served = case(centre, "SWC", at(2023, 5, 1))
        return dispatch(subject, "SWC", outcome=outcome, to=served)

    visited = dispatched()
    contact(visited.case, "home_visit", visited.created_at + 3 * D)
    phoned = dispatched()
    contact(phoned.case, "phone", phoned.created_at + 2 * D)  # a call is not a visit
    late = dispatched()
    contact(late.case, "home_visit", late.created_at + 11 * D)
    erroneous = dispatched()
    contact(erroneous.case, "home_visit", erroneous.created_at + 5 * D, in_error=True)
    dispatched(DispatchOutcome.RE_REPORT)  # joined a case already served: not a new dispatch

    assert counts("VF_VISIT_10D") == (1, 4)


def test_suicide_reports_contacted_within_3_days_count_only_suicide_dispatches_to_care_visitors() -> None:
    centre = unit()
    called = report(at(2023, 6, 1), ["SU"])
    first = dispatch(called, "CV", to=case(centre, "CV", at(2023, 6, 1)))
    contact(first.case, "phone", first.created_at + D)
    waiting = report(at(2023, 6, 2), ["SU"])
    dispatch(waiting, "CV", to=case(centre, "CV", at(2023, 6, 2)))
    psychiatric = report(at(2023, 6, 3), ["MH"])
    dispatch(psychiatric, "CV", to=case(centre, "CV", at(2023, 6, 3)))

    assert counts("SU_CONTACT_3D") == (1, 2)


def test_follow_up_coverage_counts_whole_months_open_and_the_months_with_a_contact() -> None:
    centre = unit()
    all_year = case(centre, "CV", at(2022, 12, 15))  # 12 months due
    for month in (1, 2, 3):
        contact(all_year, "home_visit", at(2023, month, 10))
    autumn = case(centre, "MHSW", at(2023, 10, 10))  # November and December due
    contact(autumn, "phone", at(2023, 11, 5))
    contact(autumn, "phone", at(2023, 10, 20))  # October was not a whole month open
    spring = case(centre, "CV", at(2022, 6, 1), closed=at(2023, 3, 15))  # January and February due
    contact(spring, "home_visit", at(2023, 3, 1))
    other_route = case(centre, "SWC", at(2022, 1, 1))
    contact(other_route, "home_visit", at(2023, 1, 5))

    assert counts("FOLLOWUP_COVERAGE") == (4, 16)


def test_integrated_coverage_counts_registry_flagged_respondents_once_and_those_with_a_mental_health_case() -> (
    None
):
    centre = unit()
    served, unserved, unflagged, victim = person(), person(), person(), person()
    registry(served, Registry.PSYCHIATRIC)
    registry(unserved, Registry.SUICIDE, datetime.date(2022, 5, 1))
    registry(victim, Registry.PSYCHIATRIC)
    case(centre, "MHSW", at(2023, 8, 1), who=served)
    for who in (served, served, unserved, unflagged):
        report(at(2023, 7, 1), ["IPV"], who=who, role="respondent")
    report(at(2023, 7, 2), ["IPV"], who=victim, role="victim")

    assert counts("INTEGRATED_COVERAGE") == (1, 2)


def test_rereport_within_six_months_of_closure_counts_cases_closed_in_the_year() -> None:
    centre = unit("fpc")
    again, much_later, quiet = person(), person(), person()
    case(centre, "FPC", at(2022, 5, 1), who=again, closed=at(2023, 3, 1))
    report(at(2023, 5, 1), ["IPV"], who=again)
    report(at(2022, 6, 1), ["IPV"], who=again)  # before the closure: the case's own report
    case(centre, "FPC", at(2022, 5, 1), who=much_later, closed=at(2023, 6, 1))
    report(at(2024, 2, 1), ["IPV"], who=much_later)  # 245 days after
    case(centre, "FPC", at(2022, 5, 1), who=quiet, closed=at(2023, 8, 1))
    case(centre, "FPC", at(2021, 5, 1), closed=at(2022, 8, 1))  # closed the year before
    case(centre, "FPC", at(2023, 1, 1), closed=at(2023, 2, 1), status=CaseStatus.NOT_OPENED)

    result = value("REREPORT_6M")
    assert (result.numerator, result.denominator) == (1, 3)
    assert result.indicator.direction == "lower"


def test_referral_closed_loop_counts_completed_and_declined_of_referrals_sent() -> None:
    for status in ("completed", "rejected", "accepted", "in_progress"):
        referral(status, at(2023, 9, 1))
    referral("draft", at(2023, 9, 1))  # never sent
    referral("completed", at(2024, 1, 5))  # the next year

    assert counts("REFERRAL_CLOSED_LOOP") == (2, 4)


def test_dropout_return_counts_the_register_of_the_school_year() -> None:
    for returned in (datetime.date(2024, 1, 10), datetime.date(2024, 3, 1), None):
        DropoutRecord.objects.create(
            area_id=AREA,
            student=person(),
            school="測試國中",
            school_year=112,
            dropped_on=datetime.date(2023, 10, 1),
            returned_on=returned,
            recorded_at=at(2023, 10, 2),
        )
    result = value("DROPOUT_RETURN", period_of("school_year", 112))
    assert (result.numerator, result.denominator, result.source) == (2, 3, "computed")


def test_dropout_return_without_a_register_takes_the_reported_counts_and_flags_a_printed_rate_they_contradict() -> (
    None
):
    indicator = Indicator.objects.get(code="DROPOUT_RETURN")
    school_year = period_of("school_year", 107)
    ReportedValue.objects.create(
        indicator=indicator,
        area_id=AREA,
        period_kind="school_year",
        period_start=school_year.start,
        period_end=school_year.end,
        numerator=7,
        denominator=11,
        value=Decimal("0.6667"),
        source="教育處",
        reported_on=datetime.date(2021, 11, 1),
        entered_by=user(),
        entered_at=at(2021, 11, 1),
    )
    result = value("DROPOUT_RETURN", school_year)
    assert (result.numerator, result.denominator, result.source) == (7, 11, "reported")
    assert round(result.value, 4) == Decimal("0.6364")  # 7 ÷ 11, not the printed 66.67%
    assert any("66.67%" in note and "63.64%" in note for note in result.notes)


def test_supervision_counts_internal_and_external_sessions_held_in_the_year() -> None:
    centre = unit()
    for kind, day in [
        ("internal", datetime.date(2023, 1, 5)),
        ("internal", datetime.date(2023, 7, 5)),
        ("external", datetime.date(2023, 12, 31)),
        ("external", datetime.date(2022, 12, 31)),
    ]:
        supervision(centre, kind, day)

    result = value("SUPERVISION")
    assert (result.numerator, result.denominator, result.value) == (3, None, 3)
    assert {row["kind"]: row["sessions"] for row in result.breakdown} == {"external": 1, "internal": 2}


def test_training_rate_counts_staff_who_completed_every_course_required_of_them() -> None:
    centre = unit()
    complete = staff(centre, "mhsw", datetime.date(2023, 3, 1))
    train(complete, "su_initial", datetime.date(2023, 3, 20), 30)  # within a month of hire
    train(complete, "su_advanced", datetime.date(2023, 9, 1), 8)
    short = staff(centre, "care_visitor_su", datetime.date(2020, 1, 1))
    train(short, "su_advanced", datetime.date(2023, 5, 1), 6)  # 6 of the 8 yearly hours
    late = staff(centre, "mhsw", datetime.date(2023, 2, 1))
    train(late, "su_initial", datetime.date(2023, 4, 15), 30)  # after the month
    train(late, "su_advanced", datetime.date(2023, 6, 1), 8)
    staff(centre, "social_worker", datetime.date(2020, 1, 1))  # no course required of the role

    assert counts("TRAINING_RATE") == (1, 3)


def train(member, course: str, on: datetime.date, hours: int) -> None:  # type: ignore[no-untyped-def]
    TrainingRecord.objects.create(
        staff=member,
        course=Course.objects.get(code=course),
        completed_on=on,
        hours=hours,
        recorded_at=at(2023, 12, 1),
    )


def test_a_zero_denominator_gives_no_value_and_no_verdict_never_a_fake_zero() -> None:
    result = value("SCREEN_24H")
    assert (result.numerator, result.denominator, result.value, result.met) == (0, 0, None, None)
    assert result.as_json()["value"] is None


def _role(code: str) -> int:
    from safetynet.org.models import Role

    return Role.objects.get(code=code).pk
