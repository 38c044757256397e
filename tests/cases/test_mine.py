"""我的個案 (/cases/): a worker's own cases, a supervisor's unit's; filters, order, pages, the note on
filters it did not understand, the access log, and a query count that does not grow with the list."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safetynet.audit.models import Action, AuditEntry
from safetynet.audit.services import break_glass
from safetynet.cases.mine import PAGE_SIZE, own_cases
from safetynet.cases.models import OPEN_STATUSES, Case, Clock
from safetynet.cases.services import assign_case
from safetynet.core.access import cases_in_scope
from safetynet.domain import rocdate
from safetynet.domain.casestatus import CaseStatus
from safetynet.org.models import Role, Staff
from safetynet.people.models import Person
from tests.accounts import log_in
from tests.test_access_matrix import fresh_national_id, routed_case, screened_report

pytestmark = pytest.mark.django_db


def staff(username: str) -> Staff:
    return Staff.objects.select_related("unit", "role").get(user__username=username)


def listed(response: Any) -> list[int]:
    return [row.case.pk for row in response.context["rows"]]


def add_cases(
    lead: Staff | None,
    count: int,
    *,
    status: str = CaseStatus.SERVING,
    route: str = "SWC",
    risk: str = "",
    town: str = "10010020",
    days_ago: int = 30,
    name: str = "測試個案",
) -> list[Case]:
    """Cases put straight into the table (a list to read, not case work to test): each with its own person."""
    unit = lead.unit if lead else staff("supervisor").unit
    now = timezone.now()
    persons = Person.objects.bulk_create(
        Person(name=f"{name}{i:02d}", sex="F", town_id=town) for i in range(count)
    )
    return Case.objects.bulk_create(
        Case(
            route=route,
            person=person,
            area_id=unit.county_id,
            unit=unit,
            lead=lead,
            status=status,
            risk_level=risk,
            opened_at=now - datetime.timedelta(days=days_ago, minutes=i),
            closed_at=now if status == CaseStatus.CLOSED else None,
        )
        for i, person in enumerate(persons)
    )


def clock(
    case: Case, due_in_days: float, name: str = "visit", label: str = "定期訪視（風險高，每14日）"
) -> Clock:
    now = timezone.now()
    return Clock.objects.create(
        name=name,
        label=label,
        case=case,
        unit=case.unit,
        starts_at=now - datetime.timedelta(days=20),
        due_at=now + datetime.timedelta(days=due_in_days),
    )


# --- who sees what ------------------------------------------------------------------------------------


def test_it_lists_the_open_cases_the_worker_leads_or_co_works(as_user) -> None:  # type: ignore[no-untyped-def]
    worker = staff("worker")
    co_worked = add_cases(staff("teammate"), 1, name="協同個案")[0]
    co_worked.co_workers.add(worker)
    response = as_user("worker").get("/cases/")
    assert response.status_code == 200
    expected = set(cases_in_scope(worker).filter(status__in=OPEN_STATUSES).values_list("pk", flat=True))
    assert co_worked.pk in expected
    assert set(listed(response)) == expected
    assert response.context["page"].paginator.count == len(expected)
    html = response.content.decode()
    assert f"共 {len(expected)} 案" in html
    assert "teammate" not in html  # who leads the co-worked case is named, never by username


def test_it_names_who_leads_a_case_the_worker_only_co_works(as_user) -> None:  # type: ignore[no-untyped-def]
    teammate = staff("teammate")
    case = add_cases(teammate, 1, name="協同個案")[0]
    case.co_workers.add(staff("worker"))
    html = as_user("worker").get("/cases/?q=協同個案").content.decode()
    row = re.search(rf'data-testid="case-{case.pk}">(.*?)</tr>', html, re.S)
    assert row is not None
    assert f"主責：{teammate.name}" in row.group(1)


def test_its_scope_is_the_access_layers_for_every_case_worker_and_supervisor() -> None:
    """`own_cases` is `cases_in_scope` written for the database's indexes: the same cases for everyone."""
    from safetynet.org.models import AccessKind

    sexual_assault_victim_served_by_the_worker()  # a co-case across units
    co_worked = add_cases(staff("teammate"), 2, name="協同個案")
    co_worked[0].co_workers.add(staff("worker"))
    co_worked[1].co_workers.add(staff("otherunit"))
    everyone = Staff.objects.filter(role__kind__in=(AccessKind.CASEWORKER, AccessKind.SUPERVISOR))
    assert everyone.count() > 10
    for person in everyone.select_related("role", "unit"):
        assert set(own_cases(person).values_list("pk", flat=True)) == set(
            cases_in_scope(person).values_list("pk", flat=True)
        ), person.name


