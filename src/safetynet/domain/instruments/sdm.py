"""SDM (結構化決策模式) for child protection, DOMAIN §6: the safety assessment and the risk assessment.

Safety (per child): no danger factor (1A) → 安全; danger factors with at least one protective capacity
(1B) and a safety plan → 有計畫才安全; otherwise 不安全, and removal is considered. Risk: scored items
summed and cut into 低/中/高/非常高 by cut-offs a county may change. Items and default cut-offs are in
`data/sdm.json`; its source notes say which wording still has to be checked against the official form.
SAFETY, RISK and the results' labels are in zh-Hant; `safety_catalogue("en")`, `risk_catalogue("en")`,
`safety_label(..., "en")` and `risk_label(..., "en")` give the English.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from safetynet.domain.instruments._common import Risk, by_language, is_whole, language, load, result_dict

__all__ = [
    "RISK",
    "RISK_LEVELS",
    "SAFETY",
    "RiskCatalogue",
    "RiskItem",
    "RiskOption",
    "RiskResult",
    "SafetyCatalogue",
    "SafetyResult",
    "risk",
    "risk_catalogue",
    "risk_label",
    "safety",
    "safety_catalogue",
    "safety_label",
    "wording",
]


@dataclass(frozen=True)
class SafetyCatalogue:
    danger: Mapping[str, str]  # 1A 危險因素: code → text
    protective: Mapping[str, str]  # 1B 目前的保護能力: code → text
    labels: Mapping[str, str]  # band → its meaning
    source: str


@dataclass(frozen=True)
class RiskOption:
    points: int
    text: str


@dataclass(frozen=True)
class RiskItem:
    code: str
    text: str
    options: tuple[RiskOption, ...]

    @property
    def points(self) -> frozenset[int]:
        return frozenset(o.points for o in self.options)


@dataclass(frozen=True)
class RiskCatalogue:
    items: tuple[RiskItem, ...]
    cutoffs: Mapping[str, int]  # level → lowest total of that level
    labels: Mapping[str, str]  # level → 低/中/高/非常高 (or its English)
    source: str


RISK_LEVELS = ("low", "moderate", "high", "very_high")
_SAFETY_RISK: dict[str, Risk] = {"unsafe": "high", "safe_with_plan": "medium", "safe": "low"}
_LEVEL_RISK: dict[str, Risk] = {"very_high": "high", "high": "high", "moderate": "medium", "low": "low"}


def _risk_item(raw: Mapping[str, Any]) -> RiskItem:
    options = tuple(RiskOption(int(o["points"]), str(o["text"])) for o in raw["options"])
    if len({o.points for o in options}) != len(options):
        raise ValueError(f"sdm.json: item {raw['code']} gives the same points to two options")
    return RiskItem(str(raw["code"]), str(raw["text"]), options)


_DATA = load("sdm.json")
_WORDING = by_language(_DATA)


def wording(lang: str | None = None) -> dict[str, Any]:
    """The words of both assessments in a language (`language`): safety and risk, each with name, source
    and its items and bands."""
    return copy.deepcopy(_WORDING[language(lang)])


def safety_catalogue(lang: str | None = None) -> SafetyCatalogue:
    """The safety assessment worded in a language (`language`); zh-Hant, the form of record, unless asked."""
    words = _WORDING[language(lang)]["safety"]
    return SafetyCatalogue(
        dict(words["danger"]), dict(words["protective"]), dict(words["bands"]), words["source"]
    )


def risk_catalogue(lang: str | None = None) -> RiskCatalogue:
    """The risk assessment worded in a language (`language`), with the default cut-offs."""
    words = _WORDING[language(lang)]["risk"]
    return RiskCatalogue(
        tuple(_risk_item(raw) for raw in words["items"]),
        dict(_DATA["risk"]["cutoffs"]),
        dict(words["bands"]),
        words["source"],
    )


def safety_label(band: str, lang: str | None = None) -> str:
    """What a safety decision means; zh-Hant (the label a result keeps) unless another language is asked for."""
    return str(_WORDING[language(lang)]["safety"]["bands"][band])


def risk_label(band: str, lang: str | None = None) -> str:
    """What a risk level means; zh-Hant (the label a result keeps) unless another language is asked for."""
    return str(_WORDING[language(lang)]["risk"]["bands"][band])


SAFETY = safety_catalogue()
RISK = risk_catalogue()


@dataclass(frozen=True)
class SafetyResult:
    danger: tuple[str, ...]
    protective: tuple[str, ...]
    plan: bool
    total: int  # danger factors present
    band: str  # safe | safe_with_plan | unsafe
    needs_plan: bool  # the child stays home only under a safety plan
    risk: Risk
    label: str

    def as_dict(self) -> dict[str, Any]:
        return result_dict(self, "sdm_safety")


@dataclass(frozen=True)
class RiskResult:
    answers: Mapping[str, int]  # item code → points, in catalogue order
    total: int
    band: str  # low | moderate | high | very_high
    cutoffs: Mapping[str, int]  # the cut-offs used, so that a stored result can be re-read
    risk: Risk
    label: str

    def as_dict(self) -> dict[str, Any]:
        return result_dict(self, "sdm_risk")


def _known(codes: Collection[str], catalogue: Mapping[str, str], what: str) -> tuple[str, ...]:
    if isinstance(codes, str):
        raise ValueError(f"SDM safety: a collection of {what} codes expected, not the string {codes!r}")
    for code in codes:
        if code not in catalogue:
            raise ValueError(f"SDM safety: unknown {what} {code!r}")
    return tuple(code for code in catalogue if code in codes)


def safety(danger: Collection[str], protective: Collection[str], *, plan: bool) -> SafetyResult:
    """The safety decision for one child from the danger factors and protective capacities ticked."""
    found = _known(danger, SAFETY.danger, "danger factor")
    capacities = _known(protective, SAFETY.protective, "protective capacity")
    if not isinstance(plan, bool):
        raise ValueError(f"SDM safety: plan must be True or False, got {plan!r}")
    if not found:
        band = "safe"
    elif capacities and plan:
        band = "safe_with_plan"
    else:
        band = "unsafe"
    return SafetyResult(
        found,
        capacities,
        plan,
        len(found),
        band,
        band == "safe_with_plan",
        _SAFETY_RISK[band],
        safety_label(band),
    )


def _checked_cutoffs(cutoffs: Mapping[str, int]) -> dict[str, int]:
    if set(cutoffs) != set(RISK_LEVELS):
        raise ValueError(
            f"SDM risk cut-offs: exactly {', '.join(RISK_LEVELS)} expected, got {sorted(cutoffs)}"
        )
    values = [cutoffs[level] for level in RISK_LEVELS]
    if not all(is_whole(v) for v in values):
        raise ValueError(f"SDM risk cut-offs: whole numbers expected, got {dict(cutoffs)}")
    if values[0] != 0:
        raise ValueError(f"SDM risk cut-offs: low starts at 0, got {values[0]}")
    if any(lower >= upper for lower, upper in zip(values, values[1:], strict=False)):
        raise ValueError(
            f"SDM risk cut-offs must ascend (low < moderate < high < very_high), got {dict(cutoffs)}"
        )
    return dict(zip(RISK_LEVELS, values, strict=True))


def risk(answers: Mapping[str, int], cutoffs: Mapping[str, int] | None = None) -> RiskResult:
    """Sum the points of every item and cut the total; each answer is the points of one of its item's options."""
    levels = _checked_cutoffs(RISK.cutoffs if cutoffs is None else cutoffs)
    codes = {item.code for item in RISK.items}
    for code in answers:
        if code not in codes:
            raise ValueError(f"SDM risk: unknown item {code!r}")
    scored: dict[str, int] = {}
    for item in RISK.items:
        if item.code not in answers:
            raise ValueError(f"SDM risk: item {item.code} is not answered")
        points = answers[item.code]
        if not is_whole(points) or points not in item.points:
            raise ValueError(
                f"SDM risk item {item.code}: one of {sorted(item.points)} expected, got {points!r}"
            )
        scored[item.code] = points
    total = sum(scored.values())
    band = [level for level in RISK_LEVELS if total >= levels[level]][-1]
    return RiskResult(scored, total, band, levels, _LEVEL_RISK[band], risk_label(band))
