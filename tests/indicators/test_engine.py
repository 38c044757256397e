"""The engine around the counts: targets, published snapshots, the `kpi` command and the API."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from safetynet.core.errors import DomainError
from safetynet.core.tokens import issue_token
from safetynet.domain.indicators import period_of
from safetynet.geo.models import County
from safetynet.indicators import services
from safetynet.indicators.engine import compute
from safetynet.indicators.models import Indicator
from safetynet.indicators.selectors import indicators_for
from tests.indicators.world import AREA, TODAY, at, report, user

pytestmark = pytest.mark.django_db
CONTRACT = ["code", "name", "numerator", "denominator", "value", "target", "met"]


def screening() -> Indicator:
    return Indicator.objects.get(code="SCREEN_24H")


def test_an_areas_own_target_wins_over_every_areas_and_decides_met() -> None:
    report(at(2023, 3, 1), ["CP"], screened_after=datetime.timedelta(hours=1))
    report(at(2023, 3, 1), ["CP"], screened_after=datetime.timedelta(hours=30))
    area = County.objects.get(pk=AREA)
    services.set_target(screening(), None, 112, Decimal("0.5"))
    assert compute(screening(), AREA, period_of("year", 112), TODAY).met is True  # 50% ≥ 50%
    services.set_target(screening(), area, 112, Decimal("0.9"))
    result = compute(screening(), AREA, period_of("year", 112), TODAY)
    assert (result.target, result.met) == (Decimal("0.9"), False)


@pytest.mark.parametrize("target", [Decimal("1.2"), Decimal("-0.1")])
def test_a_rate_target_outside_0_to_100_percent_is_refused_and_nothing_saved(target: Decimal) -> None:
    with pytest.raises(DomainError) as refused:
        services.set_target(screening(), None, 112, target)
    assert refused.value.field == "value"
    assert not screening().targets.filter(plan_year=112, value=target).exists()


def test_a_target_for_a_year_outside_every_plan_phase_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        services.set_target(screening(), None, 99, Decimal("0.5"))
    assert refused.value.field == "plan_year"


def test_published_values_stay_and_a_recomputation_that_differs_is_shown_beside_them() -> None:
    report(at(2023, 3, 1), ["CP"], screened_after=datetime.timedelta(hours=1))
    services.publish(County.objects.get(pk=AREA), 112, by=user(), today=TODAY)
    report(at(2023, 4, 1), ["CP"], screened_after=datetime.timedelta(hours=30))  # entered after publishing

    result = compute(screening(), AREA, period_of("year", 112), TODAY)

    assert (result.numerator, result.denominator) == (1, 2)
    assert result.published is not None and result.published.value == 1
    assert result.differs
    assert result.as_json()["published"]["differs"] is True


def test_a_reported_value_whose_numerator_exceeds_its_denominator_is_refused() -> None:
    indicator = Indicator.objects.get(code="DROPOUT_RETURN")
    with pytest.raises(DomainError) as refused:
        services.record_reported_value(
            indicator,
            County.objects.get(pk=AREA),
            period_of("school_year", 110),
            numerator=Decimal(12),
            denominator=Decimal(11),
            value=None,
            source="教育處",
            reported_on=datetime.date(2022, 1, 5),
            by=user(),
        )
    assert refused.value.field == "numerator"
    assert not indicator.reported.filter(area_id=AREA).exists()


def test_kpi_prints_the_catalogue_as_json_with_the_contract_keys() -> None:
    out = StringIO()
    call_command("kpi", "--area", "10010", "--year", "110", stdout=out)
    rows = json.loads(out.getvalue())
    assert [row["code"] for row in rows][:2] == ["HIRE_RATE", "CASELOAD"]
    assert all(list(row)[:7] == CONTRACT for row in rows)
    assert all(row["value"] is None or isinstance(row["value"], (int, float)) for row in rows)
    assert rows == [v.as_json() for v in indicators_for("10010", 110)]


def test_kpi_prints_a_table_with_one_line_per_indicator() -> None:
    out = StringIO()
    call_command("kpi", "--area", "10010", "--year", "110", "--format", "table", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == CONTRACT
    assert len(lines) == 1 + len(indicators_for("10010", 110))
    assert lines[1].startswith("HIRE_RATE")


@pytest.mark.parametrize(
    ("area", "year", "field"), [("99999", "110", "area"), ("10010", "90", "year"), ("10010", "300", "year")]
)
def test_kpi_refuses_an_unknown_area_or_a_year_outside_the_plan_phases(
    area: str, year: str, field: str
) -> None:
    with pytest.raises(CommandError, match=f"^{field}: "):
        call_command("kpi", "--area", area, "--year", year, stdout=StringIO())


def _api(username: str, **params: str):  # type: ignore[no-untyped-def]
    _, token = issue_token(get_user_model().objects.get(username=username), scopes=["read"])
    return Client().get("/api/v1/indicators", params, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_answers_what_kpi_prints() -> None:
    response = _api("manager", area="10010", year="110")
    assert response.status_code == 200
    assert response.json() == [v.as_json() for v in indicators_for("10010", 110)]


@pytest.mark.parametrize(
    ("username", "params", "status"),
    [
        ("manager", {"area": "10010", "year": "abc"}, 422),
        ("manager", {"year": "110"}, 422),
        ("manager", {"area": "10010", "year": "90"}, 422),
        ("manager", {"area": "10020", "year": "110"}, 404),  # another county's figures
        ("worker", {"area": "10010", "year": "110"}, 403),  # aggregates are for managers and reviewers
        ("reviewer", {"area": "10020", "year": "110"}, 200),
    ],
)
def test_the_api_checks_its_parameters_and_who_may_read_the_area(
    username: str, params: dict[str, str], status: int
) -> None:
    assert _api(username, **params).status_code == status


def test_the_api_without_a_token_answers_401() -> None:
    assert Client().get("/api/v1/indicators", {"area": "10010", "year": "110"}).status_code == 401


@pytest.mark.django_db
def test_a_period_that_has_not_begun_has_no_counts_not_todays() -> None:
    from safetynet.indicators.engine import NOT_BEGUN, catalogue

    values = catalogue("10020", 119, datetime.date(2026, 12, 1))
    assert values and all(v.value is None and v.numerator is None for v in values)
    assert all(NOT_BEGUN in v.notes for v in values)