def test_it_leaves_out_a_case_opened_by_break_glass(as_user) -> None:  # type: ignore[no-untyped-def]
    elsewhere = screened_report(town="10010050").case_links.get().case  # 民雄: the other unit
    break_glass(
        get_user_model().objects.get(username="worker"),
        case_id=elsewhere.pk,
        reason="夜間值班，主責社工聯絡不上",
    )
    client = as_user("worker")
    assert client.get(f"/cases/{elsewhere.pk}/").status_code == 200  # the opening works …
    assert elsewhere.pk not in listed(client.get("/cases/?status=all"))  # … and is not the worker's own


def test_it_shows_a_teammate_and_the_other_unit_none_of_the_workers_cases(as_user) -> None:  # type: ignore[no-untyped-def]
    mine = set(cases_in_scope(staff("worker")).values_list("pk", flat=True))
    assert mine
    for other in ("teammate", "otherunit"):
        theirs = set(listed(as_user(other).get("/cases/?status=all")))
        assert not (theirs & mine - set(cases_in_scope(staff(other)).values_list("pk", flat=True)))


def test_it_lists_the_supervisors_unit_and_filters_by_worker(as_user) -> None:  # type: ignore[no-untyped-def]
    supervisor, teammate = staff("supervisor"), staff("teammate")
    waiting = add_cases(None, 1, status=CaseStatus.PENDING, name="待派個案")[0]
    client = as_user("supervisor")
    response = client.get("/cases/")
    unit_open = set(
        Case.objects.filter(unit=supervisor.unit, status__in=OPEN_STATUSES).values_list("pk", flat=True)
    )
    assert response.context["page"].paginator.count == len(unit_open)
    assert waiting.pk in unit_open
    html = response.content.decode()
    assert 'name="worker"' in html and teammate.name in html
    by_teammate = client.get(f"/cases/?worker={teammate.pk}&status=all")
    assert set(listed(by_teammate)) <= set(Case.objects.filter(lead=teammate).values_list("pk", flat=True))
    assert by_teammate.context["page"].paginator.count == Case.objects.filter(lead=teammate).count()
    unassigned = listed(client.get("/cases/?worker=none"))
    assert waiting.pk in unassigned
    assert not Case.objects.filter(pk__in=unassigned, lead__isnull=False).exists()


