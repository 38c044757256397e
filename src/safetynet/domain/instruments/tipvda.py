"""TIPVDA (台灣親密關係暴力危險評估表), DOMAIN §6: 15 yes/no items, the total is the number of yes.

0-5 潛在危險, 6-7 注意危險, 8-15 高度危險 (listed for the monthly high-risk network meeting). The high
threshold is the rule set's `tipvda_high`, so it is a parameter here rather than a second copy of 8.
The tool was made for female victims of intimate-partner violence: for anyone else the score is only
indicative, and the UI says so with `REFERENCE_ONLY_NOTE`. Wording is in `data/tipvda.json`, in
zh-Hant (ITEMS, the note, the result's label) and in English (`wording("en")`, `label(..., "en")`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from safetynet.domain.instruments._common import Risk, by_language, is_whole, language, load, result_dict

__all__ = [
    "CAUTION_AT",
    "HIGH_AT",
    "ITEMS",
    "REFERENCE_ONLY_NOTE",
    "TipvdaResult",
    "label",
    "reference_only",
    "score",
    "wording",
]

_DATA = load("tipvda.json")
_WORDING = by_language(_DATA)
ITEMS: list[str] = list(_DATA["items"])
REFERENCE_ONLY_NOTE: str = _DATA["reference_only_note"]

CAUTION_AT = 6
HIGH_AT = 8
_RISK: dict[str, Risk] = {"high": "high", "caution": "medium", "potential": "low"}


@dataclass(frozen=True)
class TipvdaResult:
    answers: tuple[bool, ...]
    total: int
    band: str  # potential | caution | high
    high_risk: bool  # total >= high_at: 高危機網絡會議
    high_at: int
    risk: Risk
    label: str

    def as_dict(self) -> dict[str, Any]:
        return result_dict(self, "tipvda")


def wording(lang: str | None = None) -> dict[str, Any]:
    """The form's words in a language (`language`): name, instructions, items, answers (yes, no), bands,
    reference_only_note."""
    return copy.deepcopy(_WORDING[language(lang)])


def label(band: str, lang: str | None = None) -> str:
    """What a band means; zh-Hant (the label a result keeps) unless another language is asked for."""
    return str(_WORDING[language(lang)]["bands"][band])


def score(answers: Sequence[bool], high_at: int = HIGH_AT) -> TipvdaResult:
    """Count the yes answers; exactly 15 answers, each a bool (not 0/1), else `ValueError`."""
    if not is_whole(high_at) or not 1 <= high_at <= len(ITEMS):
        raise ValueError(f"TIPVDA: high_at must be a whole number from 1 to {len(ITEMS)}, got {high_at!r}")
    if len(answers) != len(ITEMS):
        raise ValueError(f"TIPVDA: {len(ITEMS)} answers expected, got {len(answers)}")
    for i, answer in enumerate(answers, start=1):
        if not isinstance(answer, bool):
            raise ValueError(f"TIPVDA item {i}: yes or no (a bool) expected, got {answer!r}")
    total = sum(answers)
    band = "high" if total >= high_at else "caution" if total >= CAUTION_AT else "potential"
    return TipvdaResult(tuple(answers), total, band, total >= high_at, high_at, _RISK[band], label(band))


def reference_only(victim_female: bool, intimate: bool) -> bool:
    """True when the score is only indicative (「僅能供參」): the victim is not a woman in an intimate relationship."""
    return not (victim_female and intimate)
