"""Break-glass: a worker opens a case outside their scope with a reason, for a short time, flagged,
and their supervisor reviews it."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.audit.models import AccessGrant, Action, AuditEntry
from safetynet.core.models import Notification
from tests.test_access_matrix import screened_report, worker_case

pytestmark = pytest.mark.django_db
REASON = "夜間值班接獲警方來電，主責社工聯絡不上"


def other_unit_case():  # type: ignore[no-untyped-def]
    return screened_report(town="10010050").case_links.get().case  # 民雄: the other unit's


def test_a_worker_opens_another_units_case_with_a_reason(as_user) -> None:  # type: ignore[no-untyped-def]
    case = other_unit_case()
    worker = as_user("worker")
    assert worker.get(f"/cases/{case.pk}/").status_code == 404
    response = worker.post("/audit/break-glass/new/", {"case": case.pk, "reason": REASON})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert worker.get(f"/cases/{case.pk}/").status_code == 200

    opened = AuditEntry.objects.filter(action=Action.BREAK_GLASS, object_id=str(case.pk)).get()
    assert opened.flagged and opened.reason == REASON and opened.username == "worker"
    read = AuditEntry.objects.filter(action=Action.READ, object_id=str(case.pk)).order_by("-seq").first()
    assert read is not None and read.flagged and read.reason == REASON
    supervisor = get_user_model().objects.get(username="supervisor")
    assert Notification.objects.filter(user=supervisor, kind="break_glass").exists()
    # The opening is the worker's alone: a teammate still sees nothing.
    assert as_user("teammate").get(f"/cases/{case.pk}/").status_code == 404


def test_the_opening_reaches_the_cases_person_and_flags_that_read_too(as_user) -> None:  # type: ignore[no-untyped-def]
    case = other_unit_case()  # a 民雄 person: outside the worker's towns
    worker = as_user("worker")
    assert worker.get(f"/people/{case.person_id}/").status_code == 404
    worker.post("/audit/break-glass/new/", {"case": case.pk, "reason": REASON})
    assert worker.get(f"/people/{case.person_id}/").status_code == 200
    read = AuditEntry.objects.filter(action=Action.READ, object_type="people.person").order_by("-seq")[0]
    assert read.object_id == str(case.person_id) and read.flagged and read.reason == REASON


def test_the_opening_ends_after_its_time(as_user) -> None:  # type: ignore[no-untyped-def]
    case = other_unit_case()
    worker = as_user("worker")
    worker.post("/audit/break-glass/new/", {"case": case.pk, "reason": REASON})
    AccessGrant.objects.filter(case=case).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert worker.get(f"/cases/{case.pk}/").status_code == 404
    assert worker.get(f"/people/{case.person_id}/").status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"case": "", "reason": REASON}, "case"),
        ({"case": "abc", "reason": REASON}, "case"),
        ({"case": 10**15, "reason": REASON}, "case"),
        ({"case": "CASE", "reason": "急"}, "reason"),
    ],
)
def test_bad_input_names_the_field_and_opens_nothing(as_user, data, field) -> None:  # type: ignore[no-untyped-def]
    if data["case"] == "CASE":
        data = {**data, "case": other_unit_case().pk}
    before = AccessGrant.objects.count()
    response = as_user("worker").post("/audit/break-glass/new/", data)
    assert response.status_code == 400
    assert f'data-field-error="{field}"' in response.content.decode()
    assert AccessGrant.objects.count() == before


def test_ones_own_case_needs_no_breaking_of_glass(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("worker").post("/audit/break-glass/new/", {"case": worker_case().pk, "reason": REASON})
    assert response.status_code == 400
    assert 'data-field-error="case"' in response.content.decode()


def test_the_supervisor_reviews_and_an_unjustified_opening_ends_at_once(as_user) -> None:  # type: ignore[no-untyped-def]
    case = other_unit_case()
    worker = as_user("worker")
    worker.post("/audit/break-glass/new/", {"case": case.pk, "reason": REASON})
    grant = AccessGrant.objects.get(case=case)
    supervisor = as_user("supervisor")
    page = supervisor.get("/audit/break-glass/").content.decode()
    assert REASON in page and 'data-testid="grants-waiting"' in page
    # Another unit's supervisor, or a worker, cannot review it.
    assert (
        as_user("otherunit").post(f"/audit/break-glass/{grant.pk}/review/", {"justified": "no"}).status_code
        == 403
    )

    response = supervisor.post(
        f"/audit/break-glass/{grant.pk}/review/", {"justified": "no", "note": "應先聯絡督導"}
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.justified is False and grant.reviewed_by.username == "supervisor"
    assert worker.get(f"/cases/{case.pk}/").status_code == 404
    review = AuditEntry.objects.filter(action=Action.REVIEW).order_by("-seq").first()
    assert review is not None and review.detail == {"grant": grant.pk, "justified": False}
    # Reviewed once only.
    supervisor.post(f"/audit/break-glass/{grant.pk}/review/", {"justified": "yes"})
    grant.refresh_from_db()
    assert grant.justified is False


def test_partners_managers_and_reviewers_cannot_break_glass(as_user) -> None:  # type: ignore[no-untyped-def]
    case = other_unit_case()
    for persona in ("partner", "manager", "reviewer", "screener"):
        response = as_user(persona).post("/audit/break-glass/new/", {"case": case.pk, "reason": REASON})
        assert response.status_code == 403, persona
    assert not AccessGrant.objects.filter(case=case).exists()
