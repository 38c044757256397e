"""The case-management instruments of DOMAIN §6, scored exactly, with their wording kept as data.

    from safetynet.domain.instruments import bsrs5
    result = bsrs5.score([1, 2, 0, 1, 3], suicide=0)

Every result is a frozen dataclass with `band` (a code), `risk` ("high" | "medium" | "low": what it
means for the case's visit plan), `label` (zh-Hant, for the worker), `total` where the instrument has
one, and `as_dict()`. The item wording is in `data/*.json`; each file's "source" says where it comes
from and what the county must still check against the official form.

The zh-Hant wording is the form of record and the one a result's `label` keeps. Each file also holds an
English working translation of the same shape, for reading: `wording(instrument, language)`,
`name(instrument, language)` and `label(result, language)` take a language code ("en", "en-us" → English;
anything else → zh-Hant), so a caller passes the language of the page without this package knowing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from safetynet.domain.instruments import bsrs5, psychiatric, sdm, tipvda, vulnerability
from safetynet.domain.instruments._common import LANGUAGES, Language, language

__all__ = [
    "INSTRUMENTS",
    "LANGUAGES",
    "NAMES",
    "RISK_ORDER",
    "Language",
    "bsrs5",
    "highest_risk",
    "label",
    "language",
    "name",
    "names",
    "psychiatric",
    "sdm",
    "tipvda",
    "vulnerability",
    "wording",
]

INSTRUMENTS: dict[str, str] = {
    "bsrs5": "簡式健康量表(BSRS-5)",
    "tipvda": "台灣親密關係暴力危險評估表(TIPVDA)",
    "sdm_safety": "SDM安全評估",
    "sdm_risk": "SDM風險評估",
    "vulnerability": "家庭脆弱性指標",
    "psychiatric": "精神照護分級",
}

NAMES: dict[Language, dict[str, str]] = {
    "zh-Hant": INSTRUMENTS,
    "en": {
        "bsrs5": "Brief Symptom Rating Scale (BSRS-5)",
        "tipvda": "Taiwan Intimate Partner Violence Danger Assessment (TIPVDA)",
        "sdm_safety": "SDM safety assessment",
        "sdm_risk": "SDM risk assessment",
        "vulnerability": "Family vulnerability indicator",
        "psychiatric": "Psychiatric care level",
    },
}

RISK_ORDER: dict[str, int] = {"low": 0, "medium": 1, "high": 2}


def highest_risk(risks: Iterable[str]) -> str | None:
    """The most serious of several results' risks (a case takes the worst); None when there is none."""
    risks = list(risks)
    for r in risks:
        if r not in RISK_ORDER:
            raise ValueError(f"unknown risk {r!r}: one of {', '.join(RISK_ORDER)} expected")
    return max(risks, key=RISK_ORDER.__getitem__, default=None)


def names(lang: str | None = None) -> dict[str, str]:
    """Every instrument's name in a language (`language`), code → name, in the order of INSTRUMENTS."""
    return dict(NAMES[language(lang)])


def name(instrument: str, lang: str | None = None) -> str:
    """An instrument's name in a language; `KeyError` for an unknown instrument."""
    return NAMES[language(lang)][instrument]


_WORDING: dict[str, Callable[[str | None], dict[str, Any]]] = {
    "bsrs5": bsrs5.wording,
    "tipvda": tipvda.wording,
    "sdm_safety": lambda lang: dict(sdm.wording(lang)["safety"]),
    "sdm_risk": lambda lang: dict(sdm.wording(lang)["risk"]),
    "vulnerability": vulnerability.wording,
    "psychiatric": psychiatric.wording,
}
# The label of a band, by instrument (BSRS-5's also says whether to refer for the suicide answer).
_BAND_LABEL: dict[str, Callable[[str, str | None], str]] = {
    "tipvda": tipvda.label,
    "sdm_safety": sdm.safety_label,
    "sdm_risk": sdm.risk_label,
    "vulnerability": vulnerability.label,
    "psychiatric": psychiatric.label,
}


def wording(instrument: str, lang: str | None = None) -> dict[str, Any]:
    """An instrument's words in a language, a copy of its data file's part in that language (the zh-Hant
    one without the keys that are not words, e.g. "cutoffs"); `KeyError` for an unknown instrument."""
    return _WORDING[instrument](lang)


def label(result: Any, lang: str | None = None) -> str:
    """What a result means in a language: a result of `score` and the like, or its `as_dict()` as a
    record keeps it (instrument, band, and for BSRS-5 the suicide answer). In zh-Hant it is the result's
    own label; `KeyError` or `ValueError` for an instrument or band the data does not know."""
    data: Mapping[str, Any] = result if isinstance(result, Mapping) else result.as_dict()
    instrument, band = str(data["instrument"]), str(data["band"])
    if instrument == "bsrs5":
        suicide = data.get("suicide") or 0
        if not isinstance(suicide, int):
            raise ValueError(f"BSRS-5 suicide answer: a whole number expected, got {suicide!r}")
        return bsrs5.label(band, suicide >= bsrs5.SUICIDE_REFER_AT, lang)
    return _BAND_LABEL[instrument](band, lang)
