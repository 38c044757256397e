"""Referral pages: the worker refers from the case, the partner answers in its portal or through a link."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safetynet.people.models import Person
from safetynet.referrals import services
from safetynet.referrals.models import Referral, ReferralLink, Service
from tests.html_forms import form_with, forms
from tests.referrals.helpers import S, category, partner_move, partner_service, refer, user, worker_case
from tests.seeds import SEED_000_REFERRALS

pytestmark = pytest.mark.django_db


def form_data(**extra: str | list[str]) -> dict[str, str | list[str]]:
    data: dict[str, str | list[str]] = {
        "category": str(category().pk),
        "service": str(partner_service().pk),
        "urgency": "urgent",
        "reason": "需要兒少扶助",
        "consent": "verbal",
        "shares": ["name", "age"],
        "action": "send",
    }
    data.update(extra)
    return data


def test_the_worker_refers_from_the_case_page(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    worker = as_user("worker")
    page = worker.get(f"/cases/{case.pk}/").content.decode()
    assert f"/referrals/cases/{case.pk}/new/" in page
    response = worker.post(f"/referrals/cases/{case.pk}/new/", form_data())
    referral = Referral.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == f"/referrals/{referral.pk}/"
    assert (referral.status, referral.urgency, referral.shares) == ("requested", "urgent", ["name", "age"])
    assert "嘉義家扶中心" in worker.get(f"/referrals/{referral.pk}/").content.decode()


def test_a_form_error_lands_on_its_field_and_saves_nothing(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    response = as_user("worker").post(
        f"/referrals/cases/{case.pk}/new/", form_data(consent="not_needed", legal_basis="")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["legal_basis"] == ["未經同意轉介，請寫明法律依據"]
    other = Service.objects.get(organization__name="財團法人法律扶助基金會嘉義分會")
    response = as_user("worker").post(f"/referrals/cases/{case.pk}/new/", form_data(service=str(other.pk)))
    assert "service" in response.context["form"].errors
    assert not Referral.objects.filter(case=case).exists()


def test_the_service_choices_follow_the_category(as_user) -> None:  # type: ignore[no-untyped-def]
    page = (
        as_user("worker")
        .get(f"/referrals/service-options/?category={category('employment').pk}")
        .content.decode()
    )
    assert "朴子就業中心" in page and "嘉義家扶中心" not in page


def test_a_draft_is_saved_without_reaching_the_partner(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    as_user("worker").post(f"/referrals/cases/{case.pk}/new/", form_data(action="draft"))
    referral = Referral.objects.get(case=case)
    assert referral.status == "draft"
    assert (
        f"/referrals/partner/{referral.pk}/"
        not in as_user("partner").get("/referrals/partner/").content.decode()
    )
    assert as_user("partner").get(f"/referrals/partner/{referral.pk}/").status_code == 404


def test_the_partner_accepts_then_completes_and_the_worker_reads_the_outcome(as_user) -> None:  # type: ignore[no-untyped-def]
    referral = refer()
    partner = as_user("partner")
    assert f"/referrals/partner/{referral.pk}/" in partner.get("/referrals/partner/").content.decode()
    for to, note in (("accepted", ""), ("in_progress", ""), ("completed", "已核定扶助")):
        response = partner.post(f"/referrals/partner/{referral.pk}/move/", {"to": to, "note": note})
        assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == "completed"
    page = as_user("worker").get(f"/referrals/{referral.pk}/").content.decode()
    assert "已核定扶助" in page and "已完成" in page


def test_a_move_of_the_other_side_is_refused_with_a_message(as_user) -> None:  # type: ignore[no-untyped-def]
    referral = refer()
    response = as_user("worker").post(f"/referrals/{referral.pk}/move/", {"to": "accepted"}, follow=True)
    assert "由合作單位操作" in response.content.decode()
    response = as_user("partner").post(
        f"/referrals/partner/{referral.pk}/move/", {"to": "rejected"}, follow=True
    )
    assert Referral.objects.get(pk=referral.pk).status == "requested"


def test_a_partner_asking_for_another_organisations_referral_gets_404(as_user) -> None:  # type: ignore[no-untyped-def]
    other = Service.objects.get(organization__name="嘉義縣慈善團體聯合協會")
    referral = refer(service=other, category=category("charity"))
    partner = as_user("partner")
    assert partner.get(f"/referrals/partner/{referral.pk}/").status_code == 404
    assert partner.post(f"/referrals/partner/{referral.pk}/move/", {"to": "accepted"}).status_code == 404
    assert partner.get(f"/referrals/{referral.pk}/").status_code == 403


def test_the_partner_reads_only_what_was_shared_and_never_the_national_id(as_user) -> None:  # type: ignore[no-untyped-def]
    referral = refer(shares=["name", "age"])
    person = referral.case.person
    Person.objects.filter(pk=person.pk).update(phones="")
    page = as_user("partner").get(f"/referrals/partner/{referral.pk}/").content.decode()
    assert person.name in page
    assert person.address not in page or not person.address
    assert "身分證" not in page


def test_a_sexual_assault_victim_is_masked_for_the_partner(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case(types=("VF", "SA"), role="victim")
    referral = refer(case, shares=["name", "age", "phone", "address"])
    page = as_user("partner").get(f"/referrals/partner/{referral.pk}/").content.decode()
    assert "林○美" in page and "林小美" not in page


# --- the single-use link -------------------------------------------------------------------------


def test_a_partner_without_an_account_answers_once_through_the_link(as_user) -> None:  # type: ignore[no-untyped-def]
    referral = refer(shares=["name"])
    response = as_user("worker").post(f"/referrals/{referral.pk}/link/")
    link = response.context["new_link"]
    path = link.split("testserver", 1)[1]
    anonymous = as_user(None)
    page = anonymous.get(path)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert referral.case.person.name in page.content.decode()
    done = anonymous.post(path, {"to": "accepted", "by_name": "王主任"})
    assert 'data-testid="link-done"' in done.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == "accepted"
    again = anonymous.get(path)
    assert again.status_code == 410
    body = again.content.decode()
    assert "已使用過" in body and referral.case.person.name not in body


def test_an_expired_or_forged_link_shows_a_clear_page_and_no_data(as_user) -> None:  # type: ignore[no-untyped-def]
    referral = refer(shares=["name"])
    link, token = services.issue_link(referral, by=user("worker"))
    ReferralLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    page = as_user(None).get(f"/referrals/answer/{token}/")
    assert page.status_code == 410 and "已過期" in page.content.decode()
    assert referral.case.person.name not in page.content.decode()
    forged = as_user(None).get("/referrals/answer/not-a-token/")
    assert forged.status_code == 410 and "無效" in forged.content.decode()


def test_a_link_answer_without_a_name_is_refused_on_its_field(as_user) -> None:  # type: ignore[no-untyped-def]
    _, token = services.issue_link(refer(), by=user("worker"))
    response = as_user(None).post(f"/referrals/answer/{token}/", {"to": "rejected", "by_name": "王"})
    assert response.status_code == 200 and "note" in response.context["form"].errors
    assert Referral.objects.filter(status="requested").exists()


# --- lists and statistics ------------------------------------------------------------------------


def test_the_worker_sees_overdue_referrals_first(as_user) -> None:  # type: ignore[no-untyped-def]
    referral = refer()
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    page = as_user("worker").get("/referrals/?show=overdue").content.decode()
    assert 'data-testid="referrals-overdue"' in page and f"/referrals/{referral.pk}/" in page
    assert (
        f"/referrals/{referral.pk}/" in as_user("supervisor").get("/referrals/?show=overdue").content.decode()
    )


def test_the_statistics_reproduce_seed_000s_table(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("manager").get(
        "/referrals/stats/", {"area": "10010", "start": "107/01/01", "end": "109/12/31", "route": "MHSW"}
    )
    summary = response.context["summary"]
    table = {c.name: n for c, n in summary.by_category}
    assert table == SEED_000_REFERRALS
    assert summary.total == 450
    assert list(table) == [c.name for c, _ in summary.by_category]  # the seed's order
    assert summary.county.closed_loop.denominator == 450


def test_a_bad_period_is_a_field_error(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("manager").get(
        "/referrals/stats/", {"area": "10010", "start": "109/01/01", "end": "108/01/01"}
    )
    assert response.status_code == 200 and "end" in response.context["form"].errors
    response = as_user("manager").get("/referrals/stats/", {"area": "63000"})
    assert "area" in response.context["form"].errors


def test_the_directory_filters_by_category(as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user("worker").get("/referrals/directory/?category=psychiatric_placement").content.decode()
    assert "大恩精神護理之家" in page and "法律扶助基金會" not in page


def test_a_partner_closing_with_an_empty_outcome_is_refused(as_user) -> None:  # type: ignore[no-untyped-def]
    referral = refer()
    partner_move(referral, S.ACCEPTED)
    partner_move(Referral.objects.get(pk=referral.pk), S.IN_PROGRESS)
    response = as_user("partner").post(
        f"/referrals/partner/{referral.pk}/move/", {"to": "completed", "note": ""}, follow=True
    )
    assert Referral.objects.get(pk=referral.pk).status == "in_progress"
    assert response.status_code == 200


BAD_VALUES = ["abc", "-1", "9" * 30, "%00", "'; drop table referrals_referral;--", "<script>x</script>"]


@pytest.mark.parametrize("bad", BAD_VALUES)
def test_no_query_or_form_value_answers_500(as_user, bad: str) -> None:  # type: ignore[no-untyped-def]
    referral = refer()
    worker, manager, partner = as_user("worker"), as_user("manager"), as_user("partner")
    for client, url in [
        (worker, f"/referrals/service-options/?category={bad}"),
        (worker, f"/referrals/?show={bad}"),
        (worker, f"/referrals/cases/{referral.case_id}/new/?category={bad}"),
        (manager, f"/referrals/stats/?area={bad}&start={bad}&end={bad}&route={bad}"),
        (manager, f"/referrals/directory/?category={bad}&q={bad}"),
        (as_user(None), f"/referrals/answer/{bad}/"),
    ]:
        assert client.get(url).status_code < 500, url
    for client, url, data in [
        (worker, f"/referrals/{referral.pk}/move/", {"to": bad, "note": bad}),
        (partner, f"/referrals/partner/{referral.pk}/move/", {"to": bad, "note": bad}),
        (
            worker,
            f"/referrals/cases/{referral.case_id}/new/",
            {"category": bad, "service": bad, "urgency": bad, "consent": bad, "shares": [bad], "reason": bad},
        ),
    ]:
        assert client.post(url, data).status_code < 500, url
    assert Referral.objects.get(pk=referral.pk).status == "requested"


# --- decisions that end a referral ask first; a refused one keeps what was typed -----------------


def test_cancelling_asks_first_and_its_reason_is_never_sent_by_enter(as_user) -> None:  # type: ignore[no-untyped-def]
    referral = refer()
    html = as_user("worker").get(f"/referrals/{referral.pk}/").content.decode()
    cancel = form_with(html, action=f"/referrals/{referral.pk}/move/", having="note")
    assert cancel.data()["to"] == "canceled"
    assert cancel.text_fields() == []  # the reason is a text area: Enter starts a new line
    assert cancel.button("confirm-canceled").attrs.get("data-confirm")


def test_the_partners_decline_asks_first_and_accepting_does_not(as_user) -> None:  # type: ignore[no-untyped-def]
    referral = refer()
    html = as_user("partner").get(f"/referrals/partner/{referral.pk}/").content.decode()
    action = f"/referrals/partner/{referral.pk}/move/"
    moves = {f.data()["to"]: f for f in forms(html) if f.action == action}
    assert moves["rejected"].text_fields() == [] and moves["rejected"].buttons[0].attrs.get("data-confirm")
    assert moves["canceled"].buttons[0].attrs.get("data-confirm")
    assert not moves["accepted"].buttons[0].attrs.get("data-confirm")  # reversible, the usual answer


def test_a_refused_move_comes_back_open_with_the_note_as_typed(as_user) -> None:  # type: ignore[no-untyped-def]
    referral = refer()
    typed = "案家已自行聯繫其他單位。" * 200  # more than a note holds
    response = as_user("worker").post(f"/referrals/{referral.pk}/move/", {"to": "canceled", "note": typed})
    assert response.status_code == 200 and Referral.objects.get(pk=referral.pk).status == "requested"
    html = response.content.decode()
    assert 'data-testid="error-summary"' in html
    cancel = form_with(html, action=f"/referrals/{referral.pk}/move/", having="note")
    assert cancel.data()["note"] == typed and "<details open>" in html
    # The partner's page does the same for its decline.
    declined = as_user("partner").post(
        f"/referrals/partner/{referral.pk}/move/", {"to": "rejected", "note": " "}
    )
    assert declined.status_code == 200 and "note" in declined.context["move_form"].errors
    assert Referral.objects.get(pk=referral.pk).status == "requested"


def test_the_link_answer_is_sent_only_by_its_button_which_asks_first(as_user) -> None:  # type: ignore[no-untyped-def]
    _, token = services.issue_link(refer(), by=user("worker"))
    html = as_user(None).get(f"/referrals/answer/{token}/").content.decode()
    answer = form_with(html, action="")
    assert "data-enter-moves" in answer.attrs and answer.button("send-answer").attrs.get("data-confirm")
    refused = as_user(None).post(
        f"/referrals/answer/{token}/", {"to": "rejected", "note": "名額已滿", "by_name": ""}
    )
    assert refused.status_code == 200
    again = form_with(refused.content.decode(), action="")
    assert again.data()["to"] == "rejected" and again.data()["note"] == "名額已滿"
