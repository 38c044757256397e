from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain.dispatch import Candidate, choose_worker


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
