"""精神照護 levels 1-5: who follows the person and what it means for the visit plan; nothing outside 1-5."""

from __future__ import annotations

import json
from typing import Any

import pytest

from safetynet.domain.instruments import psychiatric


@pytest.mark.parametrize(
    ("value", "followed_by_cv", "risk"),
    [(1, True, "medium"), (2, True, "low"), (3, False, "low"), (4, False, "low"), (5, False, "low")],
)
def test_it_reads_each_level(value: int, followed_by_cv: bool, risk: str) -> None:
    result = psychiatric.level(value)
    assert (result.level, result.band, result.followed_by_cv, result.risk) == (
        value,
        str(value),
        followed_by_cv,
        risk,
    )
    assert result.label == psychiatric.LABELS[str(value)]
    assert result.label.startswith(f"第{value}級")


def test_it_says_level_1_is_just_discharged() -> None:
    assert "出院" in psychiatric.level(1).label


@pytest.mark.parametrize("value", [0, 6, -1, True, 1.0, "1", None])
def test_it_rejects_anything_but_a_level_from_1_to_5(value: Any) -> None:
    with pytest.raises(ValueError, match="1 to 5"):
        psychiatric.level(value)


def test_it_serialises_its_result() -> None:
    data = json.loads(json.dumps(psychiatric.level(2).as_dict()))
    assert data["instrument"] == "psychiatric"
    assert (data["level"], data["band"], data["followed_by_cv"]) == (2, "2", True)
