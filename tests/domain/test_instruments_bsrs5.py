"""BSRS-5: every band boundary, the suicide item that refers on its own, and what is not an answer."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain.instruments import bsrs5

BAND_ORDER = ["normal", "mild", "moderate", "severe"]
answers = st.lists(st.integers(min_value=0, max_value=4), min_size=5, max_size=5)


def items_for(total: int) -> list[int]:
    """Five answers 0-4 adding up to `total`."""
    return [min(4, max(0, total - 4 * i)) for i in range(5)]


def test_it_keeps_the_wording_as_data() -> None:
    assert len(bsrs5.ITEMS) == 5
    assert bsrs5.ITEMS[0] == "感覺緊張不安"
    assert bsrs5.SUICIDE_ITEM == "有自殺的想法"
    assert bsrs5.ANSWERS == ["完全沒有", "輕微", "中等程度", "厲害", "非常厲害"]
    assert bsrs5.RECALL == "最近一星期中(包括今天)"


@pytest.mark.parametrize(
    ("total", "band", "risk", "refer"),
    [
        (0, "normal", "low", False),
        (5, "normal", "low", False),
        (6, "mild", "low", False),
        (9, "mild", "low", False),
        (10, "moderate", "medium", False),
        (14, "moderate", "medium", False),
        (15, "severe", "high", True),
        (20, "severe", "high", True),
    ],
)
def test_it_bands_the_total_at_each_boundary(total: int, band: str, risk: str, refer: bool) -> None:
    result = bsrs5.score(items_for(total), suicide=0)
    assert (result.total, result.band, result.risk, result.refer) == (total, band, risk, refer)


def test_it_suggests_counselling_for_a_moderate_total_without_referring() -> None:
    result = bsrs5.score(items_for(12), suicide=1)
    assert result.label == "中度（建議心理諮商）"
    assert not result.refer


def test_it_refers_on_suicidal_thoughts_of_2_or_more_whatever_the_total() -> None:
    assert not bsrs5.score(items_for(0), suicide=1).refer
    result = bsrs5.score(items_for(0), suicide=2)
    assert (result.total, result.band, result.refer, result.risk) == (0, "normal", True, "high")
    assert "轉介" in result.label
    assert bsrs5.score(items_for(12), suicide=4).risk == "high"


def test_it_leaves_the_suicide_item_out_of_the_total() -> None:
    assert bsrs5.score([1, 1, 1, 1, 1], suicide=4).total == 5


@pytest.mark.parametrize(
    ("items", "suicide", "message"),
    [
        ([0, 0, 0, 0, -1], 0, "item 5"),
        ([5, 0, 0, 0, 0], 0, "item 1"),
        ([0, 0, 0, 0], 0, "5 item answers"),
        ([0, 0, 0, 0, 0, 0], 0, "5 item answers"),
        ([0, True, 0, 0, 0], 0, "item 2"),
        ([0, 0, 1.0, 0, 0], 0, "item 3"),
        ([0, 0, 0, 0, 0], 5, "suicide"),
        ([0, 0, 0, 0, 0], -1, "suicide"),
        ([0, 0, 0, 0, 0], False, "suicide"),
    ],
)
def test_it_rejects_what_is_not_an_answer(items: list[int], suicide: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        bsrs5.score(items, suicide)


def test_it_gives_a_frozen_result_that_serialises_to_json() -> None:
    result = bsrs5.score([4, 4, 4, 3, 0], suicide=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.total = 0  # type: ignore[misc]
    data = json.loads(json.dumps(result.as_dict()))
    assert data == {
        "instrument": "bsrs5",
        "items": [4, 4, 4, 3, 0],
        "suicide": 1,
        "total": 15,
        "band": "severe",
        "refer": True,
        "risk": "high",
        "label": "重度（轉介專業輔導或精神科）",
    }


@given(answers, st.integers(min_value=0, max_value=4))
def test_it_totals_the_five_items_and_refers_when_severe_or_suicidal(items: list[int], suicide: int) -> None:
    result = bsrs5.score(items, suicide)
    assert result.total == sum(items)
    assert result.refer == (result.total >= 15 or suicide >= 2)
    assert result.risk == ("high" if result.refer else "medium" if result.band == "moderate" else "low")


@given(answers, answers)
def test_it_never_gives_a_lower_band_to_a_higher_total(a: list[int], b: list[int]) -> None:
    low, high = sorted([bsrs5.score(a, 0), bsrs5.score(b, 0)], key=lambda r: r.total)
    assert BAND_ORDER.index(low.band) <= BAND_ORDER.index(high.band)
