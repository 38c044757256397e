"""The supervisor's team page: caseloads against each role's standard, overdue visits, closure approvals."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safetynet.cases.models import Case, Clock, Closure
from safetynet.cases.services import assign_case, request_closure
from safetynet.domain.casestatus import CaseStatus
from safetynet.org.models import AccessKind, Role, Staff, Unit, UnitKind
from safetynet.people.models import Person
from tests.accounts import log_in
from tests.html_forms import form_with

pytestmark = pytest.mark.django_db

# Seed 000 (嘉義縣, 110-11): seven mental-health social workers carrying 211 cases, standard 25 each.
MHSW_LOADS = [29, 27, 29, 32, 32, 34, 28]


def user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


@dataclass
class Team:
    unit: Unit
    supervisor: Staff
    mhsw: list[Staff]
    visitor: Staff


def hire(unit: Unit, role: str, number: int, *, left: bool = False, account: bool = False) -> Staff:
    login = None
    if account:
        login = get_user_model().objects.create_user(f"team-{role}-{number}", password="unused-123456")
    return Staff.objects.create(
        user=login,
        name=f"測試{role}{number}",
        unit=unit,
        role=Role.objects.get(code=role),
        hired_on=datetime.date(2020, 1, 1),
        left_on=datetime.date(2021, 1, 1) if left else None,
    )


def open_cases(worker: Staff, count: int, status: str = CaseStatus.SERVING) -> list[Case]:
    person = Person.objects.order_by("pk").first()
    now = timezone.now()
    return Case.objects.bulk_create(
        Case(
            route="MHSW",
            person=person,
            area_id=worker.unit.county_id,
            unit=worker.unit,
            lead=worker,
            status=status,
            opened_at=now - datetime.timedelta(days=60),
            assigned_at=now - datetime.timedelta(days=60),
        )
        for _ in range(count)
    )


def build_team() -> Team:
    """A mental-health centre as in seed 000, with a psychiatric care visitor beside the social workers."""
    home = Staff.objects.get(user__username="supervisor").unit
    unit = Unit.objects.create(
        agency=home.agency, name="測試社區心理衛生中心", kind=UnitKind.MHC, county=home.county
    )
    supervisor = hire(unit, "supervisor", 1, account=True)
    mhsw = [hire(unit, "mhsw", n) for n in range(len(MHSW_LOADS))]
    for worker, load in zip(mhsw, MHSW_LOADS, strict=True):
        open_cases(worker, load)
        open_cases(worker, 3, status=CaseStatus.CLOSED)  # closed cases are no load
    visitor = hire(unit, "care_visitor_psy", 1)
    open_cases(visitor, 10)
    gone = hire(unit, "mhsw", 99, left=True)  # left the unit: not on the team any more
    open_cases(gone, 5)
    return Team(unit, supervisor, mhsw, visitor)


def clock(case: Case, name: str, due_days: float, **extra: object) -> Clock:
    now = timezone.now()
    return Clock.objects.create(
        name=name,
        label=name,
        case=case,
        unit=case.unit,
        starts_at=now - datetime.timedelta(days=30),
        due_at=now + datetime.timedelta(days=due_days),
        **extra,
    )


def client_for(staff: Staff, as_user):  # type: ignore[no-untyped-def]
    return log_in(as_user(None), staff.user)


def test_it_shows_the_seed_overload_in_red_against_the_role_standard(as_user) -> None:  # type: ignore[no-untyped-def]
    team = build_team()
    response = client_for(team.supervisor, as_user).get("/cases/team/")
    assert response.status_code == 200
    roles = {group.role.code: group for group in response.context["roles"]}
    assert set(roles) == {"mhsw", "care_visitor_psy"}
    mhsw = roles["mhsw"]
    assert (len(mhsw.workers), mhsw.open_cases, mhsw.capacity, mhsw.percent) == (7, 211, 175, 121)
    assert mhsw.over
    assert sorted(w.open_cases for w in mhsw.workers) == sorted(MHSW_LOADS)
    assert all(w.over and w.percent == w.open_cases * 4 for w in mhsw.workers)  # n of 25 is 4n %
    visitors = roles["care_visitor_psy"]
    assert (visitors.open_cases, visitors.capacity, visitors.percent, visitors.over) == (10, 40, 25, False)

    html = response.content.decode()
    total = re.search(r'<tr class="role-total over" data-testid="role-total-mhsw">(.*?)</tr>', html, re.S)
    assert total is not None, "the role total row is flagged"
    assert "211" in total.group(1) and "175" in total.group(1) and "121%" in total.group(1)
    assert 'class="load bad"' in total.group(1)
    assert 'data-testid="role-total-care_visitor_psy"' in html
    assert "測試mhsw99" not in html  # left the unit


def test_it_counts_overdue_visits_per_worker(as_user) -> None:  # type: ignore[no-untyped-def]
    team = build_team()
    first, second = team.mhsw[0], team.mhsw[1]
    cases = list(Case.objects.filter(lead=first, status=CaseStatus.SERVING)[:6])
    clock(cases[0], "visit", -2)
    clock(cases[1], "bsrs5", -1)
    clock(cases[2], "vf_first_visit", -3)
    clock(cases[3], "visit", 3)  # due, not overdue
    clock(cases[4], "visit", -5, met_at=timezone.now())  # met
    clock(cases[5], "visit", -5, cancelled_at=timezone.now())  # cancelled
    clock(cases[5], "vf_report", -5)  # not a visit
    clock(Case.objects.filter(lead=second, status=CaseStatus.SERVING).first(), "visit", -1)
    # A closed case's clock left running (closed before closing cancelled them) asks for nothing.
    clock(Case.objects.filter(lead=second, status=CaseStatus.CLOSED).first(), "visit", -4)
    response = client_for(team.supervisor, as_user).get("/cases/team/")
    overdue = {w.staff.pk: w.overdue_visits for g in response.context["roles"] for w in g.workers}
    assert overdue[first.pk] == 3
    assert overdue[second.pk] == 1
    assert overdue[team.visitor.pk] == 0
    assert response.context["overdue_total"] == 4
    assert "/cases/clocks/?state=overdue" in response.content.decode()


def test_it_reads_the_team_in_the_same_few_queries_whatever_its_size(  # type: ignore[no-untyped-def]
    as_user, django_assert_max_num_queries
) -> None:
    team = build_team()
    big = client_for(team.supervisor, as_user)
    big.get("/cases/team/")  # session and caches warm
    small = as_user("supervisor")
    small.get("/cases/team/")
    with CaptureQueriesContext(connection) as on_small:
        small.get("/cases/team/")
    with django_assert_max_num_queries(16), CaptureQueriesContext(connection) as on_big:
        big.get("/cases/team/")
    assert reads(on_big) == reads(on_small)


def reads(captured: CaptureQueriesContext) -> int:
    """The page's reads, without the access log's append (made only when the page names someone) and the
    rule set's words for codes (read once, when the page names a route)."""
    skipped = ("audit_auditentry", "pg_advisory_xact_lock", "intake_rulesetversion")
    return sum(not any(name in query["sql"] for name in skipped) for query in captured.captured_queries)


