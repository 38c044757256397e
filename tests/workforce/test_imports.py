"""`safetynet import positions FILE`: one row per position-year, all rows or none, problems by row and column."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safetynet.core.imports import ImportFailed, run_import
from safetynet.workforce.imports import positions_importer
from safetynet.workforce.models import Position, PositionYear
from tests.workforce.conftest import Plan

pytestmark = pytest.mark.django_db

HEADER = "plan_year,area,strategy,unit,role,funding,approved,filled,category,central_share,monthly_cost"
UNIT = "宜蘭縣社區心理衛生中心(測試)"


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "positions.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def problems(path: Path) -> list[tuple[int, str]]:
    with pytest.raises(ImportFailed) as failure:
        run_import(positions_importer(), path)
    return [(p.row, p.column) for p in failure.value.problems]


def test_it_builds_one_line_with_several_years_from_rows_with_the_same_key(
    plan: Plan, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        f"113,10002,3,{UNIT},tcsw,central,3,2,處遇協調社工,0.70,48000",
        f"114,宜蘭縣,3,{UNIT},處遇協調社工,中央補助,4,4,處遇協調社工,70%,49000",
    )
    assert run_import(positions_importer(), path) == 2
    position = Position.objects.get(area_id="10002", role__code="tcsw")
    assert position.central_share == Decimal("0.70")
    assert list(position.years.values_list("plan_year", "approved", "reported_filled", "monthly_cost")) == [
        (113, 3, 2, 48_000),
        (114, 4, 4, 49_000),
    ]


def test_it_updates_and_adds_years_of_a_line_already_in_the_database(plan: Plan, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"112,10002,1,{UNIT},social_worker,local,5,4,,,",
        f"113,10002,1,{UNIT},social_worker,local,6,5,,,",
    )
    run_import(positions_importer(), path)
    assert Position.objects.filter(area_id="10002", role__code="social_worker").count() == 1
    assert list(plan.local.years.values_list("plan_year", "approved", "reported_filled")) == [
        (112, 5, 4),
        (113, 6, 5),
    ]


def test_it_reads_an_xlsx_file(plan: Plan, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append([113, "10002", 3, UNIT, "tcsw", "central", 3, 1, "", "", ""])
    path = tmp_path / "positions.xlsx"
    book.save(path)
    assert run_import(positions_importer(), path) == 1
    assert (
        PositionYear.objects.get(position__area_id="10002", position__role__code="tcsw").reported_filled == 1
    )


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (f"113,10002,3,{UNIT},tcsw,central,3,4,,,", "filled"),
        (f"113,10002,3,{UNIT},tcsw,central,-1,0,,,", "approved"),
        (f"113,10002,3,{UNIT},tcsw,central,3,-1,,,", "filled"),
        (f"113,99999,3,{UNIT},tcsw,central,3,1,,,", "area"),
        ("113,10002,3,不存在的單位,tcsw,central,3,1,,,", "unit"),
        ("113,10002,3,嘉義縣社區心理衛生中心,tcsw,central,3,1,,,", "unit"),  # a unit of another area
        (f"113,10002,3,{UNIT},wizard,central,3,1,,,", "role"),
        (f"113,10002,5,{UNIT},tcsw,central,3,1,,,", "strategy"),  # phase 2 has strategies 1-4
        (f"113,10002,3,{UNIT},tcsw,gift,3,1,,,", "funding"),
        (f"105,10002,3,{UNIT},tcsw,central,3,1,,,", "plan_year"),
        (f"113,10002,3,{UNIT},tcsw,central,3,1,,1.5,", "central_share"),
        (f"113,10002,3,{UNIT},tcsw,central,3,1,,seventy,", "central_share"),
        (f"113,10002,3,{UNIT},tcsw,central,3,1,,,-100", "monthly_cost"),
        (f"abc,10002,3,{UNIT},tcsw,central,3,1,,,", "plan_year"),
        (f",10002,3,{UNIT},tcsw,central,3,1,,,", "plan_year"),
    ],
)
def test_it_names_the_row_and_column_at_fault_and_saves_nothing(
    plan: Plan, tmp_path: Path, row: str, column: str
) -> None:
    path = write(tmp_path, f"113,10002,3,{UNIT},mhsw,central,3,1,,,", row)
    assert (3, column) in problems(path)
    assert not PositionYear.objects.filter(position__area_id="10002", plan_year=113).exists()


def test_it_refuses_the_same_line_and_year_twice(plan: Plan, tmp_path: Path) -> None:
    line = f"113,10002,3,{UNIT},tcsw,central,3,1,,,"
    assert problems(write(tmp_path, line, line)) == [(3, "plan_year")]


def test_it_refuses_a_header_without_a_required_column(plan: Plan, tmp_path: Path) -> None:
    path = write(tmp_path, "113,10002", header="plan_year,area")
    assert (1, "approved") in problems(path)


def test_the_command_imports_positions_and_reports_every_problem(plan: Plan, tmp_path: Path) -> None:
    good = write(tmp_path, f"113,10002,3,{UNIT},tcsw,central,3,1,,,")
    out = io.StringIO()
    call_command("import", "positions", str(good), stdout=out)
    assert "imported 1 positions" in out.getvalue()
    bad = write(tmp_path, f"113,10002,3,{UNIT},tcsw,central,3,9,,,")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import", "positions", str(bad), stdout=io.StringIO(), stderr=err)
    assert "row 2, column filled" in err.getvalue()
