"""Referral services: sending with a working-day clock, each side's moves, bad input changing nothing."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from safetynet.cases.models import Clock
from safetynet.cases.services import mark_overdue, meet_clock
from safetynet.core.errors import DomainError
from safetynet.core.models import Notification
from safetynet.domain.referral import MOVES, ReferralStatus, Side
from safetynet.referrals import services
from safetynet.referrals.models import Holiday, Referral, ReferralEvent, Service
from tests.referrals.helpers import S, category, move, partner_move, refer, referral_in, user, worker_case

pytestmark = pytest.mark.django_db


def test_sending_starts_the_partners_clock_of_working_days_and_tells_the_partner() -> None:
    referral = refer()
    assert referral.status == S.REQUESTED
    assert referral.route == "SWC" and referral.area_id == "10010"
    clock = referral.clock
    assert clock.name == "referral_response" and clock.case_id == referral.case_id
    assert clock.due_at == referral.due_at == services.response_due(referral.requested_at, category())
    assert "轉介回覆" in clock.label
    notes = Notification.objects.filter(user=user("partner"), kind="referral")
    assert notes.filter(url=f"/referrals/partner/{referral.pk}/").exists()
    assert [(e.from_status, e.to_status) for e in referral.events.all()] == [("draft", "requested")]


def test_the_deadline_counts_working_days_and_skips_holidays() -> None:
    friday = datetime.datetime(2025, 11, 28, 15, tzinfo=ZoneInfo("Asia/Taipei"))  # category: 5 working days
    assert timezone.localtime(services.response_due(friday, category())).date() == datetime.date(2025, 12, 5)
    Holiday.objects.create(date=datetime.date(2025, 12, 1), name="測試假日")
    assert timezone.localtime(services.response_due(friday, category())).date() == datetime.date(2025, 12, 8)


def test_a_draft_is_not_sent_and_the_partner_does_not_hear_of_it() -> None:
    referral = refer(send=False)
    assert referral.status == S.DRAFT and referral.clock is None
    assert not Notification.objects.filter(user=user("partner"), url__contains=str(referral.pk)).exists()
    sent = move(referral, S.REQUESTED, Side.REFERRER)
    assert sent.status == S.REQUESTED and sent.clock is not None


def test_the_partners_first_answer_meets_the_clock_and_tells_the_referrer() -> None:
    referral = refer()
    accepted = partner_move(referral, S.ACCEPTED)
    clock = Clock.objects.get(pk=referral.clock_id)
    assert clock.met_at == accepted.responded_at
    assert Notification.objects.filter(user=user("worker"), url=f"/referrals/{referral.pk}/").exists()


def test_the_partner_records_the_outcome_which_the_referrer_reads() -> None:
    referral = referral_in(S.IN_PROGRESS)
    done = partner_move(referral, S.COMPLETED, note="已核發兒少扶助金三個月")
    assert done.status == S.COMPLETED and done.outcome == "已核發兒少扶助金三個月"
    assert done.closed_at is not None


def test_withdrawing_an_unanswered_referral_cancels_its_clock() -> None:
    referral = refer()
    move(referral, S.CANCELED, Side.REFERRER, note="個案已自行求助")
    clock = Clock.objects.get(pk=referral.clock_id)
    assert clock.cancelled_at is not None and clock.met_at is None


def test_an_unanswered_referral_becomes_overdue_and_the_worker_and_supervisors_hear_of_it() -> None:
    referral = refer()
    mark_overdue(now=referral.due_at + datetime.timedelta(minutes=1))
    clock = Clock.objects.get(pk=referral.clock_id)
    assert clock.overdue_at is not None
    overdue = Notification.objects.filter(kind="overdue", message__contains="轉介回覆")
    assert {n.user.username for n in overdue} >= {"worker", "supervisor"}


def test_the_response_clock_is_not_met_by_hand() -> None:
    referral = refer()
    with pytest.raises(DomainError, match="合作單位回覆"):
        meet_clock(referral.clock, at=timezone.now(), by=user("worker"))


CELLS = [(here, there, side) for (here, there), sides in MOVES.items() for side in Side]


@pytest.mark.parametrize(("here", "there", "side"), CELLS, ids=[f"{h}-{t}-{s}" for h, t, s in CELLS])
def test_each_move_is_made_by_its_side_only(here: S, there: S, side: Side) -> None:
    referral = referral_in(here)
    if side in MOVES[(here, there)]:
        moved = move(referral, there, side)
        assert moved.status == there
        event = moved.events.order_by("-at", "-pk").first()
        assert (event.from_status, event.to_status, event.side) == (here, there, side)
    else:
        with pytest.raises(DomainError, match="操作"):
            move(referral, there, side)
        assert Referral.objects.get(pk=referral.pk).status == here


@pytest.mark.parametrize("state", [S.REJECTED, S.COMPLETED, S.FAILED, S.CANCELED])
def test_a_finished_referral_moves_no_more(state: S) -> None:
    referral = referral_in(state)
    for there in ReferralStatus:
        for side in Side:
            with pytest.raises(DomainError, match="不能由"):
                move(referral, there, side)


def test_skipping_a_step_is_refused_and_saves_nothing() -> None:
    referral = refer()
    events = ReferralEvent.objects.count()
    with pytest.raises(DomainError, match="不能由「已送出待回覆」改為「已完成」"):
        partner_move(referral, S.COMPLETED, note="完成")
    assert Referral.objects.get(pk=referral.pk).status == S.REQUESTED
    assert ReferralEvent.objects.count() == events


def test_a_partner_move_needs_a_user_of_that_partner() -> None:
    referral = refer()
    for name in ("worker", "teammate", "otherunit"):
        with pytest.raises(DomainError, match="嘉義家扶中心 的使用者"):
            services.move_referral(referral, S.ACCEPTED, side=Side.PARTNER, by=user(name))
    other = (
        Service.objects.exclude(organization__name="嘉義家扶中心").filter(categories__code="charity").first()
    )
    elsewhere = refer(service=other, category=category("charity"))
    with pytest.raises(DomainError, match="的使用者"):
        partner_move(elsewhere, S.ACCEPTED)


@pytest.mark.parametrize("state", [S.REJECTED, S.ON_HOLD, S.FAILED, S.CANCELED])
def test_a_refusal_hold_failure_or_cancellation_needs_its_reason(state: S) -> None:
    before = {
        S.REJECTED: S.REQUESTED,
        S.ON_HOLD: S.IN_PROGRESS,
        S.FAILED: S.IN_PROGRESS,
        S.CANCELED: S.ACCEPTED,
    }
    referral = referral_in(before[state])
    with pytest.raises(DomainError, match="請說明原因|請填寫辦理結果") as raised:
        move(referral, state, Side.PARTNER, note="  ")
    assert raised.value.field == "note"


def test_completing_needs_the_outcome() -> None:
    referral = referral_in(S.IN_PROGRESS)
    with pytest.raises(DomainError, match="辦理結果"):
        move(referral, S.COMPLETED, Side.PARTNER, note="")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": " "}, "reason"),
        ({"consent": ""}, "consent"),
        ({"consent": "not_needed"}, "legal_basis"),
        ({"shares": ["national_id"]}, "shares"),
        ({"urgency": "whenever"}, "urgency"),
        ({"category": "legal_aid"}, "service"),
    ],
)
def test_bad_input_names_its_field_and_saves_nothing(change: dict, field: str) -> None:
    case = worker_case()
    if "category" in change:
        change = {"category": category(change["category"])}
    before = Referral.objects.count()
    with pytest.raises(DomainError) as raised:
        refer(case, **change)
    assert raised.value.field == field
    assert Referral.objects.count() == before
    assert not Clock.objects.filter(case=case, name="referral_response").exists()


def test_without_consent_the_legal_basis_is_kept() -> None:
    referral = refer(consent="not_needed", legal_basis="兒童及少年福利與權益保障法第53條")
    assert referral.legal_basis.startswith("兒童及少年福利")


def test_a_closed_case_cannot_be_referred() -> None:
    case = worker_case()
    case.status = "closed"
    with pytest.raises(DomainError, match="已結案"):
        refer(case)


# --- links ---------------------------------------------------------------------------------------


def test_a_link_answers_once_and_is_spent() -> None:
    referral = refer()
    link, token = services.issue_link(referral, by=user("worker"))
    assert token not in link.nonce_digest
    answered = services.answer_by_link(token, S.ACCEPTED, by_name="陳社工")
    assert answered.status == S.ACCEPTED
    event = answered.events.order_by("-pk").first()
    assert event.via_link and event.by_name == "陳社工" and event.side == Side.PARTNER
    with pytest.raises(services.LinkRefused) as raised:
        services.answer_by_link(token, S.IN_PROGRESS, by_name="陳社工")
    assert raised.value.reason == "used"


def test_an_expired_tampered_or_finished_link_is_refused() -> None:
    referral = refer()
    link, token = services.issue_link(referral, by=user("worker"), days=1)
    later = link.expires_at + datetime.timedelta(seconds=1)
    with pytest.raises(services.LinkRefused) as expired:
        services.open_link(token, now=later)
    assert expired.value.reason == "expired"
    with pytest.raises(services.LinkRefused) as tampered:
        services.open_link(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert tampered.value.reason == "invalid"
    move(referral, S.CANCELED, Side.REFERRER, note="撤回")
    with pytest.raises(services.LinkRefused) as closed:
        services.open_link(token)
    assert closed.value.reason == "closed"


def test_a_link_answer_is_signed_by_a_name() -> None:
    _, token = services.issue_link(refer(), by=user("worker"))
    with pytest.raises(DomainError, match="回覆人"):
        services.answer_by_link(token, S.ACCEPTED, by_name=" ")
    assert services.open_link(token).used_at is None


def test_a_draft_gets_no_link() -> None:
    with pytest.raises(DomainError, match="回覆連結"):
        services.issue_link(refer(send=False), by=user("worker"))
