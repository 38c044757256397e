"""TIPVDA: 15 yes/no answers, the 5/6 and 7/8 boundaries, the threshold parameter, and 「僅能供參」."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain.instruments import tipvda
from safetynet.domain.instruments._common import load

BAND_ORDER = ["potential", "caution", "high"]
answer_lists = st.lists(st.booleans(), min_size=15, max_size=15)


def yes(n: int) -> list[bool]:
    return [True] * n + [False] * (15 - n)


def test_it_has_fifteen_items_and_says_the_wording_must_be_checked() -> None:
    assert len(tipvda.ITEMS) == 15
    assert all(tipvda.ITEMS)
    assert "核對" in load("tipvda.json")["source"]


@pytest.mark.parametrize(
    ("total", "band", "risk", "high_risk"),
    [
        (0, "potential", "low", False),
        (5, "potential", "low", False),
        (6, "caution", "medium", False),
        (7, "caution", "medium", False),
        (8, "high", "high", True),
        (15, "high", "high", True),
    ],
)
def test_it_bands_the_count_of_yes_at_each_boundary(
    total: int, band: str, risk: str, high_risk: bool
) -> None:
    result = tipvda.score(yes(total))
    assert (result.total, result.band, result.risk, result.high_risk) == (total, band, risk, high_risk)


def test_it_takes_the_high_threshold_from_the_rule_set() -> None:
    assert tipvda.score(yes(8), high_at=9).band == "caution"
    assert not tipvda.score(yes(8), high_at=9).high_risk
    assert tipvda.score(yes(9), high_at=9).high_risk


@pytest.mark.parametrize(
    ("answers", "high_at", "message"),
    [
        (yes(0)[:14], 8, "15 answers"),
        ([*yes(0), False], 8, "15 answers"),
        ([1] + yes(0)[1:], 8, "item 1"),
        (yes(0)[:14] + [None], 8, "item 15"),
        (yes(0), 0, "high_at"),
        (yes(0), 16, "high_at"),
        (yes(0), True, "high_at"),
    ],
)
def test_it_rejects_what_is_not_fifteen_yes_or_no_answers(
    answers: list[bool], high_at: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        tipvda.score(answers, high_at=high_at)


def test_it_says_the_score_is_only_indicative_outside_female_intimate_partner_victims() -> None:
    assert not tipvda.reference_only(victim_female=True, intimate=True)
    assert tipvda.reference_only(victim_female=False, intimate=True)
    assert tipvda.reference_only(victim_female=True, intimate=False)
    assert tipvda.reference_only(victim_female=False, intimate=False)
    assert "僅能供參" in tipvda.REFERENCE_ONLY_NOTE


def test_it_serialises_its_result() -> None:
    data = json.loads(json.dumps(tipvda.score(yes(6)).as_dict()))
    assert data["instrument"] == "tipvda"
    assert (data["total"], data["band"], data["label"]) == (6, "caution", "注意危險")
    assert len(data["answers"]) == 15


@given(answer_lists, st.integers(min_value=1, max_value=15))
def test_it_counts_the_yes_answers_and_flags_high_risk_at_the_threshold(
    answers: list[bool], high_at: int
) -> None:
    result = tipvda.score(answers, high_at=high_at)
    assert result.total == answers.count(True)
    assert result.high_risk == (result.total >= high_at) == (result.band == "high")


@given(answer_lists, answer_lists)
def test_it_never_gives_a_lower_band_to_more_yes_answers(a: list[bool], b: list[bool]) -> None:
    low, high = sorted([tipvda.score(a), tipvda.score(b)], key=lambda r: r.total)
    assert BAND_ORDER.index(low.band) <= BAND_ORDER.index(high.band)
