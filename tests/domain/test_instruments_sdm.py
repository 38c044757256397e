"""SDM safety (安全 / 有計畫才安全 / 不安全) and risk (低/中/高/非常高 by configurable cut-offs)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain.instruments import sdm

ITEMS = sdm.RISK.items
MAX_TOTAL = sum(max(item.points) for item in ITEMS)
LEVEL_ORDER = list(sdm.RISK_LEVELS)
CUTOFFS = {"low": 0, "moderate": 3, "high": 6, "very_high": 9}


def answers_for(total: int) -> dict[str, int]:
    """Answers whose points add up to `total`, filling the items in order."""
    answers = {}
    for item in ITEMS:
        points = max((p for p in item.points if p <= total), default=0)
        answers[item.code] = points
        total -= points
    assert total == 0
    return answers


risk_answers = st.fixed_dictionaries({item.code: st.sampled_from(sorted(item.points)) for item in ITEMS})


# --- safety -------------------------------------------------------------------------------------------


def test_it_lists_danger_factors_and_protective_capacities_from_data() -> None:
    assert list(sdm.SAFETY.danger) == [f"d{i}" for i in range(1, 13)]
    assert list(sdm.SAFETY.protective) == [f"p{i}" for i in range(1, len(sdm.SAFETY.protective) + 1)]
    assert all(sdm.SAFETY.danger.values()) and all(sdm.SAFETY.protective.values())
    assert "核對" in sdm.SAFETY.source


@pytest.mark.parametrize(
    ("danger", "protective", "plan", "band", "risk", "needs_plan"),
    [
        ([], [], False, "safe", "low", False),
        ([], ["p1"], True, "safe", "low", False),
        (["d2"], ["p1"], True, "safe_with_plan", "medium", True),
        (["d2", "d5"], ["p1", "p3"], True, "safe_with_plan", "medium", True),
        (["d2"], [], True, "unsafe", "high", False),
        (["d2"], ["p1"], False, "unsafe", "high", False),
        (["d1", "d7", "d11"], [], False, "unsafe", "high", False),
    ],
)
def test_it_decides_safety_from_danger_capacities_and_plan(
    danger: list[str], protective: list[str], plan: bool, band: str, risk: str, needs_plan: bool
) -> None:
    result = sdm.safety(danger, protective, plan=plan)
    assert (result.band, result.risk, result.needs_plan, result.total) == (
        band,
        risk,
        needs_plan,
        len(danger),
    )
    assert result.label == sdm.SAFETY.labels[band]


def test_it_labels_the_three_safety_decisions() -> None:
    assert sdm.safety([], [], plan=False).label == "安全"
    assert sdm.safety(["d1"], ["p1"], plan=True).label.startswith("有計畫才安全")
    assert sdm.safety(["d1"], [], plan=False).label.startswith("不安全")


def test_it_keeps_codes_once_in_catalogue_order() -> None:
    result = sdm.safety(["d9", "d1", "d9"], {"p2", "p1"}, plan=True)
    assert (result.danger, result.protective, result.total) == (("d1", "d9"), ("p1", "p2"), 2)


@pytest.mark.parametrize(
    ("danger", "protective", "plan", "message"),
    [
        (["d99"], [], False, "'d99'"),
        (["p1"], [], False, "danger factor 'p1'"),
        ([], ["d1"], False, "protective capacity 'd1'"),
        ("d1", [], False, "string"),
        (["d1"], ["p1"], 1, "plan"),
    ],
)
def test_it_rejects_unknown_codes_and_a_plan_that_is_not_a_bool(
    danger: Any, protective: Any, plan: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        sdm.safety(danger, protective, plan=plan)


def test_it_serialises_a_safety_result() -> None:
    data = json.loads(json.dumps(sdm.safety(["d3"], ["p2"], plan=True).as_dict()))
    assert data["instrument"] == "sdm_safety"
    assert (data["danger"], data["band"], data["needs_plan"]) == (["d3"], "safe_with_plan", True)


# --- risk ---------------------------------------------------------------------------------------------


def test_it_scores_risk_items_with_default_cut_offs_from_data() -> None:
    assert dict(sdm.RISK.cutoffs) == CUTOFFS
    assert [o.points for o in ITEMS[0].options] == [0, 1, 2]
    assert dict(sdm.RISK.labels) == {"low": "低", "moderate": "中", "high": "高", "very_high": "非常高"}


@pytest.mark.parametrize(
    ("total", "band", "risk"),
    [
        (0, "low", "low"),
        (2, "low", "low"),
        (3, "moderate", "medium"),
        (5, "moderate", "medium"),
        (6, "high", "high"),
        (8, "high", "high"),
        (9, "very_high", "high"),
        (MAX_TOTAL, "very_high", "high"),
    ],
)
def test_it_cuts_the_risk_total_at_each_default_boundary(total: int, band: str, risk: str) -> None:
    result = sdm.risk(answers_for(total))
    assert (result.total, result.band, result.risk) == (total, band, risk)
    assert result.label == sdm.RISK.labels[band]


@pytest.mark.parametrize(
    ("total", "band"), [(0, "low"), (1, "moderate"), (3, "moderate"), (4, "high"), (5, "very_high")]
)
def test_it_cuts_at_the_county_s_own_cut_offs(total: int, band: str) -> None:
    cutoffs = {"low": 0, "moderate": 1, "high": 4, "very_high": 5}
    result = sdm.risk(answers_for(total), cutoffs)
    assert result.band == band
    assert dict(result.cutoffs) == cutoffs


@pytest.mark.parametrize(
    ("cutoffs", "message"),
    [
        ({"low": 0, "moderate": 3, "high": 3, "very_high": 9}, "ascend"),
        ({"low": 0, "moderate": 6, "high": 3, "very_high": 9}, "ascend"),
        ({"low": 0, "moderate": 3, "high": 6}, "exactly"),
        ({"low": 0, "moderate": 3, "high": 6, "very_high": 9, "extreme": 12}, "exactly"),
        ({"low": 1, "moderate": 3, "high": 6, "very_high": 9}, "low starts at 0"),
        ({"low": 0, "moderate": True, "high": 6, "very_high": 9}, "whole numbers"),
        ({"low": 0, "moderate": 3.5, "high": 6, "very_high": 9}, "whole numbers"),
    ],
)
def test_it_rejects_cut_offs_that_do_not_ascend(cutoffs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sdm.risk(answers_for(0), cutoffs)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"r3": 2}, "r3"),
        ({"r1": -1}, "r1"),
        ({"r4": True}, "r4"),
        ({"r99": 0}, "unknown item 'r99'"),
    ],
)
def test_it_rejects_answers_that_are_not_an_option(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sdm.risk(answers_for(0) | change)


def test_it_wants_every_risk_item_answered() -> None:
    answers = answers_for(0)
    del answers["r7"]
    with pytest.raises(ValueError, match="r7 is not answered"):
        sdm.risk(answers)


def test_it_serialises_a_risk_result() -> None:
    data = json.loads(json.dumps(sdm.risk(answers_for(7)).as_dict()))
    assert data["instrument"] == "sdm_risk"
    assert (data["total"], data["band"], data["label"], data["cutoffs"]) == (7, "high", "高", CUTOFFS)


@given(risk_answers)
def test_it_sums_the_points_of_the_risk_answers(answers: dict[str, int]) -> None:
    assert sdm.risk(answers).total == sum(answers.values())


@given(risk_answers, risk_answers)
def test_it_never_gives_a_lower_risk_level_to_a_higher_total(a: dict[str, int], b: dict[str, int]) -> None:
    low, high = sorted([sdm.risk(a), sdm.risk(b)], key=lambda r: r.total)
    assert LEVEL_ORDER.index(low.band) <= LEVEL_ORDER.index(high.band)
