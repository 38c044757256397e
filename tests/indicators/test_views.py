"""The indicator pages: the engine's numbers for the demo county, who may read and write, the
reported-value and target forms, and publishing with a later difference shown."""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from safetynet.domain.rocdate import to_roc_year
from safetynet.indicators.models import ReportedValue, Snapshot, Target
from safetynet.indicators.selectors import indicators_for

pytestmark = pytest.mark.django_db
AREA, YEAR = "10010", 113


def cells(page: str, code: str) -> dict[str, str]:
    """The catalogue row of `code`: its cells by data-field, as text."""
    found = re.search(rf'<tr data-code="{code}">(.*?)</tr>', page, re.S)
    assert found is not None, code
    return {
        name: html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        for name, text in re.findall(r'data-field="(\w+)"[^>]*>(.*?)</(?:td|span)>', found.group(1), re.S)
    }


def number(value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) or value == value.to_integral_value():
        return str(int(value))
    return str(round(float(value), 4))


def test_it_shows_a_manager_the_engines_numbers_for_the_demo_county(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("manager").get("/indicators/", {"area": AREA, "year": YEAR})
    assert response.status_code == 200
    page = response.content.decode()
    expected = indicators_for(AREA, YEAR)
    assert len(expected) >= 13
    for value in expected:
        row = cells(page, value.indicator.code)
        assert row["numerator"] == number(value.numerator), value.indicator.code
        assert row["denominator"] == number(value.denominator), value.indicator.code
        assert row["value"] == value.shown, value.indicator.code
        assert row["source"] in ("由紀錄計算", "他機關填報")
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == len(expected) + 2
    assert 'id="trend-HIRE_RATE"' in page and 'id="staffing-chart"' in page and 'id="caseload-chart"' in page


def test_the_staffing_and_caseload_tables_are_the_engines_breakdowns(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("manager").get("/indicators/", {"area": AREA, "year": YEAR})
    by_code = {v.indicator.code: v for v in indicators_for(AREA, YEAR)}
    lines = [r for r in by_code["HIRE_RATE"].breakdown if "role" in r]
    roles = response.context["staffing"]["roles"]
    assert (
        sum(r["approved"] for r in roles)
        == sum(r["approved"] for r in lines)
        == by_code["HIRE_RATE"].denominator
    )
    assert sum(r["filled"] for r in roles) == by_code["HIRE_RATE"].numerator
    caseload = response.context["caseload"]["rows"]
    assert [(r["role"], r["cases"], r["workers"]) for r in caseload] == [
        (r["role"], r["cases"], r["workers"]) for r in by_code["CASELOAD"].breakdown
    ]


def test_it_defaults_to_this_roc_year_and_offers_the_plan_years_up_to_it(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("supervisor").get("/indicators/")
    this_year = to_roc_year(timezone.localdate())
    assert response.status_code == 200
    assert response.context["year"] == this_year
    assert response.context["years"][-1] == this_year and 110 in response.context["years"]
    assert "publish-form" not in response.content.decode()  # supervisors read only


def test_the_trend_covers_the_plan_years_of_the_phase_through_the_year(as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("manager").get("/indicators/", {"year": 113}).context["trend_years"] == [
        110,
        111,
        112,
        113,
    ]
    # In a phase's first year the previous phase is shown too.
    assert as_user("manager").get("/indicators/", {"year": 110}).context["trend_years"] == [
        107,
        108,
        109,
        110,
    ]


def test_it_refuses_other_roles_and_other_areas(as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user(None).get("/indicators/")["Location"].startswith("/login/")
    for persona in ("worker", "screener", "partner"):
        assert as_user(persona).get("/indicators/").status_code == 403
        assert as_user(persona).get("/indicators/HIRE_RATE/").status_code == 403
    assert as_user("manager").get("/indicators/", {"area": "10020"}).status_code == 404
    assert as_user("manager").get("/indicators/", {"area": "99999"}).status_code == 404
    assert as_user("manager").get("/indicators/NO_SUCH_CODE/").status_code == 404
    for persona in ("supervisor", "reviewer"):
        client = as_user(persona)
        assert client.post("/indicators/DROPOUT_RATE/reported/", {"area": AREA}).status_code == 403
        assert client.post("/indicators/HIRE_RATE/target/", {"area": AREA}).status_code == 403
        assert client.post("/indicators/publish/", {"area": AREA, "year": YEAR}).status_code == 403
    assert not Snapshot.objects.exists()


def test_the_indicator_page_shows_its_definition_months_and_targets(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("reviewer").get("/indicators/HIRE_RATE/", {"area": AREA, "year": YEAR})
    assert response.status_code == 200
    page = response.content.decode()
    assert "到位人數" in page and "核定員額" in page  # numerator and denominator texts
    assert page.count('class="x-tick"', page.index('id="trend-monthly"')) >= 12
    assert [t["plan_year"] for t in response.context["targets"]][:5] == [110, 111, 112, 113, 114]
    assert response.context["row"]["v"].shown == next(
        v.shown for v in indicators_for(AREA, YEAR) if v.indicator.code == "HIRE_RATE"
    )
    assert "reported-form" not in page  # reviewers read only
    school = as_user("manager").get("/indicators/DROPOUT_RETURN/", {"area": AREA, "year": YEAR})
    assert school.context["monthly"] is None
    assert "reported-form" in school.content.decode()


REPORTED = {
    "area": AREA,
    "year": "109",
    "numerator": "9",
    "denominator": "15000",
    "value": "0.06",
    "source": "嘉義縣政府教育處",
    "reported_on": "110/03/01",
}


def test_a_manager_enters_a_reported_rate_typed_as_a_percentage(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("manager").post("/indicators/DROPOUT_RATE/reported/", REPORTED)
    assert response.status_code == 302
    assert response["Location"] == f"/indicators/DROPOUT_RATE/?area={AREA}&year=109"
    reported = ReportedValue.objects.get(indicator__code="DROPOUT_RATE", area_id=AREA)
    assert reported.value == Decimal("0.0006") and reported.numerator == 9
    assert reported.period_kind == "school_year" and reported.period_start == datetime.date(2020, 8, 1)
    assert reported.reported_on == datetime.date(2021, 3, 1)
    page = as_user("manager").get(response["Location"]).content.decode()
    assert "嘉義縣政府教育處" in page and "109學年度" in page and "0.06%" in page
    assert reported.entered_by.staff.name in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": "150"}, "value"),
        ({"source": ""}, "source"),
        ({"reported_on": "110/13/45"}, "reported_on"),
        ({"numerator": "-1"}, "numerator"),
        ({"numerator": "20000"}, "numerator"),  # more than the denominator: the service says so
        ({"year": "99"}, "year"),
        ({"numerator": "", "value": ""}, "numerator"),
    ],
)
def test_bad_reported_input_is_shown_on_its_field_and_nothing_is_saved(as_user, change, field) -> None:  # type: ignore[no-untyped-def]
    response = as_user("admin").post("/indicators/DROPOUT_RATE/reported/", {**REPORTED, **change})
    assert response.status_code == 200
    assert response.context["reported_form"].errors.get(field), response.context["reported_form"].errors
    assert 'class="errorlist' in response.content.decode()
    assert not ReportedValue.objects.filter(indicator__code="DROPOUT_RATE", area_id=AREA).exists()


def test_a_manager_sets_the_areas_target_as_a_percentage_and_0_to_100_only(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("manager")
    bad = client.post(
        "/indicators/FOLLOWUP_COVERAGE/target/",
        {"area": AREA, "year": YEAR, "plan_year": "113", "value": "120"},
    )
    assert bad.status_code == 200 and bad.context["target_form"].errors["value"]
    assert not Target.objects.filter(area_id=AREA).exists()
    good = client.post(
        "/indicators/FOLLOWUP_COVERAGE/target/",
        {"area": AREA, "year": YEAR, "plan_year": "113", "value": "92.5", "source": "縣府自訂"},
    )
    assert good.status_code == 302
    target = Target.objects.get(indicator__code="FOLLOWUP_COVERAGE", area_id=AREA, plan_year=113)
    assert target.value == Decimal("0.925")
    dashboard = client.get("/indicators/", {"area": AREA, "year": YEAR}).content.decode()
    assert cells(dashboard, "FOLLOWUP_COVERAGE")["target"] == "92.50%"
    # A count's target is a plain number.
    assert (
        client.post(
            "/indicators/SUPERVISION/target/", {"area": AREA, "year": YEAR, "plan_year": "113", "value": "14"}
        ).status_code
        == 302
    )
    assert Target.objects.get(indicator__code="SUPERVISION", area_id=AREA).value == 14


def test_publishing_keeps_the_values_and_a_later_difference_is_shown_beside_them(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("manager")
    response = client.post("/indicators/publish/", {"area": AREA, "year": YEAR})
    assert response.status_code == 302
    assert Snapshot.objects.filter(area_id=AREA, period_start=datetime.date(2024, 1, 1)).count() == 12
    page = client.get("/indicators/", {"area": AREA, "year": YEAR}).content.decode()
    assert 'data-testid="differs"' not in page
    assert "published" in cells(page, "HIRE_RATE")  # marked as published, with no difference

    # The education department's figures arrive later: the register is empty, so they are used.
    client.post(
        "/indicators/DROPOUT_RETURN/reported/",
        {
            **REPORTED,
            "year": "113",
            "numerator": "7",
            "denominator": "11",
            "value": "63.64",
            "reported_on": "114/08/01",
        },
    )
    page = client.get("/indicators/", {"area": AREA, "year": YEAR}).content.decode()
    row = cells(page, "DROPOUT_RETURN")
    assert row["value"] == "63.64%" and row["numerator"] == "7"
    assert "—" in row["published"]  # published with no value: the register was empty
    assert page.count('data-testid="differs"') == 1
    detail = client.get("/indicators/DROPOUT_RETURN/", {"area": AREA, "year": YEAR}).content.decode()
    assert 'data-testid="differs"' in detail and "113學年度" in detail


def test_publishing_needs_a_plan_year(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("manager").post("/indicators/publish/", {"area": AREA, "year": "abc"})
    assert response.status_code == 302 and not Snapshot.objects.exists()
    assert as_user("manager").post("/indicators/publish/", {"area": "10020", "year": YEAR}).status_code == 404
