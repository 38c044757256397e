"""Small cells are hidden, and a lone hidden cell beside a printed total takes a second one with it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain.disclosure import hidden


def test_counts_of_one_and_two_are_hidden_and_zero_is_shown() -> None:
    assert hidden([0, 1, 2, 3, None], with_total=False) == {1, 2}


def test_one_small_cell_beside_a_total_hides_the_smallest_other_non_zero_cell_too() -> None:
    # seed 000's referral table: 心衛中心到宅精神鑑定 1 would follow from the total 450 and the rest
    column = [35, 1, 30, 13, 26, 7, 26, 5, 307]
    assert hidden(column, with_total=True) == {1, 7}


def test_two_small_cells_need_nothing_more() -> None:
    assert hidden([1, 2, 40], with_total=True) == {0, 1}


@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=50)), max_size=12))
def test_no_hidden_cell_can_be_worked_out_from_a_total(values: list[int | None]) -> None:
    hide = hidden(values, with_total=True)
    assert all(values[i] for i in hide)  # only non-zero counts are ever hidden
    assert {i for i, v in enumerate(values) if v is not None and 0 < v < 3} <= hide
    if hide:
        others_shown = [i for i, v in enumerate(values) if v and i not in hide]
        assert len(hide) >= 2 or not others_shown
