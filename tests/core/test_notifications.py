"""Notifications in the reader's language and in words, resolved when the item they ask about is dealt with."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from safetynet.audit.services import break_glass, review_grant
from safetynet.cases.models import Clock
from safetynet.cases.services import (
    assign_case,
    decide_closure,
    decide_transfer,
    mark_overdue,
    meet_clock,
    request_closure,
    request_transfer,
)
from safetynet.core.models import Notification
from safetynet.core.services import notify
from safetynet.org.models import Staff, Unit
from tests.cases.test_lifecycle import OTHER_UNIT, other_unit_supervisor, staff, worker_case
from tests.test_access_matrix import pending_case, screened_report

pytestmark = pytest.mark.django_db


def user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


def home(as_user, persona: str):  # type: ignore[no-untyped-def]
    page = as_user(persona).get("/")
    assert page.status_code == 200
    return page


def test_a_notification_keeps_its_codes_and_reads_in_words_in_the_readers_language() -> None:
    notify(
        [user("worker")],
        kind="dispatch",
        template="New dispatch: %(name)s (%(route)s)",
        params={"name": "林柏恩", "route": "SWC"},
    )
    note = Notification.objects.filter(user=user("worker")).latest("pk")
    assert note.params == {"name": "林柏恩", "route": "SWC"}
    assert (
        note.message == "新派案：林柏恩（社福中心）"
    )  # the zh-Hant text of the day, for the admin and exports
    with translation.override("zh-hant"):
        assert note.text == "新派案：林柏恩（社福中心）"
    with translation.override("en"):
        assert note.text == "New dispatch: 林柏恩 (Social Welfare Centre)"
    assert "SWC" not in note.message


def test_an_older_notification_reads_as_it_was_written() -> None:
    old = Notification.objects.create(user=user("worker"), kind="dispatch", message="新派案：王小明（SWC）")
    with translation.override("en"):
        assert old.text == "新派案：王小明（SWC）"


def test_a_translation_that_no_longer_fits_its_values_falls_back_to_the_stored_text() -> None:
    note = Notification.objects.create(
        user=user("worker"), kind="x", message="原文", template="Hello %(missing)s", params={"name": "x"}
    )
    assert note.text == "原文"


def test_the_home_page_shows_the_words_in_english_for_an_english_reader(as_user) -> None:  # type: ignore[no-untyped-def]
    case = pending_case()
    client = as_user("supervisor")
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get("/").content.decode()
    assert f"Waiting for a worker: {case.person.name} (Social Welfare Centre)" in html
    assert "（SWC）" not in html and "待分派：" not in html


def test_a_case_assigned_resolves_the_waiting_notice_of_every_supervisor(as_user) -> None:  # type: ignore[no-untyped-def]
    case = pending_case()
    waiting = Notification.objects.filter(kind="queue", subject_type="cases.case", subject_id=case.pk)
    assert waiting.exists() and not waiting.exclude(resolved_at=None).exists()
    before = home(as_user, "supervisor")
    assert any(n.subject_id == case.pk for n in before.context["notifications"])
    assign_case(case, staff("worker"), by=user("supervisor"))
    assert not waiting.filter(resolved_at=None).exists()
    after = home(as_user, "supervisor")
    assert not any(n.subject_id == case.pk for n in after.context["notifications"])
    assert any(n.subject_id == case.pk for n in after.context["resolved_notifications"])
    assert 'data-testid="resolved-notifications"' in after.content.decode()
    # The worker's own new-dispatch notice is news, not a queue item: it stays.
    assert Notification.objects.filter(user=user("worker"), kind="dispatch", resolved_at=None).exists()


def test_a_decided_closure_resolves_the_review_notice() -> None:
    closure = request_closure(
        worker_case(),
        reason="goals_met",
        checklist=["plan_reviewed"],
        open_clocks_reason="已轉介",
        by=user("worker"),
    )
    review = Notification.objects.filter(kind="closure", subject_type="cases.closure", subject_id=closure.pk)
    assert review.filter(user=user("supervisor"), resolved_at=None).exists()
    decide_closure(closure, approve=True, by=user("supervisor"))
    assert not review.filter(resolved_at=None).exists()
    told = Notification.objects.filter(user=user("worker"), kind="closure").latest("pk")
    assert told.resolved_at is None and told.params["name"] == closure.case.person.name


def test_an_answered_transfer_resolves_the_notice_to_the_receiving_unit() -> None:
    transfer = request_transfer(
        worker_case(), to_unit=Unit.objects.get(name=OTHER_UNIT), reason="案家遷居", by=user("worker")
    )
    boss = other_unit_supervisor()
    asked = Notification.objects.filter(user=boss, kind="transfer", subject_id=transfer.pk)
    assert asked.filter(resolved_at=None).exists()
    decide_transfer(transfer, accept=False, by=boss, note="地址仍在朴子")
    assert not asked.filter(resolved_at=None).exists()
    with translation.override("en"):
        answer = Notification.objects.filter(user=user("worker"), kind="transfer").latest("pk").text
    assert answer.startswith("Transfer declined:") and "地址仍在朴子" in answer


def test_a_clock_met_resolves_its_overdue_notice() -> None:
    case = worker_case(timezone.now() - datetime.timedelta(days=12))
    first = case.clocks.get(name="vf_first_visit")
    Notification.objects.all().delete()
    mark_overdue()
    overdue = Notification.objects.filter(kind="overdue", subject_type="cases.clock", subject_id=first.pk)
    assert overdue.filter(user=user("worker")).exists()
    with translation.override("en"):
        assert overdue.first().text.startswith("Overdue: Vulnerable family: first visit")  # type: ignore[union-attr]
    meet_clock(first, at=timezone.now() - datetime.timedelta(hours=1), by=user("worker"))
    assert not overdue.filter(resolved_at=None).exists()
    assert Clock.objects.get(pk=first.pk).met_at is not None


def test_a_reviewed_break_glass_opening_resolves_the_notice_to_review_it() -> None:
    other = screened_report(town="10010050").case_links.get().case
    grant = break_glass(user("worker"), case_id=other.pk, reason="夜間值班，主責社工聯絡不上")
    notice = Notification.objects.filter(
        kind="break_glass", subject_type="audit.accessgrant", subject_id=grant.pk
    )
    assert notice.filter(resolved_at=None).exists()
    reviewer = Staff.objects.get(user__username="worker").supervisor
    assert reviewer is not None and reviewer.user is not None
    review_grant(grant, justified=True, note="確有必要", by=reviewer.user)
    assert not notice.filter(resolved_at=None).exists()


def test_reading_them_all_marks_the_dealt_with_ones_read_too(as_user) -> None:  # type: ignore[no-untyped-def]
    case = pending_case()
    assign_case(case, staff("worker"), by=user("supervisor"))
    client = as_user("supervisor")
    assert client.post("/notifications/read/").status_code == 302
    page = client.get("/")
    assert page.context["notifications"] == [] and page.context["resolved_notifications"] == []


def test_a_waiting_case_taken_by_another_unit_resolves_the_waiting_notice() -> None:
    case = pending_case()
    transfer = request_transfer(
        case, to_unit=Unit.objects.get(name=OTHER_UNIT), reason="居住地在民雄", by=user("supervisor")
    )
    decide_transfer(transfer, accept=True, by=other_unit_supervisor(), worker=staff("otherunit"))
    waiting = Notification.objects.filter(kind="queue", subject_type="cases.case", subject_id=case.pk)
    assert waiting.exists() and not waiting.filter(resolved_at=None).exists()
