"""The instruments package: their names, and the worst risk of several results."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain import instruments
from safetynet.domain.instruments import INSTRUMENTS, RISK_ORDER, highest_risk


def test_it_names_every_instrument_in_zh_hant() -> None:
    assert INSTRUMENTS == {
        "bsrs5": "簡式健康量表(BSRS-5)",
        "tipvda": "台灣親密關係暴力危險評估表(TIPVDA)",
        "sdm_safety": "SDM安全評估",
        "sdm_risk": "SDM風險評估",
        "vulnerability": "家庭脆弱性指標",
        "psychiatric": "精神照護分級",
    }


def test_it_names_each_result_by_an_instrument_code() -> None:
    results = [
        instruments.bsrs5.score([0] * 5, 0),
        instruments.tipvda.score([False] * 15),
        instruments.sdm.safety([], [], plan=False),
        instruments.sdm.risk({item.code: 0 for item in instruments.sdm.RISK.items}),
        instruments.vulnerability.assess([]),
        instruments.psychiatric.level(3),
    ]
    assert [r.as_dict()["instrument"] for r in results] == list(INSTRUMENTS)
    assert all(r.risk in RISK_ORDER for r in results)


def test_it_takes_the_highest_risk() -> None:
    assert highest_risk([]) is None
    assert highest_risk(["low"]) == "low"
    assert highest_risk(["low", "high", "medium"]) == "high"
    assert highest_risk(iter(["medium", "low"])) == "medium"


def test_it_rejects_an_unknown_risk() -> None:
    with pytest.raises(ValueError, match="'severe'"):
        highest_risk(["low", "severe"])


@given(st.lists(st.sampled_from(sorted(RISK_ORDER)), min_size=1))
def test_it_never_returns_a_risk_lower_than_any_given(risks: list[str]) -> None:
    worst = highest_risk(risks)
    assert worst in risks
    assert all(RISK_ORDER[r] <= RISK_ORDER[worst] for r in risks)
