"""Seed 000's checkpoint in the demo: on 110-11-24 嘉義縣's 心衛社工 and 處遇協調社工 carry its caseloads.

The indicator engine measures plan year 110's staffing and caseloads on that day, counting open cases
as `caseloads.open_on` does. Reads the demo county the session's conftest loads (seed 7, scale 0.03).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safetynet.cases.models import Case
from safetynet.demo import caseloads
from safetynet.domain.casestatus import CaseStatus
from safetynet.org.models import Staff

pytestmark = pytest.mark.django_db

SCALE = 0.03  # tests/conftest.py
# Seed 000 (嘉義縣, 110-11-24): open cases of each 心理衛生社工 and 處遇協調社工, in the seed's order.
MHSW = (29, 27, 29, 32, 32, 34, 28)
TCSW = (120, 46)
DAY = datetime.date(2021, 11, 24)
MOMENT = caseloads.end_of(DAY)


def scaled(figures: tuple[int, ...]) -> list[int]:
    return [max(1, round(f * SCALE)) for f in figures]


def employed_on_the_day(role: str) -> list[Staff]:
    return list(
        Staff.objects.filter(unit__county_id="10010", role__code=role)
        .active_on(DAY)
        .order_by("hired_on", "pk")
    )


def test_the_checkpoint_is_seed_000s_day_and_its_moment_the_end_of_that_day_in_taipei() -> None:
    assert caseloads.CHECKPOINT == DAY
    assert MOMENT.isoformat() == "2021-11-25T00:00:00+08:00"


def test_chiayi_county_employs_seed_000s_head_counts_on_the_day() -> None:
    assert len(employed_on_the_day("mhsw")) == 7  # 編制 9, 到位 7
    assert len(employed_on_the_day("tcsw")) == 3  # 編制 3, 到位 3


def test_the_seven_mental_health_social_workers_lead_seed_000s_open_cases_on_the_day() -> None:
    carried = [caseloads.open_on(member, MOMENT).count() for member in employed_on_the_day("mhsw")]
    assert carried == scaled(MHSW)


def test_the_treatment_coordinators_lead_seed_000s_open_cases_on_the_day() -> None:
    carried = [caseloads.open_on(member, MOMENT).count() for member in employed_on_the_day("tcsw")]
    assert carried[: len(TCSW)] == scaled(TCSW)


def test_open_on_counts_cases_opened_by_the_moment_not_closed_by_it_and_not_found_not_to_be_cases() -> None:
    lead = employed_on_the_day("tcsw")[0]
    counted = list(caseloads.open_on(lead, MOMENT))
    assert counted
    for case in counted:
        assert case.lead_id == lead.pk
        assert case.opened_at <= MOMENT
        assert case.closed_at is None or case.closed_at > MOMENT
        assert case.status != CaseStatus.NOT_OPENED
    others = Case.objects.filter(lead=lead).exclude(pk__in=[c.pk for c in counted])
    for case in others:
        assert (
            case.opened_at > MOMENT
            or (case.closed_at is not None and case.closed_at <= MOMENT)
            or case.status == CaseStatus.NOT_OPENED
        )


def test_the_cases_counted_on_the_day_were_assigned_to_their_worker_while_employed() -> None:
    for role in ("mhsw", "tcsw"):
        for member in employed_on_the_day(role):
            for case in caseloads.open_on(member, MOMENT):
                assert case.assigned_at is not None and case.assigned_at >= case.opened_at, case
                assert member.is_active(timezone.localdate(case.assigned_at)), case
