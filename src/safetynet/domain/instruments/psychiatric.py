"""精神照護 levels 1-5, DOMAIN §6: level 1 is just discharged and needs the most follow-up; the more stable,
the higher the level. Levels 1-2 are followed by a 關懷訪視員 (route CV). Labels are in `data/psychiatric.json`,
in zh-Hant (LABELS, the result's label) and in English (`wording("en")`, `label(..., "en")`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from safetynet.domain.instruments._common import Risk, by_language, is_whole, language, load, result_dict

__all__ = ["CV_LEVELS", "LABELS", "PsychiatricResult", "label", "level", "wording"]

_DATA = load("psychiatric.json")
_WORDING = by_language(_DATA)
LABELS: dict[str, str] = dict(_DATA["levels"])  # "1".."5" → zh-Hant meaning
CV_LEVELS: frozenset[int] = frozenset(_DATA["followed_by_cv"])
# The risk a level gives the visit plan (DOMAIN §5): level 1 is visited monthly and level 2 every two
# months by default, the CV route's medium and low rows; high is kept for a suicide risk on top.
_RISK: dict[int, Risk] = {1: "medium"}  # 2-5: low


@dataclass(frozen=True)
class PsychiatricResult:
    level: int
    band: str  # "1".."5"
    followed_by_cv: bool
    risk: Risk
    label: str

    def as_dict(self) -> dict[str, Any]:
        return result_dict(self, "psychiatric")


def wording(lang: str | None = None) -> dict[str, Any]:
    """The levels' words in a language (`language`): name and levels ("1".."5" → meaning)."""
    return copy.deepcopy(_WORDING[language(lang)])


def label(band: str, lang: str | None = None) -> str:
    """What a level ("1".."5") means; zh-Hant (the label a result keeps) unless another language is asked for."""
    return str(_WORDING[language(lang)]["levels"][band])


def level(value: int) -> PsychiatricResult:
    """The meaning of a care level; `ValueError` for anything but a whole number 1-5."""
    if not is_whole(value) or str(value) not in LABELS:
        raise ValueError(
            f"psychiatric care level: a whole number from 1 to {len(LABELS)} expected, got {value!r}"
        )
    band = str(value)
    return PsychiatricResult(value, band, value in CV_LEVELS, _RISK.get(value, "low"), label(band))
