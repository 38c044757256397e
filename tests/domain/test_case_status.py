from __future__ import annotations

import pytest

from safetynet.domain.casestatus import OPEN, TRANSITIONS, CaseStatus, IllegalTransition, check_transition


def test_a_dispatched_case_moves_from_pending_to_assessing() -> None:
    assert check_transition("pending", "assessing") is CaseStatus.ASSESSING


def test_a_closed_case_cannot_skip_to_serving_but_can_be_reopened() -> None:
    with pytest.raises(IllegalTransition):
        check_transition("closed", "serving")
    assert check_transition("closed", "assessing") is CaseStatus.ASSESSING


def test_closing_needs_the_supervisors_review_first() -> None:
    with pytest.raises(IllegalTransition):
        check_transition("serving", "closed")


def test_the_case_model_offers_exactly_the_lifecycles_statuses() -> None:
    from safetynet.cases.models import Case

    assert [code for code, _label in Case._meta.get_field("status").choices] == [s.value for s in CaseStatus]


ALL_MOVES = [(here, there) for here in CaseStatus for there in CaseStatus]
ALLOWED = [(here, there) for here, there in ALL_MOVES if there in TRANSITIONS[here]]
REFUSED = [(here, there) for here, there in ALL_MOVES if there not in TRANSITIONS[here]]


@pytest.mark.parametrize(("here", "there"), ALLOWED, ids=[f"{a}-{b}" for a, b in ALLOWED])
def test_it_allows_every_move_in_the_table(here: CaseStatus, there: CaseStatus) -> None:
    assert check_transition(here.value, there.value) is there


@pytest.mark.parametrize(("here", "there"), REFUSED, ids=[f"{a}-{b}" for a, b in REFUSED])
def test_it_refuses_every_move_not_in_the_table(here: CaseStatus, there: CaseStatus) -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_transition(here.value, there.value)
    assert (caught.value.current, caught.value.wanted) == (here, there)


def test_it_declares_the_lifecycle_of_domain_section_7() -> None:
    s = CaseStatus
    assert set(ALLOWED) == {
        (s.PENDING, s.ASSESSING),
        (s.ASSESSING, s.SERVING),
        (s.ASSESSING, s.NOT_OPENED),
        (s.ASSESSING, s.REVIEW),
        (s.SERVING, s.FOLLOW_UP),
        (s.SERVING, s.REVIEW),
        (s.FOLLOW_UP, s.SERVING),
        (s.FOLLOW_UP, s.REVIEW),
        (s.REVIEW, s.CLOSED),
        (s.REVIEW, s.ASSESSING),
        (s.REVIEW, s.SERVING),
        (s.REVIEW, s.FOLLOW_UP),
        (s.CLOSED, s.ASSESSING),
        (s.CLOSED, s.PENDING),
        (s.NOT_OPENED, s.ASSESSING),
        (s.NOT_OPENED, s.PENDING),
    }


def test_no_move_stays_in_place_and_only_closed_states_are_not_open() -> None:
    assert all(here not in TRANSITIONS[here] for here in CaseStatus)
    assert set(CaseStatus) - OPEN == {CaseStatus.CLOSED, CaseStatus.NOT_OPENED}


def test_an_unknown_status_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        check_transition("serving", "archived")
