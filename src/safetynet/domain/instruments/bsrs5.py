"""BSRS-5 (簡式健康量表, 心情溫度計), DOMAIN §6: five items scored 0-4 and summed, plus a suicide item.

The suicide item stays out of the total on purpose: someone who scores 0 on the five items but 2 on
suicidal thoughts is referred all the same, so `refer` looks at both. Wording is in `data/bsrs5.json`,
in zh-Hant (ITEMS, ANSWERS, the result's label) and in English (`wording("en")`, `label(..., "en")`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from safetynet.domain.instruments._common import Risk, by_language, is_whole, language, load, result_dict

__all__ = [
    "ANSWERS",
    "ITEMS",
    "RECALL",
    "SUICIDE_ITEM",
    "SUICIDE_REFER_AT",
    "Bsrs5Result",
    "label",
    "score",
    "wording",
]

_DATA = load("bsrs5.json")
_WORDING = by_language(_DATA)
ITEMS: list[str] = list(_DATA["items"])
SUICIDE_ITEM: str = _DATA["suicide_item"]
ANSWERS: list[str] = list(_DATA["answers"])  # the label of answer 0, 1, 2, 3, 4
RECALL: str = _DATA["recall"]

SUICIDE_REFER_AT = 2
_BANDS = (("severe", 15), ("moderate", 10), ("mild", 6), ("normal", 0))  # highest first
_MAX_ANSWER = len(ANSWERS) - 1


@dataclass(frozen=True)
class Bsrs5Result:
    items: tuple[int, ...]
    suicide: int
    total: int
    band: str  # normal | mild | moderate | severe
    refer: bool  # to professional counselling or psychiatry
    risk: Risk
    label: str

    def as_dict(self) -> dict[str, Any]:
        return result_dict(self, "bsrs5")


def _check(answer: object, what: str) -> int:
    if is_whole(answer) and 0 <= answer <= _MAX_ANSWER:
        return answer
    raise ValueError(f"BSRS-5 {what}: a whole number from 0 to {_MAX_ANSWER} expected, got {answer!r}")


def wording(lang: str | None = None) -> dict[str, Any]:
    """The form's words in a language (`language`): name, recall, instructions, items, suicide_item,
    answers, bands, suicide_refer."""
    return copy.deepcopy(_WORDING[language(lang)])


def label(band: str, suicidal: bool = False, lang: str | None = None) -> str:
    """What a band means, and the referral for suicidal thoughts when they scored 2 or more; zh-Hant
    (the label a result keeps) unless another language is asked for."""
    chosen = language(lang)
    words = _WORDING[chosen]
    if not suicidal:
        return str(words["bands"][band])
    return f"{words['bands'][band]}{'；' if chosen == 'zh-Hant' else '; '}{words['suicide_refer']}"


def score(items: Sequence[int], suicide: int) -> Bsrs5Result:
    """Score the five items and the suicide item; `ValueError` names the first answer that is not 0-4."""
    if len(items) != len(ITEMS):
        raise ValueError(f"BSRS-5: {len(ITEMS)} item answers expected, got {len(items)}")
    answers = tuple(_check(a, f"item {i}") for i, a in enumerate(items, start=1))
    suicide = _check(suicide, "suicide item")
    total = sum(answers)
    band = next(code for code, low in _BANDS if total >= low)
    suicidal = suicide >= SUICIDE_REFER_AT
    refer = band == "severe" or suicidal
    risk: Risk = "high" if refer else "medium" if band == "moderate" else "low"
    return Bsrs5Result(answers, suicide, total, band, refer, risk, label(band, suicidal))
