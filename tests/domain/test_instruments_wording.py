"""The instruments in English: a working translation of exactly the zh-Hant wording's shape, asked for by
language, that never changes a score or the label a result keeps."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from safetynet.domain import instruments
from safetynet.domain.instruments import (
    INSTRUMENTS,
    bsrs5,
    language,
    psychiatric,
    sdm,
    tipvda,
    vulnerability,
)
from safetynet.domain.instruments._common import shape_problems

HAN = re.compile(r"[\u3400-\u9fff\uff08\uff09\uff0c\uff1a\uff1b\u3001\u3002]")  # Han and full-width marks

# What each instrument's reader counts: items, answers, bands.
COUNTS: dict[str, Callable[[dict[str, Any]], object]] = {
    "bsrs5": lambda w: (len(w["items"]), len(w["answers"]), sorted(w["bands"])),
    "tipvda": lambda w: (len(w["items"]), sorted(w["answers"]), sorted(w["bands"])),
    "sdm_safety": lambda w: (sorted(w["danger"]), sorted(w["protective"]), sorted(w["bands"])),
    "sdm_risk": lambda w: (
        [(i["code"], [o["points"] for o in i["options"]]) for i in w["items"]],
        sorted(w["bands"]),
    ),
    "vulnerability": lambda w: (
        [(d["code"], [(f["code"], f["grade"]) for f in d["factors"]]) for d in w["dimensions"]],
        sorted(w["bands"]),
        sorted(w["grades"]),
    ),
    "psychiatric": lambda w: sorted(w["levels"]),
}


def texts(value: object) -> list[str]:
    """Every text of a wording, codes and grades included."""
    if isinstance(value, dict):
        return [t for v in value.values() for t in texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    return [value] if isinstance(value, str) else []


def keys(value: object, where: str = "") -> set[str]:
    """Every key path of a wording, list entries by position."""
    if isinstance(value, dict):
        return {f"{where}.{k}" for k in value} | {
            p for k, v in value.items() for p in keys(v, f"{where}.{k}")
        }
    if isinstance(value, list):
        return {p for i, v in enumerate(value) for p in keys(v, f"{where}[{i}]")}
    return set()


@pytest.mark.parametrize("instrument", list(INSTRUMENTS))
def test_the_english_has_exactly_the_shape_of_the_chinese(instrument: str) -> None:
    zh, en = instruments.wording(instrument, "zh-Hant"), instruments.wording(instrument, "en")
    assert keys(en) == keys(zh)
    assert COUNTS[instrument](en) == COUNTS[instrument](zh)
    assert shape_problems(zh, en) == []
    assert len(texts(en)) == len(texts(zh))


@pytest.mark.parametrize("instrument", list(INSTRUMENTS))
def test_the_english_is_english_and_says_it_is_a_working_translation(instrument: str) -> None:
    en = instruments.wording(instrument, "en")
    assert [t for t in texts(en) if HAN.search(t) or not t.strip()] == []
    assert "working translation for reading" in en["source"]
    assert "the Chinese is the form of record" in en["source"]
    assert not HAN.search(instruments.name(instrument, "en"))
    assert instruments.name(instrument, "zh-Hant") == INSTRUMENTS[instrument]


def test_bsrs5_reads_as_the_published_english_version() -> None:
    en = bsrs5.wording("en")
    assert en["items"][0] == "Feeling tense or keyed up"
    assert en["answers"] == ["Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely"]
    assert en["name"].startswith("Brief Symptom Rating Scale")


@pytest.mark.parametrize(
    ("code", "wanted"),
    [
        ("en", "en"),
        ("en-us", "en"),
        ("EN_GB", "en"),
        ("zh-hant", "zh-Hant"),
        ("zh-Hant", "zh-Hant"),
        ("fr", "zh-Hant"),
        ("", "zh-Hant"),
        (None, "zh-Hant"),
    ],
)
def test_it_reads_english_for_any_english_code_and_zh_hant_otherwise(code: str | None, wanted: str) -> None:
    assert language(code) == wanted


def test_the_default_wording_is_the_zh_hant_the_modules_score_with() -> None:
    assert instruments.wording("bsrs5")["items"] == bsrs5.ITEMS
    assert instruments.wording("tipvda", "zh-hant")["items"] == tipvda.ITEMS
    assert instruments.wording("psychiatric")["levels"] == psychiatric.LABELS
    assert sdm.safety_catalogue("zh-Hant") == sdm.SAFETY
    assert sdm.risk_catalogue() == sdm.RISK
    assert vulnerability.catalogue() == vulnerability.CATALOGUE
    assert "cutoffs" not in instruments.wording("sdm_risk") and "version" not in instruments.wording(
        "vulnerability"
    )


def test_the_english_catalogues_keep_the_codes_points_and_cut_offs() -> None:
    assert [i.code for i in sdm.risk_catalogue("en").items] == [i.code for i in sdm.RISK.items]
    assert [i.points for i in sdm.risk_catalogue("en").items] == [i.points for i in sdm.RISK.items]
    assert sdm.risk_catalogue("en").cutoffs == sdm.RISK.cutoffs
    assert list(sdm.safety_catalogue("en").danger) == list(sdm.SAFETY.danger)
    english = vulnerability.catalogue("en")
    assert english.factors.keys() == vulnerability.CATALOGUE.factors.keys()
    assert {c: f.grade for c, f in english.factors.items()} == {
        c: f.grade for c, f in vulnerability.CATALOGUE.factors.items()
    }
    assert english.version == vulnerability.CATALOGUE.version


def test_a_wording_is_a_copy() -> None:
    instruments.wording("bsrs5", "en")["items"].clear()
    bsrs5.wording()["items"].clear()
    assert len(instruments.wording("bsrs5", "en")["items"]) == 5
    assert len(bsrs5.wording()["items"]) == 5


def every_result() -> list[Any]:
    return [
        *(bsrs5.score([4, 4, 4, 4, 4 if t else 0], s) for t in (0, 1) for s in (0, 1, 2)),
        *(bsrs5.score([t, 0, 0, 0, 0], 0) for t in range(5)),
        bsrs5.score([3, 3, 0, 0, 0], 0),
        bsrs5.score([3, 3, 3, 1, 0], 0),
        *(tipvda.score([i < yes for i in range(15)]) for yes in (0, 6, 8)),
        sdm.safety([], [], plan=False),
        sdm.safety(["d1"], ["p1"], plan=True),
        sdm.safety(["d1"], [], plan=True),
        *(
            sdm.risk({i.code: max(i.points) if n < k else 0 for n, i in enumerate(sdm.RISK.items)})
            for k in (0, 2, 4, 12)
        ),
        *(vulnerability.assess(codes) for codes in ([], ["2.2"], ["1.1"], ["4.1"])),
        *(psychiatric.level(n) for n in range(1, 6)),
    ]


def test_in_zh_hant_a_label_is_the_results_own_and_in_english_its_english() -> None:
    results = every_result()
    assert {(r.as_dict()["instrument"], r.band) for r in results} >= {
        ("bsrs5", b) for b in ("normal", "mild", "moderate", "severe")
    } | {("tipvda", b) for b in ("potential", "caution", "high")} | {
        ("sdm_safety", b) for b in ("safe", "safe_with_plan", "unsafe")
    } | {("sdm_risk", b) for b in sdm.RISK_LEVELS} | {
        ("vulnerability", b) for b in ("high", "medium", "low", "none")
    }
    for result in results:
        assert instruments.label(result) == result.label
        assert instruments.label(result.as_dict(), "zh-hant") == result.label
        english = instruments.label(result.as_dict(), "en-us")
        assert english and not HAN.search(english), english
        assert instruments.label(result, "en") == english


def test_a_suicidal_bsrs5_says_refer_in_english_too() -> None:
    result = bsrs5.score([0, 0, 0, 0, 0], 2)
    assert result.label == "良好（身心適應狀況良好）；自殺想法 2 分以上：不論總分，轉介專業輔導或精神科"
    english = instruments.label(result, "en")
    assert english.startswith("Normal") and "suicidal thoughts scored 2 or more" in english
    assert instruments.label({"instrument": "bsrs5", "band": "severe"}, "en") == bsrs5.label(
        "severe", lang="en"
    )


def test_it_refuses_a_label_it_does_not_know() -> None:
    with pytest.raises(KeyError):
        instruments.label({"instrument": "horoscope", "band": "x"}, "en")
    with pytest.raises(KeyError):
        instruments.label({"instrument": "tipvda", "band": "x"}, "en")
    with pytest.raises(KeyError):
        instruments.wording("horoscope", "en")


@pytest.mark.parametrize(
    ("en", "problem"),
    [
        ({"items": ["a"], "bands": {"x": "X"}}, "'name' missing"),
        ({"name": "N", "items": ["a"], "bands": {"x": "X"}, "extra": "E"}, "'extra' is not in"),
        ({"name": "N", "items": [], "bands": {"x": "X"}}, "items: 1 entries expected, got 0"),
        ({"name": "N", "items": ["a"], "bands": {"y": "X"}}, "bands: 'x' missing"),
        ({"name": "N", "items": ["a"], "bands": {"x": ""}}, "bands.x: a text expected"),
        (
            {"name": "N", "items": [{"code": "2", "text": "a"}], "bands": {"x": "X"}},
            "items[0].code: '1' expected",
        ),
    ],
)
def test_it_names_what_an_english_wording_lacks(en: dict[str, Any], problem: str) -> None:
    zh: dict[str, Any] = {"name": "名", "version": "1", "items": ["甲"], "bands": {"x": "叉"}}
    if problem.startswith("items[0]"):
        zh["items"] = [{"code": "1", "text": "甲"}]
    found = shape_problems(zh, en)
    assert any(problem in p for p in found), found


def test_the_instruments_stay_free_of_django() -> None:
    code = "import sys, safetynet.domain.instruments; print(sorted(m for m in sys.modules if m.startswith('django')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603 - our own command
    assert out.stdout.strip() == "[]"
