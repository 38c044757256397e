"""The lifecycle panel of the case page and its forms: moves, plan conflicts, closure, reopening, transfer."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from safetynet.cases.lifecycle_views import incoming_transfers
from safetynet.cases.models import Case, Closure, Transfer
from safetynet.cases.services import assign_case, change_status, request_closure, request_transfer
from safetynet.domain.casestatus import CaseStatus
from safetynet.intake.services import receive_report, screen_report
from safetynet.org.models import AccessKind, Staff, Unit
from safetynet.org.services import create_account
from tests.accounts import log_in
from tests.html_forms import form_with

pytestmark = pytest.mark.django_db

OTHER_UNIT = "嘉義縣民雄社會福利服務中心"
# What the approve button's own form sends: the decision on the button, the confirmation beside it.
APPROVE = {"decide-decision": "approve", "decide-confirm": "yes"}


def user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


def staff(name: str) -> Staff:
    return Staff.objects.select_related("role", "unit").get(user__username=name)


def worker_case() -> Case:
    received = timezone.localtime() - datetime.timedelta(days=2)
    document = {
        "received_at": received.isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [{"ref": "c", "role": "child", "types": ["VF"], "town": "10010020"}],
    }
    report = receive_report(document, by=user("screener")).report
    screen_report(report, by=user("screener"), at=received + datetime.timedelta(hours=1))
    case = report.case_links.get().case
    return assign_case(
        case, staff("worker"), by=user("supervisor"), at=received + datetime.timedelta(hours=2)
    )


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def in_review(case: Case) -> Closure:
    return request_closure(
        case, reason="goals_met", checklist=["plan_reviewed"], open_clocks_reason="已電訪", by=user("worker")
    )


def other_unit_supervisor():  # type: ignore[no-untyped-def]
    """The other unit's supervisor's account (made for the test if the demo gave them none)."""
    boss = (
        Staff.objects.filter(unit__name=OTHER_UNIT, role__kind=AccessKind.SUPERVISOR).order_by("pk").first()
    )
    assert boss is not None
    if boss.user is None:
        create_account(boss, username="other-boss", password=None)
        boss.refresh_from_db()
    return boss.user


def other_unit_supervisor_client() -> Client:
    return log_in(Client(), other_unit_supervisor())


def page(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code != 500
    return response.content.decode()


def errors(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """The form's errors by field, as shown on the page (Django's own messages are translated)."""
    assert response.status_code == 200 and "errorlist" in page(response)
    return dict(response.context["form"].errors)


# --- the panel ------------------------------------------------------------------------------------


def test_the_case_page_shows_the_history_the_moves_and_the_forms(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    html = page(as_user("worker").get(f"/cases/{case.pk}/"))
    assert 'data-testid="status-history"' in html
    assert "派案給" in html  # the reason of the assignment move
    assert f'action="/cases/{case.pk}/status/"' in html and 'value="serving"' in html
    assert 'value="not_opened"' in html  # 未成案, in its own block asking for a reason
    assert (
        f'action="/cases/{case.pk}/plan/"' in html and f'name="plan-version" value="{case.version}"' in html
    )
    assert f'action="/cases/{case.pk}/closure/"' in html
    assert 'data-testid="running-clocks"' in html
    assert f'action="/cases/{case.pk}/transfer/"' in html
    assert f'action="/cases/{case.pk}/reopen/"' not in html  # open cases are not reopened


def test_the_supervisor_sees_approve_and_return_while_the_case_is_in_review(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    closure = in_review(case)
    html = page(as_user("supervisor").get(f"/cases/{case.pk}/"))
    assert f'action="/cases/closure-requests/{closure.pk}/decide/"' in html
    worker_html = page(as_user("worker").get(f"/cases/{case.pk}/"))
    assert 'data-testid="pending-closure"' in worker_html
    assert "/decide/" not in worker_html


# --- status ---------------------------------------------------------------------------------------


def test_a_worker_moves_the_case_with_a_button(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    response = as_user("worker").post(f"/cases/{case.pk}/status/", {"status": "serving"})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert fresh(case).status == CaseStatus.SERVING


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "not_opened", "reason": ""}, "reason"),  # 未成案請說明原因
        ({"status": "follow_up"}, "status"),  # not in the table from 評估中
        ({"status": "closed"}, "status"),  # not a worker's move
        ({}, "status"),
        ({"status": "not_opened", "reason": "x" * 301}, "reason"),
    ],
)
def test_a_refused_move_is_a_message_on_the_field_not_an_error_page(as_user, data, field) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    response = as_user("worker").post(f"/cases/{case.pk}/status/", data)
    assert field in errors(response)
    assert fresh(case).status == CaseStatus.ASSESSING


# --- plan and co-workers --------------------------------------------------------------------------


def test_the_plan_is_saved_with_a_roc_review_date(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    review = timezone.localdate() + datetime.timedelta(days=30)
    roc = f"{review.year - 1911}/{review.month:02d}/{review.day:02d}"
    response = as_user("worker").post(
        f"/cases/{case.pk}/plan/",
        {
            "plan-version": case.version,
            "plan-plan_goals": "穩定就學",
            "plan-plan_tasks": "每週家訪",
            "plan-plan_review_on": roc,
        },
    )
    assert response.status_code == 302
    saved = fresh(case)
    assert (saved.plan_goals, saved.plan_review_on, saved.version) == ("穩定就學", review, case.version + 1)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"plan-plan_review_on": "2025/01/01"}, "plan_review_on"),  # a Western year
        ({"plan-plan_review_on": "113/02/30"}, "plan_review_on"),
        ({"plan-plan_review_on": "100/01/01"}, "plan_review_on"),  # 檢視日早於開案
        ({"plan-version": "abc"}, "version"),
        ({"plan-version": ""}, "version"),
        ({"plan-plan_goals": "x" * 5001}, "plan_goals"),
    ],
)
def test_bad_plan_input_is_a_message_not_an_error_page(as_user, data, field) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    response = as_user("worker").post(f"/cases/{case.pk}/plan/", {"plan-version": case.version, **data})
    assert field in errors(response)
    assert fresh(case).version == case.version


def test_the_second_writer_sees_both_versions_and_can_merge(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    read = case.version  # both opened the page at this version
    first = as_user("worker").post(
        f"/cases/{case.pk}/plan/",
        {"plan-version": read, "plan-plan_goals": "穩定就學", "plan-plan_tasks": "每週家訪"},
    )
    assert first.status_code == 302
    supervisor = as_user("supervisor")
    second = supervisor.post(
        f"/cases/{case.pk}/plan/",
        {"plan-version": read, "plan-plan_goals": "改善親子關係", "plan-plan_tasks": ""},
    )
    assert second.status_code == 409
    html = page(second)
    theirs, _sep, yours = html.partition('data-testid="your-version"')
    assert "穩定就學" in theirs and "每週家訪" in theirs  # the other's saved text
    assert staff("worker").name in theirs  # who saved it
    assert "改善親子關係" in yours  # the unsaved input, kept
    assert f'name="plan-version" value="{read + 1}"' in yours  # against the fresh version
    assert fresh(case).plan_goals == "穩定就學"  # nothing overwritten
    merged = supervisor.post(
        f"/cases/{case.pk}/plan/",
        {
            "plan-version": read + 1,
            "plan-plan_goals": "穩定就學；改善親子關係",
            "plan-plan_tasks": "每週家訪",
        },
    )
    assert merged.status_code == 302
    assert fresh(case).plan_goals == "穩定就學；改善親子關係"


def test_co_workers_are_chosen_from_the_unit_and_a_stale_choice_is_shown_again(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    client = as_user("worker")
    teammate = staff("teammate")
    ok = client.post(
        f"/cases/{case.pk}/co-workers/", {"cw-version": case.version, "cw-co_workers": [teammate.pk]}
    )
    assert ok.status_code == 302
    assert list(fresh(case).co_workers.all()) == [teammate]
    stale = client.post(f"/cases/{case.pk}/co-workers/", {"cw-version": case.version, "cw-co_workers": []})
    assert stale.status_code == 200 and "此案已由" in page(stale)
    assert list(fresh(case).co_workers.all()) == [teammate]
    outsider = client.post(
        f"/cases/{case.pk}/co-workers/",
        {"cw-version": fresh(case).version, "cw-co_workers": [staff("otherunit").pk]},
    )
    assert "co_workers" in errors(outsider)


# --- closure --------------------------------------------------------------------------------------


def test_a_closure_request_needs_the_checklist_and_a_reason_for_running_clocks(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    client = as_user("worker")
    base = {"close-version": case.version, "close-reason": "goals_met"}
    unchecked = client.post(f"/cases/{case.pk}/closure/", base)
    # Both problems in one round, each on its field and in the summary at the top.
    assert errors(unchecked) == {
        "checklist": ["結案前須完成：服務計畫目標已逐項檢視"],
        "open_clocks_reason": [errors(unchecked)["open_clocks_reason"][0]],
    }
    assert "個時限未完成" in errors(unchecked)["open_clocks_reason"][0]
    assert 'data-testid="error-summary"' in page(unchecked)
    running = client.post(f"/cases/{case.pk}/closure/", {**base, "close-checklist": ["plan_reviewed"]})
    assert list(errors(running)) == ["open_clocks_reason"]
    bad = client.post(
        f"/cases/{case.pk}/closure/", {**base, "close-reason": "bored", "close-checklist": ["nope"]}
    )
    assert set(errors(bad)) == {"reason", "checklist"}
    done = client.post(
        f"/cases/{case.pk}/closure/",
        {**base, "close-checklist": ["plan_reviewed"], "close-open_clocks_reason": "已改電訪"},
    )
    assert done.status_code == 302
    assert fresh(case).status == CaseStatus.REVIEW


def test_the_supervisor_approves_or_returns_with_a_note(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    case = change_status(case, CaseStatus.SERVING, by=user("worker"))
    closure = in_review(case)
    client = as_user("supervisor")
    url = f"/cases/closure-requests/{closure.pk}/decide/"
    no_note = client.post(url, {"decide-decision": "return", "decide-decision_note": ""})
    assert no_note.status_code == 200 and "退回請寫明理由" in page(no_note)
    assert "decision" in errors(client.post(url, {"decide-decision": "maybe"}))
    returned = client.post(url, {"decide-decision": "return", "decide-decision_note": "請補評估"})
    assert returned.status_code == 302 and fresh(case).status == CaseStatus.SERVING
    again = in_review(fresh(case))
    approved = client.post(f"/cases/closure-requests/{again.pk}/decide/", APPROVE)
    assert approved.status_code == 302 and approved["Location"] == f"/cases/{case.pk}/"
    assert fresh(case).status == CaseStatus.CLOSED and fresh(case).closed_at is not None
    twice = client.post(f"/cases/closure-requests/{again.pk}/decide/", APPROVE)
    assert twice.status_code == 200 and "此結案申請已審核" in page(twice)


def test_a_closed_case_offers_reopening_and_reopens_with_a_reason(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    closure = in_review(case)
    as_user("supervisor").post(f"/cases/closure-requests/{closure.pk}/decide/", APPROVE)
    client = as_user("worker")
    assert f'action="/cases/{case.pk}/reopen/"' in page(client.get(f"/cases/{case.pk}/"))
    empty = client.post(f"/cases/{case.pk}/reopen/", {"reopen-reason": " "})
    assert empty.status_code == 200 and "請說明重新開案原因" in page(empty)
    done = client.post(f"/cases/{case.pk}/reopen/", {"reopen-reason": "案家再度求助"})
    assert done.status_code == 302
    assert fresh(case).status == CaseStatus.ASSESSING
    html = page(client.get(f"/cases/{case.pk}/"))
    assert "案家再度求助" in html and "已結案" in html  # the history keeps the closure


# --- safe decisions: approval is never what Enter sends --------------------------------------------


def decide_forms(html: str, closure: Closure) -> tuple:  # type: ignore[type-arg]
    """The return form and the approve form of a closure, as the page renders them."""
    action = f"/cases/closure-requests/{closure.pk}/decide/"
    return form_with(html, action=action, having="decide-decision_note"), form_with(
        html, action=action, having="decide-confirm"
    )


def test_enter_in_the_supervisors_note_returns_the_closure_and_never_approves(as_user) -> None:  # type: ignore[no-untyped-def]
    case = change_status(worker_case(), CaseStatus.SERVING, by=user("worker"))
    closure = in_review(case)
    client = as_user("supervisor")
    returning, approving = decide_forms(page(client.get(f"/cases/{case.pk}/")), closure)
    # The note's form: Enter there sends 退回 (its only button); approval is not in it.
    assert returning.text_fields() == ["decide-decision_note"]
    assert all(b.value != "approve" for b in returning.buttons)
    assert "approve" not in returning.data().values()
    # Approval: a form of its own with no field to press Enter in, whose button asks first.
    assert approving.text_fields() == [] and not any(f["tag"] == "textarea" for f in approving.fields)
    assert approving.button("approve").attrs.get("data-confirm")
    response = client.post(returning.action, returning.enter(**{"decide-decision_note": "請補結案前評估"}))
    assert response.status_code == 302
    closure.refresh_from_db()
    assert closure.approved is False and closure.decision_note == "請補結案前評估"
    assert fresh(case).status == CaseStatus.SERVING


def test_a_case_in_review_leaves_it_only_by_the_supervisors_decision(as_user) -> None:  # type: ignore[no-untyped-def]
    case = change_status(worker_case(), CaseStatus.SERVING, by=user("worker"))
    in_review(case)
    client = as_user("worker")
    assert 'data-testid="move-' not in page(client.get(f"/cases/{case.pk}/"))
    moved = client.post(f"/cases/{case.pk}/status/", {"status": "follow_up"})
    assert moved.status_code == 200 and "status" in moved.context["form"].errors
    assert fresh(case).status == CaseStatus.REVIEW


def test_approval_needs_its_own_button_and_a_confirmation(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    closure = in_review(case)
    client = as_user("supervisor")
    url = f"/cases/closure-requests/{closure.pk}/decide/"
    _returning, approving = decide_forms(page(client.get(f"/cases/{case.pk}/")), closure)
    # The approve form sent without its button (a script, or Enter were there a field): no decision.
    bare = client.post(url, approving.data())
    assert bare.status_code == 200 and "decision" in bare.context["form"].errors
    # An older form's POST, or a hand-made one, naming approval without the confirmation: refused.
    replayed = client.post(url, {"decide-decision": "approve", "decide-decision_note": ""})
    assert replayed.status_code == 200 and "decision" in replayed.context["form"].errors
    assert fresh(case).status == CaseStatus.REVIEW
    done = client.post(url, approving.click("approve"))
    assert done.status_code == 302 and fresh(case).status == CaseStatus.CLOSED


def test_a_refused_return_keeps_the_note_typed_and_the_worker_reads_the_returned_note(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    closure = in_review(case)
    supervisor = as_user("supervisor")
    url = f"/cases/closure-requests/{closure.pk}/decide/"
    long_note = "請補上結案前評估與家訪紀錄" * 30  # over the 300 characters a note holds
    refused = supervisor.post(url, {"decide-decision": "return", "decide-decision_note": long_note})
    assert refused.status_code == 200 and fresh(case).status == CaseStatus.REVIEW
    returning, _approving = decide_forms(page(refused), closure)
    assert returning.data()["decide-decision_note"] == long_note  # nothing typed is lost
    assert 'data-testid="error-summary"' in page(refused)
    supervisor.post(url, {"decide-decision": "return", "decide-decision_note": "請補上結案前評估"})
    worker_page = page(as_user("worker").get(f"/cases/{case.pk}/"))
    block = worker_page.split('data-testid="returned-closure"')[1].split("</div>\n</div>")[0]
    assert "請補上結案前評估" in block and staff("supervisor").name in block
    # Asking again starts from what was sent: the reason and the checklist are chosen already.
    again = form_with(worker_page, action=f"/cases/{case.pk}/closure/")
    assert again.data()["close-reason"] == "goals_met" and again.data()["close-checklist"] == "plan_reviewed"


def test_the_final_moves_of_the_panel_ask_first_and_are_not_sent_by_enter(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    html = page(as_user("worker").get(f"/cases/{case.pk}/"))
    not_opened = form_with(html, action=f"/cases/{case.pk}/status/", having="reason")
    transfer = form_with(html, action=f"/cases/{case.pk}/transfer/")
    for form in (not_opened, transfer):
        assert form.text_fields() == [], form.action  # reasons are text areas: Enter starts a line
        assert form.buttons[0].attrs.get("data-confirm"), form.action
    closure_request = form_with(html, action=f"/cases/{case.pk}/closure/")
    assert "data-enter-moves" in closure_request.attrs
    closed = in_review(case)
    as_user("supervisor").post(f"/cases/closure-requests/{closed.pk}/decide/", APPROVE)
    reopen = form_with(page(as_user("worker").get(f"/cases/{case.pk}/")), action=f"/cases/{case.pk}/reopen/")
    assert reopen.text_fields() == [] and reopen.buttons[0].attrs.get("data-confirm")


def test_a_refused_form_of_the_panel_comes_back_with_what_was_typed(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    client = as_user("worker")
    typed = "家長表示將搬家，尚未確定地址"
    refused = client.post(f"/cases/{case.pk}/transfer/", {"xfer-to_unit": "", "xfer-reason": typed})
    assert refused.status_code == 200 and "to_unit" in refused.context["form"].errors
    again = form_with(page(refused), action=f"/cases/{case.pk}/transfer/")
    assert again.data()["xfer-reason"] == typed
    assert again.buttons[0].attrs.get("data-confirm")
    assert 'data-testid="error-summary"' in page(refused)


# --- transfer -------------------------------------------------------------------------------------


def test_a_transfer_is_asked_answered_by_the_receiving_supervisor_and_moves_the_case(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    to_unit = Unit.objects.get(name=OTHER_UNIT)
    asked = as_user("worker").post(
        f"/cases/{case.pk}/transfer/", {"xfer-to_unit": to_unit.pk, "xfer-reason": "遷居民雄"}
    )
    assert asked.status_code == 302
    transfer = Transfer.objects.get(case=case)
    boss = other_unit_supervisor_client()
    assert list(incoming_transfers(other_unit_supervisor())) == [transfer]
    assert transfer not in incoming_transfers(user("supervisor"))  # (the demo's own transfer waits there)
    assert not incoming_transfers(user("worker")).exists()
    assert boss.get(f"/cases/{case.pk}/").status_code == 404  # not theirs yet
    shown = page(boss.get(f"/cases/transfers/{transfer.pk}/"))
    assert case.person.name in shown and "遷居民雄" in shown and staff("worker").unit.name in shown
    assert as_user("supervisor").get(f"/cases/transfers/{transfer.pk}/").status_code == 404
    no_worker = boss.post(f"/cases/transfers/{transfer.pk}/decide/", {"decision": "accept"})
    assert no_worker.status_code == 200 and "請選擇移入單位的個案工作者" in page(no_worker)
    wrong = boss.post(
        f"/cases/transfers/{transfer.pk}/decide/", {"decision": "accept", "worker": staff("worker").pk}
    )
    assert "worker" in errors(wrong)
    accepted = boss.post(
        f"/cases/transfers/{transfer.pk}/decide/", {"decision": "accept", "worker": staff("otherunit").pk}
    )
    assert accepted.status_code == 302 and accepted["Location"] == f"/cases/{case.pk}/"
    assert (fresh(case).unit, fresh(case).lead) == (to_unit, staff("otherunit"))
    assert as_user("otherunit").get(f"/cases/{case.pk}/").status_code == 200
    assert as_user("worker").get(f"/cases/{case.pk}/").status_code == 404


def test_a_declined_transfer_needs_a_note(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    transfer = request_transfer(
        case, to_unit=Unit.objects.get(name=OTHER_UNIT), reason="遷居", by=user("worker")
    )
    boss = other_unit_supervisor_client()
    empty = boss.post(f"/cases/transfers/{transfer.pk}/decide/", {"decision": "decline"})
    assert empty.status_code == 200 and "不接受請寫明理由" in page(empty)
    declined = boss.post(
        f"/cases/transfers/{transfer.pk}/decide/", {"decision": "decline", "decision_note": "仍住朴子"}
    )
    assert declined.status_code == 302
    assert 'data-testid="transfer-answer"' in page(boss.get(f"/cases/transfers/{transfer.pk}/"))
    assert fresh(case).unit_id == staff("worker").unit_id


def test_the_receiving_supervisor_answers_with_two_buttons_neither_sent_by_enter(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    transfer = request_transfer(
        case, to_unit=Unit.objects.get(name=OTHER_UNIT), reason="遷居", by=user("worker")
    )
    boss = other_unit_supervisor_client()
    url = f"/cases/transfers/{transfer.pk}/decide/"
    html = page(boss.get(f"/cases/transfers/{transfer.pk}/"))
    accept = form_with(html, action=url, having="worker")
    decline = form_with(html, action=url, having="decision_note")
    for form in (accept, decline):
        assert form.text_fields() == [] and len(form.buttons) == 1
        assert form.buttons[0].attrs.get("data-confirm")
    assert accept.buttons[0].value == "accept" and decline.buttons[0].value == "decline"
    # A decline refused for want of a reason comes back with the worker chosen and nothing lost.
    refused = boss.post(url, decline.click("decline-transfer", decision_note="  "))
    assert refused.status_code == 200 and "decision_note" in refused.context["form"].errors
    assert (
        fresh(case).unit_id == staff("worker").unit_id
        and Transfer.objects.get(pk=transfer.pk).accepted is None
    )


def test_bad_transfer_input_is_a_message_not_an_error_page(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    client = as_user("worker")
    for data in (
        {"xfer-to_unit": "999999", "xfer-reason": "x"},
        {"xfer-to_unit": "abc"},
        {"xfer-to_unit": staff("worker").unit_id, "xfer-reason": "x"},  # its own unit is not offered
        {"xfer-to_unit": Unit.objects.get(name=OTHER_UNIT).pk, "xfer-reason": ""},
    ):
        response = client.post(f"/cases/{case.pk}/transfer/", data)
        assert errors(response), data
    assert not Transfer.objects.filter(case=case).exists()


# --- access ---------------------------------------------------------------------------------------

CASE_POSTS = ["status", "plan", "co-workers", "closure", "reopen", "transfer"]


@pytest.mark.parametrize("action", CASE_POSTS)
@pytest.mark.parametrize("persona", ["otherunit", "teammate"])
def test_a_worker_who_cannot_see_the_case_gets_404_on_every_post(as_user, persona: str, action: str) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    version = case.version
    response = as_user(persona).post(
        f"/cases/{case.pk}/{action}/", {"status": "serving", "plan-version": version}
    )
    assert response.status_code == 404
    assert fresh(case).version == version


def test_the_decisions_are_not_for_workers_nor_for_other_units_supervisors(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    closure = in_review(case)
    decide = f"/cases/closure-requests/{closure.pk}/decide/"
    assert as_user("worker").post(decide, {"decide-decision": "approve"}).status_code == 403
    assert as_user("otherunit").post(decide, {"decide-decision": "approve"}).status_code == 403
    assert other_unit_supervisor_client().post(decide, {"decide-decision": "approve"}).status_code == 404
    assert fresh(case).status == CaseStatus.REVIEW
    other = worker_case()
    transfer = request_transfer(
        other, to_unit=Unit.objects.get(name=OTHER_UNIT), reason="遷居", by=user("worker")
    )
    assert (
        as_user("otherunit")
        .post(f"/cases/transfers/{transfer.pk}/decide/", {"decision": "decline"})
        .status_code
        == 403
    )
    assert (
        as_user("supervisor")
        .post(f"/cases/transfers/{transfer.pk}/decide/", {"decision": "decline"})
        .status_code
        == 404
    )


def test_the_supervisor_of_the_unit_may_move_and_reopen_but_only_workers_ask_to_close(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    client = as_user("supervisor")
    assert client.post(f"/cases/{case.pk}/status/", {"status": "serving"}).status_code == 302
    asked = client.post(
        f"/cases/{case.pk}/closure/",
        {
            "close-version": fresh(case).version,
            "close-reason": "goals_met",
            "close-checklist": ["plan_reviewed"],
        },
    )
    assert asked.status_code == 404
    assert fresh(case).status == CaseStatus.SERVING