def test_a_manager_picks_a_unit_of_the_county_and_sees_no_names_of_cases(as_user) -> None:  # type: ignore[no-untyped-def]
    team = build_team()
    manager = as_user("manager")
    response = manager.get(f"/cases/team/?unit={team.unit.pk}")
    assert response.status_code == 200
    assert response.context["unit"] == team.unit
    assert response.context["closures"] is None
    assert manager.get("/cases/team/").status_code == 200
    elsewhere = Unit.objects.exclude(county_id=team.unit.county_id).exclude(county__isnull=True).first()
    assert manager.get(f"/cases/team/?unit={elsewhere.pk}").status_code == 404
    assert manager.get("/cases/team/?unit=abc").status_code == 404
    assert manager.get("/cases/team/?unit=99999999").status_code == 404


def test_a_supervisor_sees_only_their_own_unit(as_user) -> None:  # type: ignore[no-untyped-def]
    team = build_team()
    supervisor = as_user("supervisor")
    assert supervisor.get(f"/cases/team/?unit={team.unit.pk}").status_code == 404
    own = Staff.objects.get(user__username="supervisor").unit_id
    assert supervisor.get(f"/cases/team/?unit={own}").status_code == 200
    assert as_user("worker").get("/cases/team/").status_code == 403


# --- closure approvals --------------------------------------------------------------------------------


def waiting_closure() -> Closure:
    """One of the worker's cases, with its closure requested and clocks still running."""
    from safetynet.intake.services import receive_report, screen_report

    document = {
        "received_at": timezone.localtime().isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [{"ref": "c", "role": "child", "types": ["VF"], "town": "10010020"}],
    }
    report = receive_report(document, by=user("screener")).report
    screen_report(report, by=user("screener"))
    case = assign_case(
        report.case_links.get().case, Staff.objects.get(user__username="worker"), by=user("supervisor")
    )
    return request_closure(
        case,
        reason="refused",
        checklist=["plan_reviewed", "family_informed"],
        open_clocks_reason="案家拒絕訪視",
        by=user("worker"),
    )


FROM_TEAM = {"next": "team"}
DECIDE_APPROVE = {**FROM_TEAM, "decide-decision": "approve", "decide-confirm": "yes"}


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_supervisor_sees_the_waiting_closure_and_approves_it(as_user) -> None:  # type: ignore[no-untyped-def]
    closure = waiting_closure()
    supervisor = as_user("supervisor")
    page = supervisor.get("/cases/team/")
    assert closure in page.context["closures"]
    html = page.content.decode()
    assert f'data-testid="closure-{closure.pk}"' in html
    assert "案家拒絕訪視" in html and "拒絕服務" in html
    response = supervisor.post(f"/cases/closure-requests/{closure.pk}/decide/", DECIDE_APPROVE)
    assert response.status_code == 302 and response["Location"] == "/cases/team/"
    closure.refresh_from_db()
    case = Case.objects.get(pk=closure.case_id)
    assert closure.approved is True and case.status == CaseStatus.CLOSED
    assert not Clock.objects.running().filter(case=case).exists()
    assert any("Closure approved" in m or "結案" in m for m in messages_of(response))
    assert closure not in supervisor.get("/cases/team/").context["closures"]


