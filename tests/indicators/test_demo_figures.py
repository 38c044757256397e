"""The seeds' figures come out of the engine on the demo (at the test session's scale 0.03, where
head counts are exact and caseloads shrink in proportion)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from safetynet.demo.caseloads import SEED_000, scaled
from safetynet.indicators.engine import Value
from safetynet.indicators.selectors import indicators_for

pytestmark = pytest.mark.django_db
SCALE = 0.03


def indicator(area: str, year: int, code: str) -> Value:
    return next(v for v in indicators_for(area, year) if v.indicator.code == code)


def role_row(value: Value, role: str) -> dict[str, object]:
    return next(row for row in value.breakdown if row.get("role") == role)


def test_chiayi_countys_110_staffing_is_read_on_seed_000s_visit_with_7_of_9_mental_health_social_workers() -> (
    None
):
    hire = indicator("10010", 110, "HIRE_RATE")
    assert hire.on == datetime.date(2021, 11, 24)
    mhsw = role_row(hire, "mhsw")
    assert (mhsw["approved"], mhsw["filled"]) == (9, 7)
    assert round(mhsw["value"], 4) == Decimal("0.7778")  # type: ignore[call-overload]
    tcsw = role_row(hire, "tcsw")
    assert (tcsw["approved"], tcsw["filled"]) == (3, 3)


def test_chiayi_countys_110_caseloads_are_seed_000s_on_the_visit_day() -> None:
    caseload = indicator("10010", 110, "CASELOAD")
    mhsw = role_row(caseload, "mhsw")
    assert mhsw["workers"] == 7
    assert mhsw["cases"] == sum(scaled(figure, SCALE) for figure in SEED_000["mhsw"])  # 211 at scale 1
    assert mhsw["standard"] == 25


def test_chiayi_citys_strategy_3_plan_grows_7_33_35_38_41() -> None:
    totals = []
    for year in range(110, 115):
        hire = indicator("10020", year, "HIRE_RATE")
        totals.append(
            sum(row["approved"] for row in hire.breakdown if "role" not in row and row["strategy"] == 3)
        )
    assert totals == [7, 33, 35, 38, 41]


def test_chiayi_citys_dropout_returns_are_the_reported_counts_and_107s_printed_rate_is_flagged() -> None:
    found = {year: indicator("10020", year, "DROPOUT_RETURN") for year in (107, 108, 109)}
    assert [(v.numerator, v.denominator) for v in found.values()] == [(7, 11), (7, 10), (7, 9)]
    assert all(v.source == "reported" for v in found.values())
    assert [v.shown for v in found.values()] == ["63.64%", "70.00%", "77.78%"]
    assert any("66.67%" in note for note in found[107].notes)
    assert not found[108].notes and not found[109].notes
    assert indicator("10020", 110, "DROPOUT_RETURN").target == Decimal("0.86")


def test_chiayi_citys_strategy_4_figures_reported_by_the_education_department_are_listed_as_reported() -> (
    None
):
    codes = {v.indicator.code: v for v in indicators_for("10020", 109)}
    assert codes["COUNSELOR_HIRE"].source == "reported"
    assert codes["COUNSELOR_HIRE"].shown == "86.00%"
    assert "COUNSELOR_HIRE" not in {v.indicator.code for v in indicators_for("10010", 109)}


def test_the_staffing_page_warns_that_chiayi_countys_mental_health_social_workers_are_under_85_percent(
    as_user,
) -> None:  # type: ignore[no-untyped-def]
    page = as_user("manager").get("/workforce/", {"area": "10010", "year": "110"}).content.decode()
    warning = page[page.index('data-testid="lines-below"') :]
    warning = warning[: warning.index("</div>")]
    line = next(item for item in warning.split("<li>") if "心理衛生社工" in item)
    assert "核定 9 人、到位 7 人（77.78%）" in line
    assert "預估扣減新臺幣" in line
    assert "110/11/24" in page
