"""Read-only team questions: load against the standard, re-reports after closure, supervision counts."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.cases import selectors
from safetynet.cases.models import CaseReport, SupervisionSession
from safetynet.cases.selectors import Load
from safetynet.cases.services import record_supervision
from safetynet.domain.casestatus import CaseStatus
from safetynet.org.models import Staff
from tests.cases.test_team import MHSW_LOADS, build_team, open_cases, waiting_closure


@pytest.mark.parametrize(
    ("open_cases", "capacity", "percent", "state"),
    [
        (211, 175, 121, Load.OVER),  # seed 000: 120.57% reads 121%, never 120%
        (175, 175, 100, Load.AT),
        (176, 175, 101, Load.OVER),
        (174, 175, 100, Load.UNDER),  # 99.4% rounds up to 100% but is not above the standard
        (0, 25, 0, Load.UNDER),
        (5, None, None, None),
        (5, 0, None, None),
    ],
)
def test_load_reads_above_100_only_above_the_standard(open_cases, capacity, percent, state) -> None:  # type: ignore[no-untyped-def]
    assert selectors.load_percent(open_cases, capacity) == percent
    assert selectors.load_state(open_cases, capacity) is state


@pytest.mark.django_db
def test_team_load_groups_the_units_workers_by_role() -> None:
    team = build_team()
    now = timezone.now()
    groups = {g.role.code: g for g in selectors.team_load(team.unit, timezone.localdate(), now)}
    assert sorted(w.open_cases for w in groups["mhsw"].workers) == sorted(MHSW_LOADS)
    assert groups["mhsw"].capacity == 7 * 25
    assert [w.staff for w in groups["care_visitor_psy"].workers] == [team.visitor]
    assert all(not w.on_leave for g in groups.values() for w in g.workers)


@pytest.mark.django_db
def test_a_role_without_a_standard_has_no_ratio() -> None:
    team = build_team()
    from tests.cases.test_team import hire

    coordinator = hire(team.unit, "tcsw", 1)
    open_cases(coordinator, 46)
    groups = {g.role.code: g for g in selectors.team_load(team.unit, timezone.localdate(), timezone.now())}
    assert groups["tcsw"].open_cases == 46
    assert groups["tcsw"].capacity is None and groups["tcsw"].percent is None and not groups["tcsw"].over


@pytest.mark.django_db
def test_pending_closures_are_those_still_in_review() -> None:
    closure = waiting_closure()
    supervisor = get_user_model().objects.get(username="supervisor")
    from safetynet.core.access import cases_visible_to

    assert closure in selectors.pending_closures(cases_visible_to(supervisor))
    other = get_user_model().objects.get(username="otherunit")
    assert closure not in selectors.pending_closures(cases_visible_to(other))


@pytest.mark.django_db
def test_re_reports_after_closure_count_within_the_window() -> None:
    team = build_team()
    closed = open_cases(team.mhsw[0], 2, status=CaseStatus.CLOSED)
    report = CaseReport.objects.select_related("report").first()
    assert report is not None
    now = timezone.now()
    since = now - datetime.timedelta(days=183)
    assert selectors.rereports_after_closure(team.unit, since) == 0
    CaseReport.objects.create(
        case=closed[0], report=report.report, re_report=True, after_closure=True, attached_at=now
    )
    CaseReport.objects.create(
        case=closed[1],
        report=report.report,
        re_report=True,
        after_closure=True,
        attached_at=now - datetime.timedelta(days=400),
    )
    assert selectors.rereports_after_closure(team.unit, since) == 1


@pytest.mark.django_db
def test_supervision_counts_per_roc_year_and_kind() -> None:
    team = build_team()
    by = get_user_model().objects.get(username="supervisor")
    people = [team.supervisor, *team.mhsw[:2]]
    for kind, day in [
        ("internal", datetime.date(2024, 3, 1)),
        ("internal", datetime.date(2025, 1, 2)),
        ("internal", datetime.date(2025, 6, 2)),
        ("external", datetime.date(2025, 7, 2)),
    ]:
        record_supervision(
            unit=team.unit, kind=kind, held_on=day, supervisor_name="外聘督導", attendees=people, by=by
        )
    counts = selectors.supervision_counts(team.unit)
    assert [(c.roc_year, c.internal, c.external) for c in counts] == [(114, 2, 1), (113, 1, 0)]
    sessions = list(selectors.supervision_sessions(team.unit))
    assert [s.attendee_count for s in sessions] == [3, 3, 3, 3]
    assert SupervisionSession.objects.filter(unit=team.unit).count() == 4
    assert Staff.objects.filter(supervisions__unit=team.unit).distinct().count() == 3
