"""The case-management instruments of DOMAIN §6, scored exactly, with their wording kept as data.

    from safetynet.domain.instruments import bsrs5
    result = bsrs5.score([1, 2, 0, 1, 3], suicide=0)

Every result is a frozen dataclass with `band` (a code), `risk` ("high" | "medium" | "low": what it
means for the case's visit plan), `label` (zh-Hant, for the worker), `total` where the instrument has
one, and `as_dict()`. The item wording is in `data/*.json`; each file's "source" says where it comes
from and what the county must still check against the official form.
"""

from __future__ import annotations

from collections.abc import Iterable

from safetynet.domain.instruments import bsrs5, psychiatric, sdm, tipvda, vulnerability

__all__ = [
    "INSTRUMENTS",
    "RISK_ORDER",
    "bsrs5",
    "highest_risk",
    "psychiatric",
    "sdm",
    "tipvda",
    "vulnerability",
]

INSTRUMENTS: dict[str, str] = {
    "bsrs5": "簡式健康量表(BSRS-5)",
    "tipvda": "台灣親密關係暴力危險評估表(TIPVDA)",
    "sdm_safety": "SDM安全評估",
    "sdm_risk": "SDM風險評估",
    "vulnerability": "家庭脆弱性指標",
    "psychiatric": "精神照護分級",
}

RISK_ORDER: dict[str, int] = {"low": 0, "medium": 1, "high": 2}


def highest_risk(risks: Iterable[str]) -> str | None:
    """The most serious of several results' risks (a case takes the worst); None when there is none."""
    risks = list(risks)
    for r in risks:
        if r not in RISK_ORDER:
            raise ValueError(f"unknown risk {r!r}: one of {', '.join(RISK_ORDER)} expected")
    return max(risks, key=RISK_ORDER.__getitem__, default=None)