def test_a_worker_has_no_worker_filter_and_one_given_is_ignored(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("worker").get(f"/cases/?worker={staff('teammate').pk}")
    html = response.content.decode()
    assert 'name="worker"' not in html
    assert "忽略不明的篩選條件：" in html and "worker" in html


def sexual_assault_victim_served_by_the_worker() -> tuple[Case, Case]:
    """A child the worker serves (a VF case) who is then reported as the victim of a sexual assault:
    the 家防中心's case joins the co-case. Returns (the worker's case, the 家防中心's)."""
    national_id = fresh_national_id("B22000012")
    family = routed_case("SWC", ["VF"], national_id)
    family = assign_case(family, staff("worker"), by=get_user_model().objects.get(username="supervisor"))
    protected = routed_case("FPC", ["SA"], national_id)
    assert protected.cocase_id is not None and protected.person_id == family.person_id
    return family, protected


def test_a_sexual_assault_victim_is_named_to_the_worker_who_serves_her_and_to_no_one_else(as_user) -> None:  # type: ignore[no-untyped-def]
    family, protected = sexual_assault_victim_served_by_the_worker()
    name = family.person.name
    mine = as_user("worker").get("/cases/")
    assert {family.pk, protected.pk} <= set(listed(mine))
    assert name in mine.content.decode()
    # The supervisor of the worker's unit sees the unit's case, not the 家防中心's.
    theirs = listed(as_user("supervisor").get("/cases/"))
    assert family.pk in theirs and protected.pk not in theirs
    # Anyone not on one of her cases: no row, and a search by her name finds nothing.
    other_unit = staff("otherunit").unit
    elsewhere = Staff.objects.create(
        user=get_user_model().objects.create_user("mine-other-supervisor", password="unused-123456"),
        name="民雄督導",
        unit=other_unit,
        role=Role.objects.get(code="supervisor"),
        hired_on=datetime.date(2020, 1, 1),
    )
    for client in (as_user("teammate"), as_user("otherunit"), log_in(as_user(None), elsewhere.user)):
        response = client.get("/cases/", {"q": name, "status": "all"})
        assert response.status_code == 200
        assert listed(response) == []
        table = re.search(r'<table data-testid="my-cases">.*?</table>', response.content.decode(), re.S)
        assert table is not None and name not in table.group(0)


# --- filters, order and pages ------------------------------------------------------------------------


def test_it_filters_by_status_route_risk_town_and_name(as_user) -> None:  # type: ignore[no-untyped-def]
    worker = staff("worker")
    closed = add_cases(worker, 2, status=CaseStatus.CLOSED, name="已結個案")
    assessing = add_cases(worker, 1, status=CaseStatus.ASSESSING, risk="high", name="評估個案")[0]
    mental = add_cases(worker, 1, route="MHSW", risk="low", town="10010080", name="心衛個案")[0]
    client = as_user("worker")

    def shown(query: str) -> set[int]:
        response = client.get(f"/cases/?{query}")
        assert response.status_code == 200
        assert "忽略不明的篩選條件" not in response.content.decode(), query
        return set(listed(response))

    own = set(cases_in_scope(worker).values_list("pk", flat=True))
    assert shown("status=closed") == set(
        cases_in_scope(worker).exclude(status__in=OPEN_STATUSES).values_list("pk", flat=True)
    )
    assert {c.pk for c in closed} <= shown("status=closed")
    assert len(own) <= PAGE_SIZE
    assert shown("status=all") == own
    assert assessing.pk in shown("status=assessing")
    assert all(Case.objects.get(pk=pk).status == "assessing" for pk in shown("status=assessing"))
    assert shown("route=MHSW") == {mental.pk}
    assert assessing.pk in shown("risk=high") and mental.pk not in shown("risk=high")
    assert mental.pk in shown("risk=low")
    assert not {assessing.pk, mental.pk} & shown("risk=none")
    assert mental.pk in shown("town=10010080") and assessing.pk not in shown("town=10010080")
    assert shown("q=評估個案") == {assessing.pk}
    assert shown("q=心衛&route=MHSW&risk=low&town=10010080") == {mental.pk}


def test_it_shows_route_names_status_and_risk_in_words(as_user) -> None:  # type: ignore[no-untyped-def]
    case = add_cases(staff("worker"), 1, route="MHSW", risk="high", name="字詞個案")[0]
    clock(case, 3)
    client = as_user("worker")
    html = client.get("/cases/?q=字詞個案").content.decode()
    row = re.search(rf'data-testid="case-{case.pk}">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = row.group(1)
    assert "心衛社工" in cells and "MHSW" not in cells
    assert "處遇中" in cells and "高" in cells
    assert "定期訪視（風險高，每14日）" in cells
    client.post("/i18n/setlang/", {"language": "en", "next": "/cases/"})
    english = client.get("/cases/?q=字詞個案").content.decode()
    row = re.search(rf'data-testid="case-{case.pk}">(.*?)</tr>', english, re.S)
    assert row is not None
    assert "MHSW" not in row.group(1) and "處遇中" not in row.group(1) and "定期訪視" not in row.group(1)
    assert "My cases" in english and "1 case" in english


def test_it_sorts_by_the_next_due_clock_with_cases_without_one_last(as_user) -> None:  # type: ignore[no-untyped-def]
    later, sooner, none, overdue = add_cases(staff("worker"), 4, name="排序個案")
    clock(later, 9)
    clock(later, 30)
    clock(sooner, 2)
    met = clock(none, -5)
    Clock.objects.filter(pk=met.pk).update(met_at=timezone.now())  # met: no longer asks for anything
    clock(overdue, -1)
    response = as_user("worker").get("/cases/?q=排序個案")
    assert listed(response) == [overdue.pk, sooner.pk, later.pk, none.pk]
    rows = response.context["rows"]
    assert [r.overdue for r in rows] == [True, False, False, False]
    html = response.content.decode()
    due = rocdate.format(timezone.localdate(Clock.objects.get(case=overdue).due_at), "slash")
    assert re.search(rf'<tr class="overdue" data-testid="case-{overdue.pk}">.*?{due}.*?逾期', html, re.S)
    by_name = as_user("worker").get("/cases/?q=排序個案&sort=name")
    assert listed(by_name) == [later.pk, sooner.pk, none.pk, overdue.pk]  # 排序個案00 … 03
    by_opened = as_user("worker").get("/cases/?q=排序個案&sort=opened")
    assert listed(by_opened) == [later.pk, sooner.pk, none.pk, overdue.pk]  # opened a minute apart


def test_overdue_means_a_running_visit_clock_past_due(as_user) -> None:  # type: ignore[no-untyped-def]
    late_visit, late_report, met_visit, due_visit = add_cases(staff("worker"), 4, name="逾期個案")
    clock(late_visit, -2, name="vf_first_visit", label="脆弱家庭首次訪視")
    clock(late_report, -2, name="vf_report", label="脆弱家庭評估報告")  # late, but not a visit
    Clock.objects.filter(pk=clock(met_visit, -2).pk).update(met_at=timezone.now())
    clock(due_visit, 2)
    assert listed(as_user("worker").get("/cases/?q=逾期個案&overdue=1")) == [late_visit.pk]


def test_it_pages_by_fifty_and_sends_a_page_past_the_end_to_the_last(as_user) -> None:  # type: ignore[no-untyped-def]
    made = add_cases(staff("worker"), 61, name="分頁個案")
    client = as_user("worker")
    first = client.get("/cases/?q=分頁個案&sort=name")
    assert len(listed(first)) == PAGE_SIZE
    assert first.context["page"].paginator.count == 61
    html = first.content.decode()
    assert "共 61 案" in html and "第 1 頁，共 2 頁" in html
    assert 'href="?q=%E5%88%86%E9%A0%81%E5%80%8B%E6%A1%88&amp;sort=name&amp;page=2"' in html
    last = client.get("/cases/?q=分頁個案&sort=name&page=999999")
    assert last.status_code == 200 and last.context["page"].number == 2
    assert listed(last) == [c.pk for c in made[50:]]
    assert "忽略不明的篩選條件" not in last.content.decode()


def test_it_ignores_filters_it_does_not_know_with_a_note(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("worker")
    plain = client.get("/cases/")
    odd = client.get("/cases/?status=zzz&route=XX&page=abc&risk=%3Cb%3E&town=99999999&sort=up&stauts=open")
    assert odd.status_code == 200
    assert listed(odd) == listed(plain)
    note = re.search(r'data-testid="ignored-filters">(.*?)</div>', odd.content.decode(), re.S)
    assert note is not None
    text = note.group(1)
    assert text.startswith("忽略不明的篩選條件：")
    for label in ("狀態", "服務路徑", "風險", "鄉鎮市區", "排序", "頁碼", "stauts"):
        assert label in text
    assert "<b>" not in odd.content.decode()


def test_it_searches_an_overlong_name_by_its_first_sixty_characters_and_says_so(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("worker").get("/cases/", {"q": "王" * 5000})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="shortened-query"' in html and "前 60 個字" in html
    assert response.context["filters"].q == "王" * 60


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_it_answers_only_get(method: str, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("worker")
    assert getattr(client, method)("/cases/").status_code == 405
    assert getattr(client, method)("/cases/export.xlsx").status_code == 405


def test_the_nav_item_cases_opens_the_list_for_workers_and_supervisors(as_user) -> None:  # type: ignore[no-untyped-def]
    for who in ("worker", "supervisor"):
        html = as_user(who).get("/").content.decode()
        assert '<a href="/cases/">個案</a>' in html
    assert 'href="/cases/"' not in as_user("screener").get("/").content.decode()
    page = as_user("worker").get("/cases/").content.decode()
    assert '<a href="/cases/" class="active" aria-current="page">個案</a>' in page


# --- the access log -----------------------------------------------------------------------------------


def test_it_logs_the_persons_the_page_named(as_user) -> None:  # type: ignore[no-untyped-def]
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = as_user("worker").get("/cases/?status=all")
    entries = list(AuditEntry.objects.filter(seq__gt=last))
    read = [e for e in entries if e.action == Action.READ and e.object_type == "cases.case"]
    named = {pk for e in read for pk in e.subject_ids}
    assert named == {row.case.person_id for row in response.context["rows"]}


def test_a_search_by_name_is_logged_as_a_search_without_the_name(as_user) -> None:  # type: ignore[no-untyped-def]
    case = add_cases(staff("worker"), 1, name="搜尋個案")[0]
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    as_user("worker").get("/cases/?q=搜尋個案")
    entry = AuditEntry.objects.filter(seq__gt=last).get(action=Action.SEARCH)
    assert entry.subject_ids == [case.person_id]
    assert "搜尋" not in str(entry.detail) and "搜尋" not in entry.path


# --- a query count that does not grow with the list -------------------------------------------------


def queries(client: Any, url: str) -> int:
    client.get(url)  # warm the per-process caches (rule set, translations)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# Session, account and staff 3 (a supervisor's second sign-in step 1 more), the rule set's codes 1, the
# towns to choose from 1 (a supervisor's workers 1 more), the count, the page's keys and the page 3,
# their clocks 1, the log entry 2 (on PostgreSQL 3: the chain's advisory lock).
WORKER_QUERIES = 11 if connection.vendor == "sqlite" else 12


@pytest.mark.parametrize(
    ("persona", "expected"), [("worker", WORKER_QUERIES), ("supervisor", WORKER_QUERIES + 2)]
)
def test_it_reads_the_list_in_the_same_number_of_queries_for_5_or_60_cases(
    persona: str, expected: int, as_user
) -> None:  # type: ignore[no-untyped-def]
    lead = staff("worker")
    client = as_user(persona)
    for case in add_cases(lead, 5, name="計數個案"):
        clock(case, 3)
    few = queries(client, "/cases/?q=計數個案")
    more = add_cases(lead, 55, name="計數個案")
    for case in more:
        clock(case, 5)
        case.co_workers.add(staff("teammate"))
    many = queries(client, "/cases/?q=計數個案")
    plain = queries(client, "/cases/?status=all&sort=name")
    assert few == many == expected
    assert plain <= expected
