"""`safetynet import reported FILE`: other agencies' figures, all rows or none, problems by row and column."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from safetynet.core.imports import ImportFailed, run_import
from safetynet.indicators.engine import compute, period_for
from safetynet.indicators.imports import reported_importer
from safetynet.indicators.models import Indicator, ReportedValue

pytestmark = pytest.mark.django_db

AREA = "10005"
HEADER = "code,area,period,year,numerator,denominator,value,source,reported_on"
# Seed 001's dropout table (中輟 11/10/9, 復學 7/7/7, printed 66.67/70.00/77.78%, 學年度 107-109), for
# 苗栗縣, where the demo reports nothing (it loads the seed's own figures for 嘉義市).
SEED = [
    "DROPOUT_RETURN,10005,school_year,107,7,11,66.67,苗栗縣政府教育處,110/03/15",
    "DROPOUT_RETURN,苗栗縣,school_year,108,7,10,70.00%,苗栗縣政府教育處,2021-03-15",
    "DROPOUT_RETURN,10005,school_year,109,7,9,77.78,苗栗縣政府教育處,1100315",
    "DROPOUT_RATE,10005,school_year,109,9,18000,0.05,苗栗縣政府教育處,110/03/15",
]


def write(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "reported.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def problems(path: Path) -> list[tuple[int, str]]:
    with pytest.raises(ImportFailed) as failure:
        run_import(reported_importer(path.name, by="manager"), path)
    return [(p.row, p.column) for p in failure.value.problems]


def test_it_imports_the_seeds_dropout_table_and_the_engine_flags_the_printed_rate_that_does_not_follow(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, *SEED)
    assert run_import(reported_importer(path.name, by="manager"), path) == 4
    rows = ReportedValue.objects.filter(indicator__code="DROPOUT_RETURN", area_id="10005").order_by(
        "period_start"
    )
    assert [(r.numerator, r.denominator, r.value) for r in rows] == [
        (7, 11, Decimal("0.6667")),
        (7, 10, Decimal("0.7")),
        (7, 9, Decimal("0.7778")),
    ]
    first = rows[0]
    assert first.period_start == datetime.date(2018, 8, 1) and first.reported_on == datetime.date(2021, 3, 15)
    assert first.entered_by.username == "manager" and first.note == "匯入：reported.csv"
    rate = ReportedValue.objects.get(indicator__code="DROPOUT_RATE", area_id=AREA)
    assert rate.value == Decimal("0.0005")  # 0.05% as printed

    indicator = Indicator.objects.get(code="DROPOUT_RETURN")
    value = compute(indicator, "10005", period_for(indicator, 107))
    assert value.source == "reported" and value.shown == "63.64%"
    assert any("66.67%" in note for note in value.notes)


def test_a_problem_anywhere_saves_nothing_and_names_row_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        SEED[0],
        "NO_SUCH,10005,year,110,1,2,,教育處,110/03/15",
        "DROPOUT_RETURN,99999,school_year,110,1,2,,教育處,110/03/15",
        "DROPOUT_RETURN,10005,year,110,1,2,,教育處,110/03/15",
        "DROPOUT_RETURN,10005,school_year,abc,x,2,150,,110/13/01",
        "SUPERVISION,10005,year,110,14,,14%,督導紀錄,110/03/15",
    )
    assert problems(path) == [
        (3, "code"),
        (4, "area"),
        (5, "period"),
        (6, "year"),
        (6, "numerator"),
        (6, "value"),
        (6, "source"),
        (6, "reported_on"),
        (7, "value"),  # a percent sign on a count
    ]
    assert not ReportedValue.objects.filter(area_id=AREA).exists()


def test_the_services_rules_are_problems_of_their_row_and_roll_every_row_back(tmp_path: Path) -> None:
    future = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    path = write(
        tmp_path,
        SEED[0],
        "DROPOUT_RETURN,10005,school_year,110,12,11,,教育處,110/03/15",
        f"DROPOUT_RETURN,10005,school_year,111,1,11,,教育處,{future}",
    )
    assert problems(path) == [(3, "numerator"), (4, "reported_on")]
    assert not ReportedValue.objects.filter(area_id=AREA).exists()


def test_a_missing_or_unknown_column_is_refused(tmp_path: Path) -> None:
    assert problems(write(tmp_path, header="code,area,period,year,value,source,reported_on")) == [
        (1, "numerator"),
        (1, "denominator"),
    ]
    assert problems(write(tmp_path, header=HEADER + ",colour")) == [(1, "colour")]


def test_the_command_records_who_entered_the_rows(tmp_path: Path) -> None:
    path = write(tmp_path, *SEED)
    out = io.StringIO()
    call_command("import", "reported", str(path), "--by", "admin", stdout=out)
    assert "imported 4" in out.getvalue()
    assert set(ReportedValue.objects.filter(area_id=AREA).values_list("entered_by__username", flat=True)) == {
        "admin"
    }


def test_without_by_it_is_the_first_superuser_else_the_first_administrator(tmp_path: Path) -> None:
    path = write(tmp_path, SEED[0])
    call_command("import", "reported", str(path), stdout=io.StringIO())
    assert ReportedValue.objects.get(area_id=AREA).entered_by.username == "admin"  # the demo has no superuser
    root = get_user_model().objects.create_superuser("root", password="x-long-password-1")  # noqa: S106
    call_command("import", "reported", str(write(tmp_path, SEED[1])), stdout=io.StringIO())
    assert ReportedValue.objects.get(area_id=AREA, period_start=datetime.date(2019, 8, 1)).entered_by == root


def test_an_unknown_by_account_is_refused(tmp_path: Path) -> None:
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "reported", str(write(tmp_path, *SEED)), "--by", "nobody", stderr=err)
    assert "--by" in err.getvalue()
    assert not ReportedValue.objects.filter(area_id=AREA).exists()


def test_it_reads_xlsx_too(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "DROPOUT_RETURN",
            "10005",
            "school_year",
            108,
            7,
            10,
            70,
            "苗栗縣政府教育處",
            datetime.date(2021, 3, 15),
        ]
    )
    path = tmp_path / "reported.xlsx"
    book.save(path)
    assert run_import(reported_importer(path.name, by="manager"), path) == 1
    assert ReportedValue.objects.get(area_id=AREA).value == Decimal("0.7")
