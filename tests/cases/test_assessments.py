"""Assessments: scored by the instruments, setting the case's risk; the form scores as the worker answers."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from safetynet.cases import services
from safetynet.cases.models import Assessment, Case
from safetynet.core.errors import DomainError
from safetynet.domain import instruments, rocdate
from safetynet.domain.instruments import bsrs5, psychiatric, sdm, tipvda, vulnerability
from tests.cases.test_contacts import running, user, worker_case

pytestmark = pytest.mark.django_db


def assess(case: Case, instrument: str, answers: dict[str, Any], hours_ago: float = 1) -> Assessment:
    at = timezone.now() - datetime.timedelta(hours=hours_ago)
    return services.record_assessment(
        case, instrument=instrument, answers=answers, assessed_at=at, by=user("worker")
    )


def bsrs(total: int, suicide: int = 0) -> dict[str, Any]:
    items = [min(4, max(0, total - 4 * i)) for i in range(5)]
    return {"items": items, "suicide": suicide}


def tip(yes: int) -> dict[str, Any]:
    return {"answers": [i < yes for i in range(15)]}


# --- the service ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answers",
    [
        {"items": [5, 0, 0, 0, 0], "suicide": 0},
        {"items": [0, 0, 0, 0, -1], "suicide": 0},
        {"items": [0, 0, 0, 0], "suicide": 0},
        {"items": [0, 0, 0, 0, 0], "suicide": 5},
        {"items": [0, 0, 0, 0, 0]},
        {"items": ["1", 0, 0, 0, 0], "suicide": 0},
    ],
)
def test_it_refuses_bsrs5_answers_out_of_range(answers: dict[str, Any]) -> None:
    case = worker_case()
    with pytest.raises(DomainError) as caught:
        assess(case, "bsrs5", answers)
    assert caught.value.field == "answers"
    assert not case.assessments.exists()


def test_it_refuses_an_assessment_in_the_future_or_an_unknown_instrument() -> None:
    case = worker_case()
    with pytest.raises(DomainError) as caught:
        assess(case, "bsrs5", bsrs(3), hours_ago=-48)
    assert caught.value.field == "assessed_at"
    with pytest.raises(DomainError) as caught:
        assess(case, "horoscope", {})
    assert caught.value.field == "instrument"


@pytest.mark.parametrize(("yes", "listed"), [(7, False), (8, True), (15, True)])
def test_it_lists_a_case_for_the_high_risk_meeting_from_tipvda_8(yes: int, listed: bool) -> None:
    case = worker_case()
    assessment = assess(case, "tipvda", tip(yes))
    case.refresh_from_db()
    assert assessment.total == yes
    assert case.high_risk is listed
    assert ("high_risk_meeting" in case.lists) is listed
    assert case.risk_level == ("high" if listed else "medium")


def test_it_sets_the_risk_level_from_the_latest_result_of_each_instrument() -> None:
    case = worker_case()
    assess(case, "bsrs5", bsrs(16), hours_ago=5)
    case.refresh_from_db()
    assert case.risk_level == "high"
    assert running(case, "visit") == []  # the first visit still runs: it is the plan
    assess(case, "bsrs5", bsrs(2), hours_ago=4)  # the newer BSRS-5 replaces the older
    case.refresh_from_db()
    assert case.risk_level == "low"
    assess(case, "psychiatric", {"level": 1}, hours_ago=3)  # the worst of the instruments' latest
    case.refresh_from_db()
    assert case.risk_level == "medium"


def test_it_plans_visits_by_the_risk_level() -> None:
    case = worker_case(days_ago=6)
    met = timezone.now() - datetime.timedelta(days=3)
    services.record_contact(case, kind="home_visit", occurred_at=met, minutes=20, by=user("worker"))
    assert running(case, "visit")[0].due_at == met + datetime.timedelta(days=30)  # not assessed: medium
    assess(case, "bsrs5", bsrs(15))
    assert running(case, "visit")[0].due_at == met + datetime.timedelta(days=14)  # SWC high


def test_it_works_the_risk_out_again_when_an_assessment_was_entered_in_error() -> None:
    case = worker_case()
    assess(case, "psychiatric", {"level": 3}, hours_ago=3)
    wrong = assess(case, "bsrs5", bsrs(18), hours_ago=2)
    case.refresh_from_db()
    assert case.risk_level == "high"
    with pytest.raises(DomainError) as caught:
        services.mark_entered_in_error(wrong, reason="  ", by=user("worker"))
    assert caught.value.field == "error_reason"
    services.mark_entered_in_error(wrong, reason="填錯個案", by=user("worker"))
    case.refresh_from_db()
    wrong.refresh_from_db()
    assert wrong.entered_in_error_at is not None and wrong.error_reason == "填錯個案"
    assert case.risk_level == "low"


# --- the forms --------------------------------------------------------------------------------------


def when() -> dict[str, str]:
    now = timezone.localtime() - datetime.timedelta(minutes=5)
    return {"day": rocdate.format(now.date(), "dot"), "time": now.strftime("%H:%M")}


def bsrs_post(*answers: int) -> dict[str, str]:
    *items, suicide = answers
    return {f"item_{i}": str(a) for i, a in enumerate(items, start=1)} | {"suicide": str(suicide)}


FORMS: dict[str, tuple[dict[str, Any], str]] = {
    "bsrs5": (bsrs_post(1, 1, 2, 1, 1, 0), "mild"),
    "tipvda": ({f"item_{i}": "1" if i <= 6 else "0" for i in range(1, 16)}, "caution"),
    "sdm_safety": ({"danger": ["d1", "d5"], "protective": ["p1"], "plan": "on"}, "safe_with_plan"),
    "sdm_risk": ({item.code: str(item.options[-1].points) for item in sdm.RISK.items}, "very_high"),
    "vulnerability": ({"factors": [vulnerability.CATALOGUE.dimensions[0].factors[0].code]}, "x"),
    "psychiatric": ({"level": "2"}, "2"),
}


@pytest.mark.parametrize("instrument", list(FORMS))
def test_it_records_each_instrument_from_its_form(instrument: str, as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    client = as_user("worker")
    page = client.get(f"/cases/{case.pk}/assessments/{instrument}/")
    assert page.status_code == 200
    data, band = FORMS[instrument]
    response = client.post(f"/cases/{case.pk}/assessments/{instrument}/", when() | data)
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assessment = case.assessments.get()
    expected = services.score(instrument, assessment.answers)
    assert assessment.instrument == instrument and assessment.band == expected.band
    if band != "x":
        assert assessment.band == band


def test_it_shows_the_instruments_own_wording(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    client = as_user("worker")
    texts = {
        "bsrs5": [*bsrs5.ITEMS, bsrs5.SUICIDE_ITEM, bsrs5.ANSWERS[4], bsrs5.RECALL],
        "tipvda": tipvda.ITEMS,
        "sdm_safety": [*sdm.SAFETY.danger.values(), *sdm.SAFETY.protective.values()],
        "sdm_risk": [item.text for item in sdm.RISK.items],
        "vulnerability": [f.text for d in vulnerability.CATALOGUE.dimensions for f in d.factors],
        "psychiatric": list(psychiatric.LABELS.values()),
    }
    for instrument, wanted in texts.items():
        html = client.get(f"/cases/{case.pk}/assessments/{instrument}/").content.decode()
        for text in wanted:
            assert text.replace("'", "&#x27;").replace('"', "&quot;") in html, (instrument, text)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"item_3": ""}, "item_3"),
        ({"item_3": "7"}, "item_3"),
        ({"suicide": "-1"}, "suicide"),
        ({"day": "115.02.30"}, "day"),
        ({"day": "200.01.01"}, "day"),  # the service refuses the future, on the date field
    ],
)
def test_it_keeps_bad_answers_on_the_form(changes: dict[str, str], field: str, as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    data = when() | bsrs_post(1, 1, 1, 1, 1, 0) | changes
    response = as_user("worker").post(f"/cases/{case.pk}/assessments/bsrs5/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors | response.context["when"].errors
    assert errors.get(field)
    assert not case.assessments.exists()


def test_it_scores_as_the_worker_answers(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    client = as_user("worker")
    url = f"/cases/{case.pk}/assessments/bsrs5/preview/"
    partial = client.post(url, {"item_1": "3", "item_2": "4"})
    assert partial.status_code == 200
    assert partial.context["preview"]["answered"] == 2 and partial.context["preview"]["so_far"] == 7
    assert partial.context["preview"]["result"] is None
    assert not case.assessments.exists()  # nothing is saved while answering

    full = client.post(url, bsrs_post(3, 3, 3, 3, 3, 0))
    result = full.context["preview"]["result"]
    assert (result.total, result.band) == (15, "severe")
    assert "重度" in full.content.decode()

    suicidal = client.post(url, bsrs_post(0, 0, 0, 0, 0, 2))
    assert suicidal.context["preview"]["result"].refer is True

    inline = client.post(
        url, {"_prefix": "bsrs5", **{f"bsrs5-{k}": v for k, v in bsrs_post(4, 4, 4, 4, 4, 0).items()}}
    )
    assert inline.context["preview"]["result"].total == 20
    assert not case.assessments.exists()


@pytest.mark.parametrize(
    ("instrument", "data"),
    [
        ("bsrs5", bsrs_post(9, 1, 1, 1, 1, 0)),
        ("bsrs5", {"item_1": "x" * 500}),
        ("sdm_safety", {"danger": ["nope"]}),
        ("sdm_risk", {"r1": "99"}),
        ("vulnerability", {"factors": ["9.9"]}),
        ("psychiatric", {"level": "0"}),
        ("tipvda", {"item_1": "maybe"}),
    ],
)
def test_it_shows_wrong_answers_in_the_preview_never_a_500(
    instrument: str, data: dict[str, Any], as_user
) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    response = as_user("worker").post(f"/cases/{case.pk}/assessments/{instrument}/preview/", data)
    assert response.status_code == 200
    assert response.context["preview"]["result"] is None


@pytest.mark.parametrize(
    ("sex", "not_intimate", "note"), [("M", False, True), ("F", False, False), ("F", True, True)]
)
def test_it_says_tipvda_is_only_indicative_outside_a_woman_in_an_intimate_relationship(
    sex: str, not_intimate: bool, note: bool, as_user
) -> None:  # type: ignore[no-untyped-def]
    case = worker_case(sex=sex)
    client = as_user("worker")
    data = {"item_1": "1"} | ({"not_intimate": "on"} if not_intimate else {})
    preview = client.post(f"/cases/{case.pk}/assessments/tipvda/preview/", data)
    assert (tipvda.REFERENCE_ONLY_NOTE in preview.content.decode()) is note
    page = client.get(f"/cases/{case.pk}/assessments/tipvda/")
    assert (tipvda.REFERENCE_ONLY_NOTE in page.content.decode()) is (sex != "F")


def test_it_answers_404_for_an_unknown_instrument_and_to_another_unit(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    assert as_user("worker").get(f"/cases/{case.pk}/assessments/horoscope/").status_code == 404
    assert as_user("worker").post(f"/cases/{case.pk}/assessments/horoscope/preview/").status_code == 404
    other = as_user("otherunit")
    assert other.get(f"/cases/{case.pk}/assessments/bsrs5/").status_code == 404
    assert (
        other.post(f"/cases/{case.pk}/assessments/bsrs5/", when() | bsrs_post(1, 1, 1, 1, 1, 0)).status_code
        == 404
    )
    assert (
        other.post(f"/cases/{case.pk}/assessments/bsrs5/preview/", bsrs_post(1, 1, 1, 1, 1, 0)).status_code
        == 404
    )
    assert not case.assessments.exists()


# --- in English ---------------------------------------------------------------------------------------


@pytest.fixture
def english(as_user) -> Iterator[Client]:  # type: ignore[no-untyped-def]
    """The worker's client with the page language set to English; the language of the thread (which
    the last request leaves active) back to the default afterwards."""
    client = as_user("worker")
    client.post("/i18n/setlang/", {"language": "en"})
    yield client
    translation.deactivate()


def english_texts(instrument: str) -> list[str]:
    """What the English form must show of an instrument: its items, answers and choices."""
    words = instruments.wording(instrument, "en")
    if instrument == "bsrs5":
        return [*words["items"], words["suicide_item"], *words["answers"], words["recall"]]
    if instrument == "tipvda":
        return [*words["items"], words["answers"]["yes"], words["answers"]["no"]]
    if instrument == "sdm_safety":
        return [*words["danger"].values(), *words["protective"].values()]
    if instrument == "sdm_risk":
        options = [f"{o['text']} ({o['points']})" for i in words["items"] for o in i["options"]]
        return [*(i["text"] for i in words["items"]), *options]
    if instrument == "vulnerability":
        grades = words["grades"]
        factors = [
            f"{f['code']} {f['text']} ({grades[f['grade']]})"
            for d in words["dimensions"]
            for f in d["factors"]
        ]
        return [*(f"{d['code']} {d['name']}" for d in words["dimensions"]), *factors]
    return list(words["levels"].values())


def escaped(text: str) -> str:
    return text.replace("'", "&#x27;").replace('"', "&quot;")


@pytest.mark.parametrize("instrument", list(FORMS))
def test_it_shows_the_english_wording_on_an_english_page(instrument: str, english: Client) -> None:
    case = worker_case(sex="M")
    html = english.get(f"/cases/{case.pk}/assessments/{instrument}/").content.decode()
    for text in [instruments.name(instrument, "en"), *english_texts(instrument)]:
        assert escaped(text) in html, (instrument, text)
    chinese = instruments.wording(instrument, "zh-Hant")
    assert not [t for t in long_texts(chinese) if escaped(t) in html], instrument
    if instrument == "tipvda":
        assert escaped(tipvda.wording("en")["reference_only_note"]) in html
        assert tipvda.REFERENCE_ONLY_NOTE not in html


def long_texts(words: dict[str, Any]) -> list[str]:
    """The longer texts of a wording (items, factors), which no page in the other language may show."""
    found: list[str] = []
    for key in ("items", "danger", "protective", "dimensions", "levels"):
        value = words.get(key)
        values = value.values() if isinstance(value, dict) else value or []
        for v in values:
            if isinstance(v, str):
                found.append(v)
            elif "factors" in v:
                found += [f["text"] for f in v["factors"]]
            else:
                found.append(v["text"])
    return found


def test_it_scores_the_same_and_keeps_the_zh_hant_label_on_an_english_page(english: Client) -> None:
    case = worker_case()
    client = english
    preview = client.post(f"/cases/{case.pk}/assessments/bsrs5/preview/", bsrs_post(3, 3, 3, 3, 3, 2))
    result = preview.context["preview"]["result"]
    assert (result.total, result.band, result.refer) == (15, "severe", True)
    html = preview.content.decode()
    assert escaped(instruments.label(result, "en")) in html and "重度" not in html
    saved = client.post(
        f"/cases/{case.pk}/assessments/bsrs5/", when() | bsrs_post(3, 3, 3, 3, 3, 2), follow=True
    )
    assessment = case.assessments.get()
    assert assessment.label == bsrs5.score([3, 3, 3, 3, 3], 2).label  # recorded in zh-Hant
    page = saved.content.decode()
    assert instruments.name("bsrs5", "en") in page and escaped(bsrs5.label("severe", True, "en")) in page
    assert assessment.label not in page


def test_the_case_page_keeps_the_recorded_label_in_zh_hant(as_user, english: Client) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    assess(case, "sdm_risk", {"answers": {item.code: 0 for item in sdm.RISK.items}})
    Assessment.objects.filter(case=case).update(label="低（舊版用字）")
    html = as_user("worker").get(f"/cases/{case.pk}/").content.decode()
    assert "低（舊版用字）" in html and instruments.INSTRUMENTS["sdm_risk"] in html
    html = english.get(f"/cases/{case.pk}/").content.decode()
    assert "SDM risk assessment" in html and ">Low<" in html and "舊版用字" not in html


def test_the_contact_form_asks_the_bsrs5_in_english_on_an_english_page(english: Client) -> None:
    case = worker_case()
    html = english.get(f"/cases/{case.pk}/contacts/new/").content.decode()
    assert "Feeling tense or keyed up" in html and "Not at all" in html
    assert not [t for t in bsrs5.ITEMS if t in html]
