"""Its author corrects a contact within a day: each version kept, a stale edit refused, the clocks it met
met again as the corrected contact meets them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from safetynet.audit.models import Action, AuditEntry
from safetynet.cases import services
from safetynet.cases.models import Clock, Contact, ContactRevision
from safetynet.cases.services.common import FIRST_VISIT_AGAIN
from safetynet.core.errors import DomainError
from safetynet.domain import rocdate
from safetynet.domain.clocks import ClockState
from tests.cases.test_contacts import running, user, worker_case

pytestmark = pytest.mark.django_db


def visit(case, hours_ago: float = 2, **extra: object) -> Contact:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "kind": "home_visit",
        "occurred_at": timezone.now() - datetime.timedelta(hours=hours_ago),
        "minutes": 30,
        "place": "案家",
        "with_whom": "案母",
        "note": "初次家訪",
        "next_step": "兩週後再訪",
        "by": user("worker"),
    } | extra
    return services.record_contact(case, **values)  # type: ignore[arg-type]


def edit(contact: Contact, **changes: object) -> Contact:
    values: dict[str, object] = {
        "version": contact.version,
        "kind": contact.kind,
        "occurred_at": contact.occurred_at,
        "minutes": contact.minutes,
        "place": contact.place,
        "with_whom": contact.with_whom,
        "note": contact.note,
        "next_step": contact.next_step,
        "by": user("worker"),
    } | changes
    return services.edit_contact(contact, **values)  # type: ignore[arg-type]


# --- the service ------------------------------------------------------------------------------------


def test_it_keeps_the_replaced_values_as_a_version_with_who_and_when() -> None:
    contact = visit(worker_case())
    edited = edit(contact, minutes=75, note="初次家訪，案母表示經濟壓力大")
    assert (edited.version, edited.minutes, edited.note) == (2, 75, "初次家訪，案母表示經濟壓力大")
    assert edited.edited_at is not None
    (old,) = edited.revisions.all()
    assert (old.version, old.minutes, old.note, old.next_step) == (1, 30, "初次家訪", "兩週後再訪")
    assert old.written_by == user("worker") and old.written_at == contact.recorded_at
    assert old.replaced_by == user("worker") and old.replaced_at == edited.edited_at
    again = edit(edited, place="社福中心")
    assert again.version == 3
    assert [r.version for r in again.revisions.order_by("version")] == [1, 2]
    assert again.revisions.get(version=2).written_at == edited.edited_at


def test_it_keeps_the_old_notes_encrypted_at_rest() -> None:
    contact = visit(worker_case(), note="不可明文保存的紀錄")
    edit(contact, note="新的紀錄")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT note, next_step FROM cases_contactrevision WHERE contact_id = %s", [contact.pk]
        )
        note, next_step = cursor.fetchone()
    assert note.startswith("v1:") and "不可明文保存" not in note
    assert next_step.startswith("v1:")


def test_it_writes_the_change_to_the_access_log_in_the_same_transaction() -> None:
    contact = visit(worker_case())
    before = AuditEntry.objects.count()
    edit(contact, minutes=40, note="改過的紀錄")
    entries = AuditEntry.objects.filter(action=Action.CHANGE).order_by("-seq")[
        : AuditEntry.objects.count() - before
    ]
    changed = {(e.object_type, e.object_id): e for e in entries}
    revision = ContactRevision.objects.get(contact=contact)
    assert ("cases.contactrevision", str(revision.pk)) in changed
    fields = changed[("cases.contact", str(contact.pk))].detail["fields"]
    assert (
        "minutes" in fields and "version" in fields and "note" not in fields
    )  # never a note's name or value
    assert all("改過的紀錄" not in str(e.detail) for e in entries)


def test_it_changes_nothing_when_nothing_was_changed() -> None:
    contact = visit(worker_case())
    same = edit(contact)
    assert same.version == 1 and not same.revisions.exists()


def test_only_its_author_may_correct_it_and_only_for_a_day() -> None:
    contact = visit(worker_case())
    with pytest.raises(DomainError) as other:
        edit(contact, minutes=45, by=user("teammate"))
    assert other.value.field == "contact"
    with pytest.raises(DomainError) as late:
        services.edit_contact(
            contact,
            version=1,
            kind="home_visit",
            occurred_at=contact.occurred_at,
            minutes=45,
            by=user("worker"),
            at=contact.recorded_at + datetime.timedelta(hours=24),
        )
    assert "24 小時" in late.value.message
    services.mark_entered_in_error(contact, reason="記錯案", by=user("worker"))
    contact.refresh_from_db()
    with pytest.raises(DomainError, match="誤植"):
        edit(contact, minutes=45)
    contact.refresh_from_db()
    assert (contact.version, contact.minutes) == (1, 30) and not contact.revisions.exists()


def test_a_stale_edit_is_refused_and_the_saved_one_stays() -> None:
    contact = visit(worker_case())
    read_on_the_phone = Contact.objects.get(pk=contact.pk)
    edit(contact, note="在辦公室改的")
    with pytest.raises(services.ContactEditConflict) as conflict:
        edit(read_on_the_phone, note="在手機上改的")
    assert conflict.value.contact.note == "在辦公室改的" and conflict.value.contact.version == 2
    contact.refresh_from_db()
    assert contact.note == "在辦公室改的" and contact.revisions.count() == 1


def test_it_refuses_a_bad_kind_duration_or_time_on_its_field() -> None:
    contact = visit(worker_case(days_ago=3))
    for changes, field in (
        ({"kind": "telepathy"}, "kind"),
        ({"minutes": 0}, "minutes"),
        ({"occurred_at": timezone.now() + datetime.timedelta(days=1)}, "occurred_at"),
        ({"occurred_at": timezone.now() - datetime.timedelta(days=30)}, "occurred_at"),  # before the case
    ):
        with pytest.raises(DomainError) as caught:
            edit(contact, **changes)
        assert caught.value.field == field
    contact.refresh_from_db()
    assert contact.version == 1


# --- the clocks -------------------------------------------------------------------------------------


def test_a_later_time_meets_the_first_visit_again_late_and_moves_the_plan() -> None:
    case = worker_case(days_ago=12)  # the 10-day first visit was due two days ago
    first = case.clocks.get(name="vf_first_visit")
    contact = visit(case, hours_ago=24 * 3)  # recorded now, for three days ago: on time
    first.refresh_from_db()
    assert first.met_by_contact == contact and first.state(timezone.now()) is ClockState.MET_ON_TIME
    corrected_time = timezone.now() - datetime.timedelta(hours=3)
    edit(contact, occurred_at=corrected_time)
    first.refresh_from_db()
    assert first.met_at == corrected_time and first.state(timezone.now()) is ClockState.MET_LATE
    (planned,) = running(case, "visit")
    assert planned.due_at == corrected_time + datetime.timedelta(days=30)


def test_a_kind_that_meets_no_visit_leaves_the_first_visit_owed_again_and_alone() -> None:
    case = worker_case(days_ago=5)
    contact = visit(case, hours_ago=5)
    assert len(running(case, "visit")) == 1
    edit(contact, kind="network")
    first = case.clocks.get(name="vf_first_visit")
    assert first.met_at is None and first.met_by_contact is None
    assert running(case, "visit") == []  # the first visit is the plan again, not a second clock
    replaced = Clock.objects.filter(case=case, name="visit", cancel_reason=FIRST_VISIT_AGAIN)
    assert replaced.count() == 1


def test_a_contact_with_a_bsrs5_keeps_its_time() -> None:
    case = worker_case(days_ago=5)
    contact = visit(case, hours_ago=5)
    services.record_assessment(
        case,
        instrument="bsrs5",
        answers={"items": [1, 1, 1, 1, 1], "suicide": 0},
        assessed_at=contact.occurred_at,
        by=user("worker"),
        contact=contact,
    )
    with pytest.raises(DomainError) as caught:
        edit(contact, occurred_at=contact.occurred_at - datetime.timedelta(hours=1))
    assert caught.value.field == "occurred_at"
    assert edit(contact, minutes=50).minutes == 50  # the rest may change


# --- the pages --------------------------------------------------------------------------------------


def form(contact: Contact, **changes: str) -> dict[str, str]:
    when = timezone.localtime(contact.occurred_at)
    data = {
        "version": str(contact.version),
        "kind": contact.kind,
        "day": rocdate.format(when.date(), "slash"),
        "time": when.strftime("%H:%M"),
        "minutes": str(contact.minutes),
        "place": contact.place,
        "with_whom": contact.with_whom,
        "note": contact.note,
        "next_step": contact.next_step,
    }
    return data | changes


def test_the_author_corrects_it_and_the_page_shows_edited_with_the_earlier_version(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    contact = visit(case)
    client = as_user("worker")
    page = client.get(f"/cases/{case.pk}/")
    assert f'href="/cases/{case.pk}/contacts/{contact.pk}/edit/"' in page.content.decode()
    shown = client.get(f"/cases/{case.pk}/contacts/{contact.pk}/edit/")
    assert shown.status_code == 200
    assert (
        shown.context["form"].initial["note"] == "初次家訪"
        and 'name="version" value="1"' in shown.content.decode()
    )
    response = client.post(
        f"/cases/{case.pk}/contacts/{contact.pk}/edit/", form(contact, note="補上：案母同意轉介")
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    contact.refresh_from_db()
    assert contact.note == "補上：案母同意轉介" and contact.version == 2
    assert contact.occurred_at == contact.revisions.get().occurred_at  # the minute shown, not a change
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="edited"' in html and "已修改" in html
    assert 'data-testid="revision"' in html and "初次家訪" in html
    # The case's supervisor reads the history too, and may not correct the worker's record.
    boss = as_user("supervisor")
    assert "初次家訪" in boss.get(f"/cases/{case.pk}/").content.decode()
    assert boss.get(f"/cases/{case.pk}/contacts/{contact.pk}/edit/").status_code == 404
    assert boss.post(f"/cases/{case.pk}/contacts/{contact.pk}/edit/", form(contact)).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": ""}, "kind"),
        ({"minutes": "0"}, "minutes"),
        ({"day": "115.13.40"}, "day"),
        ({"time": "25:99"}, "time"),
        ({"day": "200.01.01"}, "day"),  # in the future
        ({"version": "x"}, "version"),
    ],
)
def test_bad_input_comes_back_with_everything_typed_and_the_summary(as_user, changes, field) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    contact = visit(case)
    typed = form(contact, note="這段不能遺失", with_whom="案父", **changes)
    response = as_user("worker").post(f"/cases/{case.pk}/contacts/{contact.pk}/edit/", typed)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    html = response.content.decode()
    assert 'data-testid="error-summary"' in html
    assert "這段不能遺失" in html and 'value="案父"' in html
    contact.refresh_from_db()
    assert contact.version == 1 and contact.note == "初次家訪"


def test_a_stale_form_shows_the_saved_version_beside_the_one_typed(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    contact = visit(case)
    stale = form(contact, note="手機上改的")
    edit(contact, note="辦公室改的")
    client = as_user("worker")
    response = client.post(f"/cases/{case.pk}/contacts/{contact.pk}/edit/", stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "辦公室改的" in html and "手機上改的" in html
    assert 'name="version" value="2"' in html  # saving the merge now replaces version 2 knowingly
    contact.refresh_from_db()
    assert contact.note == "辦公室改的"
    merged = client.post(f"/cases/{case.pk}/contacts/{contact.pk}/edit/", form(contact, note="合併後的紀錄"))
    assert merged.status_code == 302
    contact.refresh_from_db()
    assert contact.note == "合併後的紀錄" and contact.revisions.count() == 2


def test_after_a_day_the_form_is_gone_and_a_late_save_keeps_what_was_typed(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case(days_ago=4)
    contact = visit(case, hours_ago=30)
    client = as_user("worker")
    assert f"/contacts/{contact.pk}/edit/" in client.get(f"/cases/{case.pk}/").content.decode()
    Contact.objects.filter(pk=contact.pk).update(recorded_at=timezone.now() - datetime.timedelta(hours=25))
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/contacts/{contact.pk}/edit/" not in page and f"/contacts/{contact.pk}/error/" in page
    away = client.get(f"/cases/{case.pk}/contacts/{contact.pk}/edit/")
    assert away.status_code == 302 and away["Location"] == f"/cases/{case.pk}/"
    late = client.post(f"/cases/{case.pk}/contacts/{contact.pk}/edit/", form(contact, note="太晚才改"))
    assert late.status_code == 200
    assert "24 小時" in late.content.decode() and "太晚才改" in late.content.decode()
    contact.refresh_from_db()
    assert contact.note == "初次家訪"


def test_the_page_answers_only_get_and_post(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    contact = visit(case)
    client = as_user("worker")
    assert client.put(f"/cases/{case.pk}/contacts/{contact.pk}/edit/").status_code == 405
    assert client.delete(f"/cases/{case.pk}/contacts/new/").status_code == 405
    assert client.put(f"/cases/{case.pk}/").status_code == 405


def test_markup_in_a_correction_and_in_the_version_it_replaced_is_shown_as_text(as_user) -> None:  # type: ignore[no-untyped-def]
    from django.utils.html import escape

    script = "<script>alert(1)</script>"
    case = worker_case()
    contact = visit(case, note=script)
    client = as_user("worker")
    client.post(
        f"/cases/{case.pk}/contacts/{contact.pk}/edit/",
        form(contact, note=f'"><img src=x onerror=alert(1)>{script}'),
    )
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert Contact.objects.get(pk=contact.pk).version == 2
    assert escape(script) in html and script not in html and "<img src=x" not in html
