"""The referral task's moves: every allowed move by its side, every other move and side refused."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain.referral import (
    FINAL,
    MOVES,
    OPEN,
    IllegalMove,
    PersonFacts,
    ReferralStatus,
    Side,
    add_working_days,
    check_move,
    mask_name,
    moves_for,
    needs_note,
    partner_view,
    working_days_between,
)

S = ReferralStatus
CELLS = [(here, there, side) for here in S for there in S for side in Side]
ALLOWED = [(h, t, s) for h, t, s in CELLS if s in MOVES.get((h, t), frozenset())]
WRONG_SIDE = [(h, t, s) for h, t, s in CELLS if (h, t) in MOVES and s not in MOVES[(h, t)]]
NOT_A_MOVE = [(h, t, s) for h, t, s in CELLS if (h, t) not in MOVES]


def ids(cells: list[tuple[S, S, Side]]) -> list[str]:
    return [f"{h}-{t}-by-{s}" for h, t, s in cells]


@pytest.mark.parametrize(("here", "there", "side"), ALLOWED, ids=ids(ALLOWED))
def test_it_allows_every_move_to_the_side_that_makes_it(here: S, there: S, side: Side) -> None:
    assert check_move(here, there, side) is there


@pytest.mark.parametrize(("here", "there", "side"), WRONG_SIDE, ids=ids(WRONG_SIDE))
def test_it_refuses_a_move_made_by_the_other_side(here: S, there: S, side: Side) -> None:
    with pytest.raises(IllegalMove, match="the other side makes this move"):
        check_move(here, there, side)


@pytest.mark.parametrize(("here", "there", "side"), NOT_A_MOVE, ids=ids(NOT_A_MOVE))
def test_it_refuses_every_move_not_in_the_table(here: S, there: S, side: Side) -> None:
    with pytest.raises(IllegalMove, match="not a move"):
        check_move(here, there, side)


def test_the_table_is_the_gravity_referral_task() -> None:
    by = {(h.value, t.value): sorted(s.value for s in sides) for (h, t), sides in MOVES.items()}
    assert by == {
        ("draft", "requested"): ["referrer"],
        ("draft", "canceled"): ["referrer"],
        ("requested", "accepted"): ["partner"],
        ("requested", "rejected"): ["partner"],
        ("requested", "canceled"): ["partner", "referrer"],
        ("accepted", "in_progress"): ["partner"],
        ("accepted", "canceled"): ["partner", "referrer"],
        ("in_progress", "on_hold"): ["partner"],
        ("in_progress", "completed"): ["partner"],
        ("in_progress", "failed"): ["partner"],
        ("in_progress", "canceled"): ["partner", "referrer"],
        ("on_hold", "in_progress"): ["partner"],
        ("on_hold", "failed"): ["partner"],
        ("on_hold", "canceled"): ["partner", "referrer"],
    }


def test_a_final_state_has_no_move_out_and_every_open_one_can_be_canceled() -> None:
    for state in FINAL:
        assert moves_for(state, Side.REFERRER) == moves_for(state, Side.PARTNER) == []
    for state in OPEN:
        assert S.CANCELED in moves_for(state, Side.REFERRER)
        assert S.CANCELED in moves_for(state, Side.PARTNER)


def test_the_partner_sees_its_choices_in_order() -> None:
    assert moves_for("requested", "partner") == [S.ACCEPTED, S.REJECTED, S.CANCELED]
    assert moves_for("in_progress", "partner") == [S.ON_HOLD, S.COMPLETED, S.FAILED, S.CANCELED]
    assert moves_for("requested", "referrer") == [S.CANCELED]


def test_a_reason_is_required_to_reject_cancel_hold_fail_or_complete() -> None:
    assert [s.value for s in S if needs_note(s)] == ["rejected", "on_hold", "completed", "failed", "canceled"]


@given(st.sampled_from(list(S)), st.sampled_from(list(S)), st.sampled_from(list(Side)))
def test_a_move_is_allowed_exactly_when_the_table_says_so(here: S, there: S, side: Side) -> None:
    try:
        check_move(here, there, side)
    except IllegalMove:
        assert side not in MOVES.get((here, there), frozenset())
    else:
        assert side in MOVES[(here, there)]


# --- working days --------------------------------------------------------------------------------

FRIDAY = datetime.date(2025, 11, 28)


def test_working_days_skip_the_weekend_and_holidays() -> None:
    assert add_working_days(FRIDAY, 1) == datetime.date(2025, 12, 1)  # Monday
    assert add_working_days(FRIDAY, 5) == datetime.date(2025, 12, 5)
    assert add_working_days(FRIDAY, 1, holidays={datetime.date(2025, 12, 1)}) == datetime.date(2025, 12, 2)
    assert add_working_days(datetime.date(2025, 11, 29), 1) == datetime.date(2025, 12, 1)  # Saturday
    assert add_working_days(FRIDAY, 0) == FRIDAY


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(FRIDAY, -1)


@given(st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 1, 1)), st.integers(0, 60))
def test_counting_back_the_working_days_gives_the_days_added(start: datetime.date, days: int) -> None:
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    assert end.weekday() < 5 or days == 0


# --- what the partner sees -----------------------------------------------------------------------

PERSON = PersonFacts("王小明", "M", datetime.date(1980, 6, 1), "0912000000", "朴子市某路1號", "朴子市")
TODAY = datetime.date(2025, 5, 31)


def test_names_are_masked_in_the_middle() -> None:
    assert [mask_name(n) for n in ("王小明", "王明", "歐陽小明", "", "A")] == [
        "王○明",
        "王○",
        "歐○○明",
        "",
        "A○",
    ]


def test_a_partner_reads_only_what_the_referrer_shared() -> None:
    view = partner_view(PERSON, {"name", "age", "phone"}, protected=False, on=TODAY)
    assert view == {"name": "王小明", "age": "44", "phone": "0912000000"}


def test_a_sexual_assault_victim_reaches_the_partner_masked_without_contact_details() -> None:
    everything = {"name", "sex", "age", "birth_date", "phone", "address", "town"}
    view = partner_view(PERSON, everything, protected=True, on=TODAY)
    assert view == {"name": "王○明", "sex": "M", "age": "44", "town": "朴子市"}
