"""Contacts: the service keeps the visit plan moving; the phone form records one, with a BSRS-5 if taken."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.cases import services
from safetynet.cases.models import Assessment, Case, Clock, Contact
from safetynet.core.errors import DomainError
from safetynet.domain import rocdate
from safetynet.intake.services import receive_report, screen_report
from safetynet.org.models import Staff
from safetynet.people.models import Person

pytestmark = pytest.mark.django_db


def user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


def worker_case(days_ago: float = 5, sex: str = "F") -> Case:
    """A VF report of 朴子 (route SWC) screened and assigned to the demo worker `days_ago` days ago."""
    received = timezone.now() - datetime.timedelta(days=days_ago)
    document = {
        "received_at": timezone.localtime(received).isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [{"ref": "c", "role": "child", "types": ["VF"], "town": "10010020"}],
    }
    report = receive_report(document, by=user("screener")).report
    screen_report(report, by=user("screener"), at=received + datetime.timedelta(hours=1))
    case = report.case_links.get().case
    Person.objects.filter(pk=case.person_id).update(sex=sex)  # no national ID in the report: set by hand
    return services.assign_case(
        case,
        Staff.objects.get(user__username="worker"),
        by=user("supervisor"),
        at=received + datetime.timedelta(hours=2),
    )


def running(case: Case, name: str) -> list[Clock]:
    return list(Clock.objects.running().filter(case=case, name=name))


def visit(case: Case, at: datetime.datetime, kind: str = "home_visit") -> Contact:
    return services.record_contact(case, kind=kind, occurred_at=at, minutes=30, by=user("worker"))


# --- the service ------------------------------------------------------------------------------------


def test_it_meets_the_first_visit_then_plans_visits_by_the_interval() -> None:
    case = worker_case(days_ago=6)
    first = timezone.now() - datetime.timedelta(days=4)
    visit(case, first)
    assert case.clocks.get(name="vf_first_visit").met_at == first
    (planned,) = running(case, "visit")
    assert planned.due_at == first + datetime.timedelta(days=30)  # SWC, not assessed yet: medium, 30 days

    second = timezone.now() - datetime.timedelta(hours=1)
    visit(case, second)
    planned.refresh_from_db()
    assert planned.met_at == second and planned.cancelled_at is None
    (following,) = running(case, "visit")
    assert following.due_at == second + datetime.timedelta(days=30)


def test_it_keeps_the_plan_when_the_contact_is_a_network_call() -> None:
    case = worker_case(days_ago=6)
    visit(case, timezone.now() - datetime.timedelta(days=4))
    (planned,) = running(case, "visit")
    visit(case, timezone.now(), kind="network")
    assert running(case, "visit") == [planned]


@pytest.mark.parametrize(
    ("when", "message"),
    [(datetime.timedelta(days=-3), "早於開案"), (datetime.timedelta(days=2), "未來")],
    ids=["before-opening", "future"],
)
def test_it_refuses_a_contact_before_the_case_opened_or_in_the_future(when, message) -> None:  # type: ignore[no-untyped-def]
    case = worker_case(days_ago=1)
    at = case.opened_at + when if when.days < 0 else timezone.now() + when
    with pytest.raises(DomainError) as caught:
        visit(case, at)
    assert caught.value.field == "occurred_at"
    assert message in caught.value.message
    assert not case.contacts.exists()


@pytest.mark.parametrize("minutes", [0, 24 * 60 + 1])
def test_it_refuses_a_contact_without_a_sensible_duration(minutes: int) -> None:
    case = worker_case()
    with pytest.raises(DomainError) as caught:
        services.record_contact(
            case, kind="phone", occurred_at=timezone.now(), minutes=minutes, by=user("worker")
        )
    assert caught.value.field == "minutes"


def test_it_refuses_an_unknown_kind() -> None:
    with pytest.raises(DomainError) as caught:
        services.record_contact(
            worker_case(), kind="telepathy", occurred_at=timezone.now(), minutes=5, by=user("worker")
        )
    assert caught.value.field == "kind"


# --- the form ---------------------------------------------------------------------------------------


def form(**changes: str) -> dict[str, str]:
    now = timezone.localtime() - datetime.timedelta(minutes=10)
    data = {
        "kind": "home_visit",
        "day": rocdate.format(now.date(), "dot"),
        "time": now.strftime("%H:%M"),
        "minutes": "45",
        "place": "案家",
        "with_whom": "案母",
        "note": "家中整潔，案母情緒穩定",
        "next_step": "兩週後再訪",
    }
    return data | changes


BSRS5_SEVERE = {**{f"bsrs5-item_{i}": "3" for i in range(1, 6)}, "bsrs5-suicide": "1"}  # total 15


def test_it_offers_today_and_now_and_big_choices(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    page = as_user("worker").get(f"/cases/{case.pk}/contacts/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert rocdate.format(timezone.localdate(), "slash") in html
    for label in ("家訪", "電訪", "面談", "外展", "網絡聯繫"):
        assert label in html
    assert 'inputmode="numeric"' in html and 'data-minutes="15"' in html
    assert "感覺緊張不安" in html  # the BSRS-5 block


def test_it_records_a_contact_and_says_when_the_next_visit_is_due(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    client = as_user("worker")
    response = client.post(f"/cases/{case.pk}/contacts/new/", form())
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    contact = case.contacts.get()
    assert (contact.kind, contact.minutes, contact.note) == ("home_visit", 45, "家中整潔，案母情緒穩定")
    (planned,) = running(case, "visit")
    page = client.get(response["Location"])
    due = rocdate.format(timezone.localtime(planned.due_at).date(), "slash")
    (message,) = [str(m) for m in page.context["messages"]]
    assert due in message
    assert page.context["visit"] == planned


def test_it_records_the_bsrs5_taken_during_the_visit_with_it(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    response = as_user("worker").post(f"/cases/{case.pk}/contacts/new/", form() | BSRS5_SEVERE)
    assert response.status_code == 302
    contact = case.contacts.get()
    assessment = case.assessments.get()
    assert assessment.contact == contact and assessment.assessed_at == contact.occurred_at
    assert (assessment.total, assessment.band) == (15, "severe")
    case.refresh_from_db()
    assert case.risk_level == "high"
    (planned,) = running(case, "visit")
    assert planned.due_at == contact.occurred_at + datetime.timedelta(days=14)  # SWC high: every 2 weeks


def test_it_saves_nothing_when_the_assessment_is_refused(as_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise DomainError("作答有誤", field="answers")

    monkeypatch.setattr(services, "record_assessment", refuse)
    response = as_user("worker").post(f"/cases/{case.pk}/contacts/new/", form() | BSRS5_SEVERE)
    assert response.status_code == 200
    assert "作答有誤" in response.content.decode()
    assert not Contact.objects.filter(case=case).exists()
    assert case.clocks.get(name="vf_first_visit").met_at is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": ""}, "kind"),
        ({"kind": "telepathy"}, "kind"),
        ({"minutes": "0"}, "minutes"),
        ({"minutes": "abc"}, "minutes"),
        ({"day": "115.13.40"}, "day"),
        ({"day": "2026.11.20"}, "day"),
        ({"time": "25:99"}, "time"),
        ({"day": "200.01.01"}, "day"),  # in the future: the service's refusal, on the date field
        ({"day": "100.01.01"}, "day"),  # before the case opened
    ],
)
def test_it_keeps_bad_input_on_the_form_with_the_error(as_user, changes, field) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    response = as_user("worker").post(f"/cases/{case.pk}/contacts/new/", form(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not case.contacts.exists()


def test_it_asks_for_every_bsrs5_item_once_one_is_answered(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    response = as_user("worker").post(f"/cases/{case.pk}/contacts/new/", form() | {"bsrs5-item_1": "2"})
    assert response.status_code == 200
    assert set(response.context["bsrs"].errors) == {"item_2", "item_3", "item_4", "item_5", "suicide"}
    assert not case.contacts.exists() and not Assessment.objects.filter(case=case).exists()


def test_it_answers_404_to_a_worker_of_another_unit(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    other = as_user("otherunit")
    assert other.get(f"/cases/{case.pk}/contacts/new/").status_code == 404
    assert other.post(f"/cases/{case.pk}/contacts/new/", form()).status_code == 404
    assert not case.contacts.exists()


def test_it_takes_a_contact_typed_in_the_minute_the_case_opened() -> None:
    case = worker_case(days_ago=1)
    typed = (timezone.now() - datetime.timedelta(hours=1)).replace(second=0, microsecond=0)
    Case.objects.filter(pk=case.pk).update(opened_at=typed + datetime.timedelta(seconds=40))
    case.refresh_from_db()
    visit(case, typed)  # the form's time, to the minute: the minute the case opened in
    assert case.contacts.count() == 1