def test_a_second_approval_is_a_message_not_an_error(as_user) -> None:  # type: ignore[no-untyped-def]
    closure = waiting_closure()
    supervisor = as_user("supervisor")
    supervisor.post(f"/cases/closure-requests/{closure.pk}/decide/", DECIDE_APPROVE)
    again = supervisor.post(f"/cases/closure-requests/{closure.pk}/decide/", DECIDE_APPROVE)
    assert again.status_code == 200
    html = again.content.decode()
    assert "此結案申請已審核" in html and 'data-testid="closure-decided"' in html
    assert 'href="/cases/team/"' in html  # back to where the supervisor came from


def test_returning_needs_a_note_and_sends_the_case_back_to_work(as_user) -> None:  # type: ignore[no-untyped-def]
    closure = waiting_closure()
    supervisor = as_user("supervisor")
    bare = supervisor.post(
        f"/cases/closure-requests/{closure.pk}/decide/",
        {**FROM_TEAM, "decide-decision": "return", "decide-decision_note": "  "},
    )
    # The refusal comes back on a page of its own, which still goes back to the team page.
    assert bare.status_code == 200 and "退回請寫明理由" in bare.content.decode()
    assert 'name="next" value="team"' in bare.content.decode()
    assert Case.objects.get(pk=closure.case_id).status == CaseStatus.REVIEW
    response = supervisor.post(
        f"/cases/closure-requests/{closure.pk}/decide/",
        {**FROM_TEAM, "decide-decision": "return", "decide-decision_note": "請先完成結案前評估"},
    )
    assert response.status_code == 302
    closure.refresh_from_db()
    assert closure.approved is False and closure.decision_note == "請先完成結案前評估"
    assert Case.objects.get(pk=closure.case_id).status == closure.previous_status == CaseStatus.ASSESSING


def test_a_decision_without_a_choice_is_a_message(as_user) -> None:  # type: ignore[no-untyped-def]
    closure = waiting_closure()
    response = as_user("supervisor").post(
        f"/cases/closure-requests/{closure.pk}/decide/", {**FROM_TEAM, "decide-decision": "maybe"}
    )
    assert response.status_code == 200 and "decision" in response.context["form"].errors
    assert Case.objects.get(pk=closure.case_id).status == CaseStatus.REVIEW


def test_enter_in_the_note_on_the_team_page_returns_and_approval_asks_first(as_user) -> None:  # type: ignore[no-untyped-def]
    closure = waiting_closure()
    supervisor = as_user("supervisor")
    html = supervisor.get("/cases/team/").content.decode()
    action = f"/cases/closure-requests/{closure.pk}/decide/"
    returning = form_with(html, action=action, having="decide-decision_note")
    approving = form_with(html, action=action, having="decide-confirm")
    assert returning.text_fields() == ["decide-decision_note"] and approving.text_fields() == []
    assert approving.button("approve").attrs.get("data-confirm")
    # Each closure's note has an id of its own (the page lists several).
    assert any(f.get("id") == f"decide-decision_note-{closure.pk}" for f in returning.fields)
    response = supervisor.post(action, returning.enter(**{"decide-decision_note": "請先完成結案前評估"}))
    assert response.status_code == 302 and response["Location"] == "/cases/team/"
    closure.refresh_from_db()
    assert closure.approved is False
    assert Case.objects.get(pk=closure.case_id).status == closure.previous_status


def test_only_the_units_supervisor_may_decide(as_user) -> None:  # type: ignore[no-untyped-def]
    closure = waiting_closure()
    url = f"/cases/closure-requests/{closure.pk}/decide/"
    for persona in ("worker", "teammate", "otherunit", "manager"):
        assert as_user(persona).post(url, DECIDE_APPROVE).status_code == 403, persona
    stranger = (
        Staff.objects.filter(role__kind=AccessKind.SUPERVISOR, user__isnull=False, left_on__isnull=True)
        .exclude(unit_id=closure.case.unit_id)
        .first()
    )
    assert stranger is not None
    other = log_in(as_user(None), stranger.user)
    assert other.post(url, DECIDE_APPROVE).status_code == 404
    assert as_user("supervisor").get(url).status_code == 405
    assert (
        as_user("supervisor").post("/cases/closure-requests/99999999/decide/", DECIDE_APPROVE).status_code
        == 404
    )
    assert Case.objects.get(pk=closure.case_id).status == CaseStatus.REVIEW
