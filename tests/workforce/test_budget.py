"""The gap table of seed 001 (嘉義市 111): central 70% business cost against the approved plan's caps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from safetynet.geo.models import County
from safetynet.workforce import services
from safetynet.workforce.budget import gap_table, personnel_for
from safetynet.workforce.models import Programme
from tests.workforce.conftest import Plan

pytestmark = pytest.mark.django_db


def test_it_reproduces_seed_001s_gap_table() -> None:
    rows = {row.line.programme.code: row for row in gap_table(County.objects.get(code="10020"), 111)}
    assert {code: (r.line.central_business, r.cap, r.gap, r.over_cap) for code, r in rows.items()} == {
        "mhsw": (58_000, 1_300_000, -1_242_000, False),
        "tcsw": (537_000, 2_500_000, -1_963_000, False),
        "community_mh_center": (800_000, 655_000, 145_000, True),  # 65萬5,000 per center × 1
        "care_visitor": (102_000, 5_400_000, -5_298_000, False),
        "drug_case_manager": (617_000, 3_850_000, -3_233_000, False),  # 7 × 55萬
    }
    assert rows["community_mh_center"].line.cap_personnel == 1_520_000
    assert all(r.line.central_share == Decimal("0.70") for r in rows.values())


def test_it_reads_a_programmes_personnel_cost_from_its_positions_at_13_5_months(plan: Plan) -> None:
    personnel = personnel_for(plan.area, 112, "mhsw")
    assert personnel is not None
    # 10 approved × 48,000 × 13.5 = 6,480,000, of which 70% central = 4,536,000.
    assert (personnel.approved, personnel.cost, personnel.central) == (
        10,
        Decimal("6480000"),
        Decimal("4536000"),
    )


def test_it_leaves_the_personnel_cost_unknown_without_a_monthly_cost(plan: Plan) -> None:
    personnel = personnel_for(plan.area, 112, "care_visitor")  # 關訪員: care_visitor_psy and _su
    assert personnel is not None
    assert (personnel.approved, personnel.cost, personnel.central) == (10, None, None)


def test_it_gives_no_personnel_cost_for_a_programme_not_told_apart_by_role(plan: Plan) -> None:
    assert personnel_for(plan.area, 112, "community_mh_center") is None


def test_a_line_without_a_cap_has_no_gap(plan: Plan) -> None:
    services.record_budget_line(plan.area, 112, Programme.objects.get(code="tcsw"), central_business=100)
    (row,) = gap_table(plan.area, 112)
    assert (row.cap, row.gap, row.over_cap) == (None, None, False)
