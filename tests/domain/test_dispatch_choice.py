from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain.dispatch import Candidate, Standing, choose_worker, standing


def test_the_lowest_load_ratio_wins_not_the_fewest_cases() -> None:
    visitor = Candidate(1, open_cases=20, standard=40)  # 50%
    social = Candidate(2, open_cases=15, standard=25)  # 60%
    assert choose_worker([social, visitor]) == visitor


def test_workers_on_leave_or_at_the_standard_are_passed_over() -> None:
    away = Candidate(1, open_cases=0, standard=25, on_leave=True)
    full = Candidate(2, open_cases=25, standard=25)
    busy = Candidate(3, open_cases=24, standard=25)
    assert choose_worker([away, full, busy]) == busy


def test_nobody_is_chosen_when_everyone_is_full_or_away() -> None:
    assert choose_worker([Candidate(1, 30, 25), Candidate(2, 0, 25, on_leave=True)]) is None
    assert choose_worker([]) is None


def test_a_role_without_a_standard_is_never_full() -> None:
    assert choose_worker([Candidate(1, 300, None)]) == Candidate(1, 300, None)


candidates = st.lists(
    st.builds(
        Candidate,
        id=st.integers(1, 50),
        open_cases=st.integers(0, 60),
        standard=st.one_of(st.none(), st.integers(1, 60)),
        on_leave=st.booleans(),
    ),
    max_size=12,
    unique_by=lambda c: c.id,
)


@given(candidates)
def test_the_choice_is_available_and_does_not_depend_on_order(pool: list[Candidate]) -> None:
    chosen = choose_worker(pool)
    assert chosen == choose_worker(list(reversed(pool)))
    if chosen is None:
        assert all(c.on_leave or c.full for c in pool)
    else:
        assert not chosen.on_leave and not chosen.full


# --- why a worker was suggested (the dispatch queue says it in words) ---------------------------------


def test_the_suggested_worker_stands_lowest_while_nobody_available_is_lower() -> None:
    pool = [
        Candidate(1, 5, 25),
        Candidate(2, 5, 25),
        Candidate(3, 20, 25),
        Candidate(4, 0, 25, on_leave=True),
    ]
    here = standing(1, pool)
    assert here == Standing(ratio=0.2, on_leave=False, full=False, lowest=True)  # a tie is still the lowest
    assert standing(3, pool) == Standing(ratio=0.8, on_leave=False, full=False, lowest=False)


def test_a_suggested_worker_gone_on_leave_or_full_is_said_so() -> None:
    pool = [Candidate(1, 25, 25), Candidate(2, 3, 25, on_leave=True), Candidate(3, 10, 25)]
    assert standing(1, pool) == Standing(ratio=1.0, on_leave=False, full=True, lowest=False)
    away = standing(2, pool)
    assert away is not None and away.on_leave and away.lowest  # lowest, but away: the page says "on leave"
    assert standing(99, pool) is None  # no longer in the unit


@given(candidates)
def test_the_worker_the_rule_chooses_always_stands_lowest(pool: list[Candidate]) -> None:
    chosen = choose_worker(pool)
    if chosen is not None:
        here = standing(chosen.id, pool)
        assert here is not None and here.lowest and not here.on_leave and not here.full
