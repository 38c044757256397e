"""A break-glass opening is for reading: writes through it are refused, or, where the county allows
them (`SAFETYNET_BREAK_GLASS_WRITES`), flagged with the opening's reason and told to the reviewers.
After an opening is found unjustified, the same person's next one waits for a reviewer's approval."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.audit.models import AccessGrant, Action, AuditEntry
from safetynet.audit.services import break_glass, review_grant
from safetynet.cases.models import Assessment, Case, Clock, Contact
from safetynet.cases.services import record_contact
from safetynet.core.models import Notification
from safetynet.core.tokens import issue_token
from safetynet.domain.casestatus import CaseStatus
from safetynet.org.models import AccessKind, Staff
from safetynet.people.models import Household, Relation
from safetynet.referrals.models import Referral
from tests.cases.test_contacts import form as contact_form
from tests.referrals.test_views import form_data as referral_form
from tests.test_access_matrix import worker_person

pytestmark = pytest.mark.django_db
REASON = "夜間值班接獲警方來電，主責社工聯絡不上"
MINXIONG = "10010050"  # 民雄: another unit's town


def user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


def other_unit_case(types: tuple[str, ...] = ("VF",), role: str = "child") -> Case:
    """A case of a report about a 民雄 person: another unit's (a sexual-assault victim's goes to FPC)."""
    from safetynet.intake.services import receive_report, screen_report

    received = timezone.now() - datetime.timedelta(days=1)
    document = {
        "received_at": timezone.localtime(received).isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [{"ref": "s", "role": role, "types": list(types), "town": MINXIONG, "name": "陳小安"}],
    }
    report = receive_report(document, by=user("screener")).report
    screen_report(report, by=user("screener"), at=received + datetime.timedelta(hours=1))
    return report.case_links.order_by("pk").first().case


def opened(case: Case, by: str = "worker") -> AccessGrant:
    return break_glass(user(by), case_id=case.pk, reason=REASON)


def somebody_elses_contact(case: Case) -> Contact:
    author = case.lead.user if case.lead and case.lead.user else user("otherunit")
    return record_contact(case, kind="phone", occurred_at=timezone.now(), minutes=5, by=author)


@pytest.fixture
def writes_allowed(settings):  # type: ignore[no-untyped-def]
    settings.SAFETYNET_BREAK_GLASS_WRITES = True


# --- refused ------------------------------------------------------------------------------------------


def test_a_contact_cannot_be_added_through_an_opening(as_user) -> None:  # type: ignore[no-untyped-def]
    case = other_unit_case()
    opened(case)
    worker = as_user("worker")
    page = worker.get(f"/cases/{case.pk}/")
    assert page.status_code == 200  # reading, as before
    # The page says so, and offers no write.
    html = page.content.decode()
    assert 'data-testid="break-glass-opening"' in html and 'data-testid="record-contact"' not in html
    assert f"/cases/{case.pk}/contacts/new/" not in html and f"/referrals/cases/{case.pk}/new/" not in html
    assert worker.get(f"/cases/{case.pk}/contacts/new/").status_code == 403
    response = worker.post(f"/cases/{case.pk}/contacts/new/", contact_form())
    assert response.status_code == 403
    assert not Contact.objects.filter(case=case).exists()


def test_another_workers_contact_cannot_be_marked_in_error_through_an_opening(as_user) -> None:  # type: ignore[no-untyped-def]
    case = other_unit_case()
    contact = somebody_elses_contact(case)
    opened(case)
    response = as_user("worker").post(
        f"/cases/{case.pk}/contacts/{contact.pk}/error/", {"reason": "記錄錯誤，應刪除"}
    )
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.entered_in_error_at is None


def test_a_sexual_assault_victim_cannot_be_referred_through_an_opening(as_user) -> None:  # type: ignore[no-untyped-def]
    case = other_unit_case(types=("SA",), role="victim")
    opened(case)
    worker = as_user("worker")
    assert worker.get(f"/cases/{case.pk}/").status_code == 200
    response = worker.post(f"/referrals/cases/{case.pk}/new/", referral_form())
    assert response.status_code == 403
    assert not Referral.objects.filter(case=case).exists()


def pending_case_of_another_unit() -> Case:
    case = other_unit_case()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.PENDING, lead=None)
    return Case.objects.get(pk=case.pk)


def test_another_units_pending_case_cannot_be_assigned_through_an_opening(as_user) -> None:  # type: ignore[no-untyped-def]
    case = pending_case_of_another_unit()
    theirs = Staff.objects.filter(unit=case.unit, role__kind=AccessKind.CASEWORKER, left_on__isnull=True)[0]
    opened(case, by="supervisor")
    supervisor = as_user("supervisor")
    assert f"/cases/{case.pk}/" not in supervisor.get("/cases/queue/").content.decode()  # not their queue
    response = supervisor.post(f"/cases/{case.pk}/assign/", {"worker": theirs.pk})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING and case.lead_id is None


def test_the_cases_clock_and_the_persons_record_cannot_be_written_through_an_opening(as_user) -> None:  # type: ignore[no-untyped-def]
    case = other_unit_case()
    clock = Clock.objects.running().filter(case=case).first()
    opened(case)
    worker = as_user("worker")
    day = timezone.localdate()
    met = worker.post(
        f"/cases/clocks/{clock.pk}/met/", {"met_on": f"{day.year - 1911}/{day.month}/{day.day}"}
    )
    assert met.status_code == 403
    assert worker.get(f"/people/{case.person_id}/").status_code == 200  # reading, as before
    assert worker.get(f"/people/{case.person_id}/edit/").status_code == 403
    assert worker.post(f"/people/{case.person_id}/household/").status_code == 403
    # Nor is the opened person someone to relate one's own person to.
    mine = worker_person()
    worker.post(f"/people/{mine.pk}/relations/", {"other": case.person_id, "kind": "parent"})
    clock.refresh_from_db()
    assert clock.met_at is None
    assert not Household.objects.filter(members__person=case.person).exists()
    assert not Relation.objects.filter(person=mine, other=case.person).exists()
    assert not Relation.objects.filter(person=case.person, other=mine).exists()


def api(persona: str) -> dict[str, str]:
    _, token = issue_token(user(persona), scopes=["read", "cases:write"])
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post_json(client: Any, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_the_api_refuses_contacts_and_assessments_through_an_opening(client) -> None:  # type: ignore[no-untyped-def]
    case = other_unit_case()
    opened(case)
    headers = api("worker")
    now = timezone.now().isoformat()
    assert client.get(f"/api/v1/cases/{case.pk}", **headers).status_code == 200
    contact = post_json(
        client,
        f"/api/v1/cases/{case.pk}/contacts",
        {"kind": "phone", "occurred_at": now, "minutes": 5},
        headers,
    )
    assert contact.status_code == 403 and "break-glass" in contact.json()["detail"]
    assessment = post_json(
        client,
        f"/api/v1/cases/{case.pk}/assessments",
        {"instrument": "psychiatric", "answers": {"level": 3}, "assessed_at": now},
        headers,
    )
    assert assessment.status_code == 403
    assert not Contact.objects.filter(case=case).exists()
    assert not Assessment.objects.filter(case=case).exists()


# --- allowed by the county: flagged and told -----------------------------------------------------------


def test_where_the_county_allows_it_a_write_is_flagged_with_the_reason_and_told(
    as_user, writes_allowed
) -> None:  # type: ignore[no-untyped-def]
    case = other_unit_case()
    grant = opened(case)
    response = as_user("worker").post(f"/cases/{case.pk}/contacts/new/", contact_form())
    assert response.status_code == 302
    contact = Contact.objects.get(case=case)
    entry = AuditEntry.objects.get(
        action=Action.CHANGE, object_type="cases.contact", object_id=str(contact.pk)
    )
    assert entry.flagged and entry.reason == REASON and entry.detail["grant"] == grant.pk
    told = Notification.objects.filter(user=user("supervisor"), kind="break_glass_write")
    assert told.count() == 1 and str(case.pk) in told.get().message
    # Reviewing the opening deals with it.
    review_grant(grant, justified=True, note="確有必要", by=user("supervisor"))
    assert told.get().resolved_at is not None
    # The worker's own cases are written as before, unflagged.
    from tests.referrals.helpers import worker_case

    mine = worker_case()
    assert as_user("worker").post(f"/cases/{mine.pk}/contacts/new/", contact_form()).status_code == 302
    own = AuditEntry.objects.get(
        action=Action.CHANGE, object_type="cases.contact", object_id=str(Contact.objects.get(case=mine).pk)
    )
    assert not own.flagged and own.reason == ""


def test_where_the_county_allows_it_the_api_writes_flagged(client, writes_allowed) -> None:  # type: ignore[no-untyped-def]
    case = other_unit_case()
    grant = opened(case)
    body = {"kind": "phone", "occurred_at": timezone.now().isoformat(), "minutes": 5}
    response = post_json(client, f"/api/v1/cases/{case.pk}/contacts", body, api("worker"))
    assert response.status_code == 201
    entry = AuditEntry.objects.get(
        action=Action.CHANGE, object_type="cases.contact", object_id=str(response.json()["id"])
    )
    assert entry.flagged and entry.reason == REASON and entry.detail["grant"] == grant.pk
    assert Notification.objects.filter(user=user("supervisor"), kind="break_glass_write").exists()


# --- after an unjustified opening: approval first -----------------------------------------------------


def unjustified(case: Case) -> AccessGrant:
    return review_grant(opened(case), justified=False, note="應先聯絡督導", by=user("supervisor"))


def test_after_an_unjustified_opening_the_next_request_waits_for_approval(as_user) -> None:  # type: ignore[no-untyped-def]
    case = other_unit_case()
    unjustified(case)
    worker = as_user("worker")
    response = worker.post("/audit/break-glass/new/", {"case": case.pk, "reason": REASON})
    assert response.status_code == 302
    request = AccessGrant.objects.filter(case=case).order_by("-pk")[0]
    assert request.needs_approval and request.approved_at is None
    assert worker.get(f"/cases/{case.pk}/").status_code == 404
    assert worker.get(f"/people/{case.person_id}/").status_code == 404
    logged = AuditEntry.objects.filter(action=Action.BREAK_GLASS, object_id=str(case.pk)).order_by("-seq")[0]
    assert logged.flagged and logged.detail == {"grant": request.pk, "needs_approval": True}
    asked = Notification.objects.get(user=user("supervisor"), kind="break_glass_approval")
    assert asked.url == f"/audit/break-glass/{request.pk}/approve/"
    # Asking again while the request waits adds nothing.
    again = worker.post("/audit/break-glass/new/", {"case": case.pk, "reason": REASON})
    assert again.status_code == 400 and 'data-field-error="case"' in again.content.decode()
    assert AccessGrant.objects.filter(case=case).count() == 2
    # Another case is opened at once, as before.
    other = other_unit_case()
    worker.post("/audit/break-glass/new/", {"case": other.pk, "reason": REASON})
    assert worker.get(f"/cases/{other.pk}/").status_code == 200


def test_the_supervisors_approval_opens_the_case(as_user) -> None:  # type: ignore[no-untyped-def]
    case = other_unit_case()
    unjustified(case)
    worker = as_user("worker")
    worker.post("/audit/break-glass/new/", {"case": case.pk, "reason": REASON})
    request = AccessGrant.objects.filter(case=case).order_by("-pk")[0]
    url = f"/audit/break-glass/{request.pk}/approve/"
    supervisor = as_user("supervisor")
    page = supervisor.get(url).content.decode()
    assert REASON in page and "應先聯絡督導" in page  # the reason, and why the last one was not sound
    # Without the confirmation nothing opens.
    assert supervisor.post(url, {}).status_code == 400
    assert worker.get(f"/cases/{case.pk}/").status_code == 404

    assert supervisor.post(url, {"confirm": "yes"}).status_code == 302
    request.refresh_from_db()
    assert request.approved_by == user("supervisor") and request.expires_at > timezone.now()
    assert request.justified is True and request.reviewed_by == user("supervisor")
    assert worker.get(f"/cases/{case.pk}/").status_code == 200
    logged = AuditEntry.objects.filter(action=Action.REVIEW).order_by("-seq")[0]
    assert logged.username == "supervisor" and logged.detail["approved"] is True
    assert logged.detail["grant"] == request.pk
    assert Notification.objects.filter(user=user("worker"), kind="break_glass_approved").exists()
    assert Notification.objects.get(kind="break_glass_approval").resolved_at is not None
    # Approved once only.
    assert supervisor.post(url, {"confirm": "yes"}).status_code == 400


def test_a_request_is_approved_by_the_reviewers_only_and_declining_opens_nothing(as_user) -> None:  # type: ignore[no-untyped-def]
    case = other_unit_case()
    unjustified(case)
    as_user("worker").post("/audit/break-glass/new/", {"case": case.pk, "reason": REASON})
    request = AccessGrant.objects.filter(case=case).order_by("-pk")[0]
    url = f"/audit/break-glass/{request.pk}/approve/"
    assert as_user("worker").post(url, {"confirm": "yes"}).status_code == 403
    assert as_user("otherunit").post(url, {"confirm": "yes"}).status_code == 403
    # The review form cannot stand in for the approval…
    supervisor = as_user("supervisor")
    supervisor.post(f"/audit/break-glass/{request.pk}/review/", {"justified": "yes"})
    request.refresh_from_db()
    assert request.approved_at is None and request.reviewed_at is None
    # …but declines it, and the case stays closed to the worker.
    supervisor.post(f"/audit/break-glass/{request.pk}/review/", {"justified": "no", "note": "不需要"})
    request.refresh_from_db()
    assert request.justified is False and request.approved_at is None
    assert as_user("worker").get(f"/cases/{case.pk}/").status_code == 404
    assert supervisor.post(url, {"confirm": "yes"}).status_code == 400
