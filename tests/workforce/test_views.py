"""The workforce pages: the right numbers, the 85% warning with its NT$, the forecast and its form."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from safetynet.workforce import services
from safetynet.workforce.models import Position, Vacancy
from tests.workforce.conftest import Plan

pytestmark = pytest.mark.django_db


def _under_threshold(plan: Plan) -> None:
    plan.hire(plan.mhsw, 7, datetime.date(2022, 1, 1))
    plan.hire(plan.visitors, 8, datetime.date(2022, 1, 1))
    services.set_position_costs(
        plan.visitors, central_share=Decimal("0.70"), monthly_cost_by_year={112: 40_000}
    )
    services.set_position_costs(plan.local, central_share=Decimal("0"), monthly_cost_by_year={112: 46_000})


def test_it_shows_the_groups_the_checkpoint_and_the_deduction(plan: Plan, as_user) -> None:  # type: ignore[no-untyped-def]
    _under_threshold(plan)
    response = as_user("admin").get("/workforce/", {"area": "10002", "year": "112"})
    assert response.status_code == 200
    page = response.content.decode()
    assert [(g.strategy, g.funding, g.filled, g.approved) for g in response.context["groups"]] == [
        (1, "local", 3, 4),
        (3, "central", 15, 20),
    ]
    assert 'data-testid="deduction-warning"' in page
    assert "831,600" in page  # 10% of 8,316,000
    assert "112/12/31" in page  # the checkpoint, in ROC


def test_it_says_the_deduction_is_unknown_without_monthly_costs(plan: Plan, as_user) -> None:  # type: ignore[no-untyped-def]
    plan.hire(plan.mhsw, 7, datetime.date(2022, 1, 1))
    page = as_user("admin").get("/workforce/", {"area": "10002", "year": "112"}).content.decode()
    assert 'data-testid="deduction-warning"' in page
    assert "不明" in page  # the deduction of a line without costs is unknown
    assert response_has_no_zero_deduction(page)


def response_has_no_zero_deduction(page: str) -> bool:
    return "NT$ 0." not in page


def test_it_answers_which_seats_must_be_filled_by_the_checkpoint(plan: Plan, as_user) -> None:  # type: ignore[no-untyped-def]
    plan.hire(plan.mhsw, 7, datetime.date(2022, 1, 1))
    plan.hire(plan.visitors, 8, datetime.date(2022, 1, 1))
    services.record_vacancy(
        plan.mhsw, 112, seats=1, announced_on=datetime.date(2023, 1, 2), expected_on=datetime.date(2023, 3, 1)
    )
    response = as_user("admin").get("/workforce/forecast/", {"area": "10002", "year": "112"})
    assert response.status_code == 200
    forecast = response.context["forecast"]
    group = next(g for g in forecast.at_risk if g.strategy == 3)
    assert (group.needed, len(group.vacancies)) == (2, 1)
    page = response.content.decode()
    assert 'data-testid="at-risk"' in page and "112/03/01" in page


def test_it_reproduces_the_gap_table_on_the_budget_page(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("reviewer").get("/workforce/budget/", {"area": "10020", "year": "111"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "-1,242,000" in page and "145,000" in page and "3,850,000" in page
    assert page.count('class="gap"') == 1  # only 社區心衛中心 is over its cap


def test_it_shows_milestones_and_training_on_the_plan_page(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("reviewer").get("/workforce/plan/", {"area": "10010", "year": "114"})
    assert response.status_code == 200
    codes = {rows[0].milestone.code for rows in response.context["milestones"]}
    assert codes == {"mhc_centers", "strategy3_staff", "followup_coverage", "drug_case_managers"}
    assert response.context["training"].required > 0


def test_it_shows_seed_001s_sessions_on_the_plan_page(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("reviewer").get("/workforce/plan/", {"area": "10020", "year": "110"})
    assert len(response.context["training"].sessions) == 6


@pytest.mark.parametrize(
    "url", ["/workforce/", "/workforce/forecast/", "/workforce/budget/", "/workforce/plan/"]
)
def test_it_gives_404_for_an_area_out_of_scope(as_user, url: str) -> None:  # type: ignore[no-untyped-def]
    assert as_user("manager").get(url, {"area": "10020"}).status_code == 404
    assert as_user("manager").get(url, {"area": "nowhere"}).status_code == 404
    assert as_user("manager").get(url, {"area": "10010"}).status_code == 200


def _manager_position() -> Position:
    return Position.objects.filter(area_id="10010", years__plan_year=114).order_by("pk").first()  # type: ignore[return-value]


def test_a_manager_records_a_vacancy(as_user) -> None:  # type: ignore[no-untyped-def]
    position = _manager_position()
    response = as_user("manager").post(
        "/workforce/vacancies/new/",
        {
            "area": "10010",
            "year": "114",
            "position": position.pk,
            "seats": "1",
            "announced_on": "114/03/01",
            "interview_on": "114/03/10",
            "expected_on": "114/04/01",
            "note": "缺額",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/workforce/forecast/?area=10010&year=114"
    vacancy = Vacancy.objects.get(position=position, plan_year=114)
    assert vacancy.expected_on == datetime.date(2025, 4, 1)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"interview_on": "114/02/01"}, "interview_on"),
        ({"expected_on": "114/03/05"}, "expected_on"),
        ({"seats": "0"}, "seats"),
        ({"seats": "999"}, "seats"),
        ({"announced_on": "114/13/01"}, "announced_on"),
        ({"position": "999999"}, "position"),
    ],
)
def test_it_shows_field_errors_and_saves_nothing(as_user, change: dict[str, str], field: str) -> None:  # type: ignore[no-untyped-def]
    before = Vacancy.objects.count()
    data = {
        "area": "10010",
        "year": "114",
        "position": str(_manager_position().pk),
        "seats": "1",
        "announced_on": "114/03/01",
        "interview_on": "114/03/10",
        "expected_on": "114/04/01",
    } | change
    response = as_user("manager").post("/workforce/vacancies/new/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Vacancy.objects.count() == before


def test_it_refuses_a_position_of_another_area_in_the_form(as_user) -> None:  # type: ignore[no-untyped-def]
    other = Position.objects.filter(area_id="10020", years__plan_year=114).order_by("pk").first()
    assert other is not None
    response = as_user("manager").post(
        "/workforce/vacancies/new/", {"area": "10010", "year": "114", "position": other.pk, "seats": "1"}
    )
    assert "position" in response.context["form"].errors


@pytest.mark.parametrize("persona", ["supervisor", "reviewer"])
def test_readers_cannot_record_a_vacancy(as_user, persona: str) -> None:  # type: ignore[no-untyped-def]
    data = {"area": "10010", "year": "114", "position": _manager_position().pk, "seats": "1"}
    assert as_user(persona).post("/workforce/vacancies/new/", data).status_code == 403
    assert not Vacancy.objects.filter(plan_year=114).exists()


def test_the_form_is_offered_to_managers_only(as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("manager").get("/workforce/forecast/").context["form"] is not None
    assert as_user("supervisor").get("/workforce/forecast/").context["form"] is None


def test_a_manager_posting_for_another_area_gets_404(as_user) -> None:  # type: ignore[no-untyped-def]
    data = {"area": "10020", "year": "114", "position": _manager_position().pk, "seats": "1"}
    assert as_user("manager").post("/workforce/vacancies/new/", data).status_code == 404
