"""The case page on a phone: the next visit first, one button to record, the shared timeline; and the inbox."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safetynet.cases import services
from safetynet.cases.models import Case, Clock
from safetynet.domain import rocdate
from safetynet.org.models import Unit, UnitKind
from tests.cases.test_contacts import running, user, worker_case

pytestmark = pytest.mark.django_db


def test_it_puts_the_next_visit_due_and_the_record_button_first(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case(days_ago=2)
    page = as_user("worker").get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    first_visit = case.clocks.get(name="vf_first_visit")
    assert page.context["visit"] == first_visit
    html = page.content.decode()
    assert html.index('data-testid="next-visit"') < html.index('data-testid="timeline"')
    assert f'href="/cases/{case.pk}/contacts/new/"' in html
    assert rocdate.format(timezone.localtime(first_visit.due_at).date(), "slash") in html
    assert 'data-testid="risk-level"' in html


def test_it_shows_contacts_assessments_and_reports_newest_first(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case(days_ago=6)
    now = timezone.now()
    services.record_contact(
        case,
        kind="phone",
        occurred_at=now - datetime.timedelta(days=3),
        minutes=10,
        note="約訪",
        by=user("worker"),
    )
    services.record_assessment(
        case,
        instrument="psychiatric",
        answers={"level": 2},
        assessed_at=now - datetime.timedelta(days=1),
        by=user("worker"),
    )
    page = as_user("worker").get(f"/cases/{case.pk}/")
    kinds = [e.kind for e in page.context["timeline"]]
    assert kinds == ["assessment", "contact", "report"]
    assert "約訪" in page.content.decode()


def test_it_strikes_through_a_record_entered_in_error_with_the_reason(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case(days_ago=6)
    contact = services.record_contact(
        case,
        kind="home_visit",
        occurred_at=timezone.now() - datetime.timedelta(days=2),
        minutes=30,
        by=user("worker"),
    )
    client = as_user("worker")
    refused = client.post(f"/cases/{case.pk}/contacts/{contact.pk}/error/", {"reason": ""})
    assert refused.status_code == 302
    contact.refresh_from_db()
    assert contact.entered_in_error_at is None

    response = client.post(f"/cases/{case.pk}/contacts/{contact.pk}/error/", {"reason": "誤植在別案"})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    contact.refresh_from_db()
    assert contact.entered_in_error_at is not None
    (planned,) = running(case, "visit")  # planned again without the wrong visit: from the assignment
    assert planned.due_at == case.assigned_at + datetime.timedelta(days=30)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'class="card entry contact error"' in page and "誤植在別案" in page

    again = client.post(f"/cases/{case.pk}/contacts/{contact.pk}/error/", {"reason": "again"})
    assert again.status_code == 302  # refused with a message, never a 500


def test_it_marks_an_assessment_entered_in_error_and_recomputes_the_risk(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    wrong = services.record_assessment(
        case,
        instrument="bsrs5",
        answers={"items": [4, 4, 4, 4, 4], "suicide": 0},
        assessed_at=timezone.now(),
        by=user("worker"),
    )
    client = as_user("worker")
    assert (
        client.post(f"/cases/{case.pk}/assessments/{wrong.pk}/error/", {"reason": "量表填錯人"}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.risk_level == ""


def test_it_keeps_other_cases_records_out_of_reach(as_user) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = worker_case(), worker_case()
    contact = services.record_contact(
        mine, kind="phone", occurred_at=timezone.now(), minutes=5, by=user("worker")
    )
    # The record exists, but not on the case named in the URL: 404, not a mark on the wrong case.
    response = as_user("worker").post(f"/cases/{theirs.pk}/contacts/{contact.pk}/error/", {"reason": "x"})
    assert response.status_code == 404
    other = as_user("otherunit")
    assert other.post(f"/cases/{mine.pk}/contacts/{contact.pk}/error/", {"reason": "x"}).status_code == 404
    assert other.get(f"/cases/{mine.pk}/").status_code == 404
    contact.refresh_from_db()
    assert contact.entered_in_error_at is None


def test_it_shares_the_timeline_of_a_co_case_on_the_same_person(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case(days_ago=3)
    mhc = Unit.objects.filter(kind=UnitKind.MHC, county_id="10010").order_by("pk").first()
    assert mhc is not None
    other = services.open_case(
        route="MHSW", person=case.person, unit=mhc, report=case.reports.get().report, roles=["mhsw"]
    )
    case.refresh_from_db()
    assert case.cocase_id is not None and other.cocase_id == case.cocase_id
    services.record_contact(
        other, kind="interview", occurred_at=timezone.now(), minutes=40, note="心衛社工面談", by=user("admin")
    )
    page = as_user("worker").get(f"/cases/{case.pk}/")
    (entry,) = [e for e in page.context["timeline"] if e.kind == "contact"]
    assert entry.own is False and entry.route == "MHSW"
    html = page.content.decode()
    assert "心衛社工面談" in html
    assert f"/cases/{case.pk}/contacts/{entry.record.pk}/error/" not in html  # marked by its own worker only


# --- the inbox --------------------------------------------------------------------------------------


def test_it_lists_todays_and_overdue_visits_with_one_click_to_record(as_user) -> None:  # type: ignore[no-untyped-def]
    late = worker_case(days_ago=12)  # the 10-day first visit is two days late
    fresh = worker_case(days_ago=1)
    home = as_user("worker").get("/")
    visits = [c for c, _state in home.context["visits"]]
    assert late.clocks.get(name="vf_first_visit") in visits
    assert fresh.clocks.get(name="vf_first_visit") not in visits  # due in 9 days
    assert all(a.due_at <= b.due_at for a, b in zip(visits, visits[1:], strict=False))  # overdue first
    html = home.content.decode()
    assert f'href="/cases/{late.pk}/contacts/new/"' in html
    clocks = [c for c, _state in home.context["clocks"]]
    assert not set(clocks) & set(visits)
    assert all(c.met_at is None and c.cancelled_at is None for c in clocks + visits)


def test_it_drops_a_visit_from_the_inbox_once_recorded(as_user) -> None:  # type: ignore[no-untyped-def]
    late = worker_case(days_ago=12)
    client = as_user("worker")
    now = timezone.localtime() - datetime.timedelta(minutes=1)
    response = client.post(
        f"/cases/{late.pk}/contacts/new/",
        {
            "kind": "home_visit",
            "day": rocdate.format(now.date(), "dot"),
            "time": now.strftime("%H:%M"),
            "minutes": "30",
        },
    )
    assert response.status_code == 302
    visits = [c.case_id for c, _state in client.get("/").context["visits"]]
    assert late.pk not in visits


def test_it_reads_the_inbox_in_a_fixed_number_of_queries(as_user, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = as_user("worker")
    worker_case(days_ago=12)
    client.get("/")  # warm the per-process caches (rule set, translations)
    # 13 to read (the rule set in force once, for the routes' names); the log entry naming its persons:
    # 2, on PostgreSQL 3 (the chain's advisory lock)
    with django_assert_max_num_queries(16) as few:
        client.get("/")
    for _ in range(4):
        worker_case(days_ago=11)
    with django_assert_max_num_queries(len(few.captured_queries)):
        many = client.get("/")
    assert len(many.context["visits"]) >= 5


def test_it_shows_the_supervisor_the_queue_and_their_own_inbox(as_user) -> None:  # type: ignore[no-untyped-def]
    home = as_user("supervisor").get("/")
    assert home.status_code == 200
    assert "visits" in home.context and "new_cases" in home.context


def test_it_counts_no_clock_of_a_closed_case(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case(days_ago=12)
    Case.objects.filter(pk=case.pk).update(status="closed")  # closed by hand: the clocks were left running
    visits = [c.case_id for c, _state in as_user("worker").get("/").context["visits"]]
    assert case.pk not in visits
    assert Clock.objects.running().filter(case=case).exists()
