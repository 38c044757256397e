"""The generated report, opened as its readers open it: the PDF's text (pdftotext), the XLSX read back
with openpyxl and the DOCX with python-docx. The seeds' figures are found in each, as the demo makes
them at the test session's scale (head counts and referral counts exact, caseloads in proportion)."""

from __future__ import annotations

import datetime
import io
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from PIL import Image, ImageStat

from safetynet.demo.caseloads import SEED_000, scaled
from safetynet.geo.models import County
from safetynet.org.models import Staff
from safetynet.people.models import Person
from safetynet.reporting.build import Request, build
from safetynet.reporting.document import Column, Document, Section, Table, printed
from safetynet.reporting.formats import writer
from tests.seeds import SEED_000_REFERRALS

pytestmark = pytest.mark.django_db
SCALE = 0.03
TODAY = datetime.date(2026, 12, 1)


class Report:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.files = {fmt: writer(fmt)(document) for fmt in ("pdf", "xlsx", "docx")}

    def table(self, key: str) -> Table:
        return next(t for t in self.document.tables() if t.key == key)

    def pdf_text(self) -> str:
        return _pdftotext(self.files["pdf"])

    def workbook(self) -> Any:
        return openpyxl.load_workbook(io.BytesIO(self.files["xlsx"]))

    def sheet_rows(self, title: str) -> list[tuple[Any, ...]]:
        """The rows of the sheet whose first cell is the table's title."""
        book = self.workbook()
        sheet = next(ws for ws in book.worksheets if ws["A1"].value == title)
        return [row for row in sheet.iter_rows(values_only=True) if any(c is not None for c in row)]

    def word(self) -> Any:
        return docx.Document(io.BytesIO(self.files["docx"]))

    def word_text(self) -> str:
        document = self.word()
        texts = [p.text for p in document.paragraphs]
        for table in document.tables:
            texts.extend(cell.text for row in table.rows for cell in row.cells)
        for section in document.sections:
            texts.extend(p.text for p in section.header.paragraphs)
        return "\n".join(texts)


def _pdftotext(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)  # noqa: S607
    return done.stdout.decode()


def _report(django_db_blocker: Any, area: str, year: int, edition: str) -> Report:
    with django_db_blocker.unblock():
        county = County.objects.get(pk=area)
        return Report(build(Request(county, year, edition, (year - 3, year - 1), TODAY)))


@pytest.fixture(scope="module")
def county_internal(django_db_setup: Any, django_db_blocker: Any) -> Report:
    return _report(django_db_blocker, "10010", 110, "internal")


@pytest.fixture(scope="module")
def county_public(django_db_setup: Any, django_db_blocker: Any) -> Report:
    return _report(django_db_blocker, "10010", 110, "public")


@pytest.fixture(scope="module")
def city_public(django_db_setup: Any, django_db_blocker: Any) -> Report:
    return _report(django_db_blocker, "10020", 110, "public")


def _row(table: Table, *first: str) -> list[Any]:
    return next(r for r in table.rows if tuple(r[: len(first)]) == first)


# --- 嘉義縣 110 (seed 000) ------------------------------------------------------------------------


def test_the_staffing_table_gives_seed_000s_9_approved_7_filled_and_the_211_cases_in_every_format(
    county_internal: Report,
) -> None:
    cases = sum(scaled(n, SCALE) for n in SEED_000["mhsw"])  # 211 at scale 1
    table = county_internal.table("staffing")
    assert _row(table, "策略三", "心理衛生社工")[2:] == [9, 7, Decimal(7) / 9, cases]
    assert _row(table, "策略三", "處遇協調社工")[2:4] == [3, 3]

    text = county_internal.pdf_text()
    assert any(
        line.split()[1:4] == ["心理衛生社工", "9", "7"] and line.split()[-1] == str(cases)
        for line in text.splitlines()
        if line.split()[:1] == ["策略三"]
    )
    rows = county_internal.sheet_rows(table.title)
    mhsw = next(r for r in rows if r[:2] == ("策略三", "心理衛生社工"))
    assert mhsw[2:4] == (9, 7) and mhsw[5] == cases
    word = county_internal.word()
    found = [[c.text for c in row.cells] for t in word.tables for row in t.rows]
    assert ["策略三", "心理衛生社工", "9", "7", "77.78%", str(cases)] in found


def test_the_internal_edition_names_each_worker_with_seed_000s_caseloads(county_internal: Report) -> None:
    table = county_internal.table("worker_caseloads")
    by_role: dict[str, list[int]] = {}
    for role, _name, cases in table.rows:
        by_role.setdefault(role, []).append(cases)
    assert by_role["處遇協調社工"][:2] == [scaled(120, SCALE), scaled(46, SCALE)]
    assert sorted(by_role["心理衛生社工"]) == sorted(scaled(n, SCALE) for n in SEED_000["mhsw"])
    names = set(
        Staff.objects.filter(unit__county_id="10010", role__code="mhsw").values_list("name", flat=True)
    )
    listed = {row[1] for row in table.rows if row[0] == "心理衛生社工"}
    assert listed and listed <= names
    assert all(name in county_internal.pdf_text() for name in listed)
    assert all(name in county_internal.word_text() for name in listed)


def test_the_referral_table_is_seed_000s_totalling_450_in_every_format(county_internal: Report) -> None:
    table = county_internal.table("referrals")
    mhsw = [c.label for c in table.columns].index("心理衛生社工")
    assert {row[0]: row[mhsw] for row in table.rows if row[mhsw]} == SEED_000_REFERRALS
    assert table.total is not None and table.total[mhsw] == 450
    assert "107-109年" in table.title

    rows = county_internal.sheet_rows(table.title)
    header = next(r for r in rows if r[0] == "服務類別")
    total = next(r for r in rows if r[0] == "總計")
    assert total[header.index("心理衛生社工")] == 450
    assert any(
        line.split()[:2] == ["慈善協會及慈善團體", "307"] for line in county_internal.pdf_text().splitlines()
    )
    cells = [[c.text for c in row.cells] for t in county_internal.word().tables for row in t.rows]
    assert any(row[0] == "總計" and row[mhsw] == "450" for row in cells)


def test_the_pdf_is_paged_with_repeated_headers_and_drawn_in_the_traditional_chinese_font(
    county_internal: Report, tmp_path: Path
) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(county_internal.files["pdf"])
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True).stdout  # noqa: S603, S607
    assert "Noto-Sans-CJK-TC" in fonts and "CJK-JP" not in fonts
    render = ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "page")]
    subprocess.run(render, check=True)  # noqa: S603, S607
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 3
    for page in pages:
        image = Image.open(page).convert("L")
        assert ImageStat.Stat(image).stddev[0] > 10, f"{page.name} is blank"
        dark = sum(image.histogram()[:128])
        assert dark > 500, f"{page.name} has almost no ink"
    pages_text = county_internal.pdf_text().split("\f")
    assert "第 2 頁，共" in pages_text[1] and "內部版" in pages_text[1]


def test_a_table_longer_than_a_page_repeats_its_header_on_every_page() -> None:
    table = Table(
        "long",
        "長表",
        [Column("鄉鎮代號"), Column("在案數", "count")],
        [[f"T{i:03d}", i] for i in range(150)],
    )
    day = datetime.date(2021, 11, 24)
    document = Document(
        "測試報告", "10010", "嘉義縣", 110, "public", "公開版", day, day, [Section(1, "測試", [table])]
    )
    pages = [p for p in _pdftotext(writer("pdf")(document)).split("\f") if "T0" in p or "T1" in p]
    assert len(pages) >= 3
    assert all("鄉鎮代號" in page and "在案數" in page for page in pages)


def test_the_formats_print_the_same_cells_for_every_table(county_public: Report) -> None:
    sheets = {ws["A1"].value: ws for ws in county_public.workbook().worksheets}
    word_rows = [[c.text for c in row.cells] for t in county_public.word().tables for row in t.rows]
    for table in county_public.document.tables():
        if not table.rows:
            continue
        sheet_rows = [_as_printed(r, table) for r in sheets[table.title].iter_rows()]
        for row in table.rows:
            texts = [printed(cell, column.kind) for cell, column in zip(row, table.columns, strict=True)]
            assert texts in word_rows, (table.key, texts)
            assert texts in sheet_rows, (table.key, texts)


def _as_printed(cells: tuple[Any, ...], table: Table) -> list[str]:
    """A worksheet row as the PDF would print it: numbers through the same `printed`, a cell with a
    percent format as a percentage."""
    out = []
    for cell, column in zip(cells, table.columns, strict=False):
        value = cell.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            kind = "percent" if "%" in cell.number_format else column.kind
            out.append(printed(Decimal(str(value)), kind))
        else:
            out.append("—" if value is None else str(value))
    return out


# --- the public edition ------------------------------------------------------------------------------


def _names() -> Iterator[str]:
    yield from Staff.objects.values_list("name", flat=True)
    yield from Person.objects.filter(town__county_id="10010").values_list("name", flat=True)


@pytest.mark.django_db
def test_the_public_edition_names_no_worker_and_no_person_in_any_format(county_public: Report) -> None:
    texts = {
        "pdf": county_public.pdf_text(),
        "docx": county_public.word_text(),
        "xlsx": "\n".join(
            str(value)
            for ws in county_public.workbook().worksheets
            for row in ws.iter_rows(values_only=True)
            for value in row
            if value is not None
        ),
    }
    names = {name for name in _names() if len(name) >= 2}
    assert len(names) > 100
    for fmt, text in texts.items():
        named = [name for name in names if name in text]
        assert not named, f"{fmt} names {len(named)} people"
    assert "心理衛生社工 1" in texts["pdf"]


def test_the_public_edition_hides_small_cells_and_one_more_beside_a_total(county_public: Report) -> None:
    table = county_public.table("referrals")
    mhsw = [c.label for c in table.columns].index("心理衛生社工")
    column = {row[0]: printed(row[mhsw], "count") for row in table.rows}
    assert column["心衛中心到宅精神鑑定"] == "<3"
    assert column["急難救助"] == "<3"  # the smallest other cell, or 1 = 450 − the rest
    assert column["慈善協會及慈善團體"] == "307"
    assert table.total is not None and table.total[mhsw] == 450
    rows = county_public.sheet_rows(table.title)
    assert next(r for r in rows if r[0] == "心衛中心到宅精神鑑定")[mhsw] == "<3"
    assert any("<3" in note for note in table.notes)


# --- 嘉義市 110 (seed 001) -------------------------------------------------------------------------


def test_chiayi_citys_report_has_the_dropout_table_with_the_107_rate_flagged(city_public: Report) -> None:
    table = city_public.table("dropouts")
    assert [(r[0], r[1], r[2], printed(r[3], "percent")) for r in table.rows] == [
        ("107學年度", 11, 7, "63.64%"),
        ("108學年度", 10, 7, "70.00%"),
        ("109學年度", 9, 7, "77.78%"),
    ]
    assert any("66.67%" in note for note in table.notes)
    text = city_public.pdf_text()
    assert "63.64%" in text and "66.67%" in text
    rows = city_public.sheet_rows(table.title)
    assert next(r for r in rows if r[0] == "107學年度")[:3] == ("107學年度", 11, 7)
    assert "66.67%" in "\n".join(p.text for p in city_public.word().paragraphs)


def test_chiayi_citys_staffing_plan_totals_strategy_3_at_7_33_35_38_41(city_public: Report) -> None:
    table = city_public.table("staffing_plan")
    assert [c.label for c in table.columns][2:] == ["110年", "111年", "112年", "113年", "114年"]
    assert _row(table, "策略三 小計")[2:] == [7, 33, 35, 38, 41]
    rows = city_public.sheet_rows(table.title)
    assert next(r for r in rows if r[0] == "策略三 小計")[2:7] == (7, 33, 35, 38, 41)
    assert any(
        line.split()[:6] == ["策略三", "小計", "7", "33", "35", "38"]
        for line in city_public.pdf_text().splitlines()
    )


def test_the_xlsx_keeps_numbers_as_numbers_with_percent_formats_and_native_charts(
    county_public: Report,
) -> None:
    book = county_public.workbook()
    table = county_public.table("staffing")
    sheet = next(ws for ws in book.worksheets if ws["A1"].value == table.title)
    rate = next(row[4] for row in sheet.iter_rows() if row[1].value == "心理衛生社工")
    assert isinstance(rate.value, float) and "%" in rate.number_format
    charts = [chart for ws in book.worksheets for chart in ws._charts]
    assert len(charts) >= len(county_public.document.charts()) >= 3


def test_the_map_counts_the_cases_open_on_the_reports_checkpoint_not_today(county_internal: Report) -> None:
    from safetynet.cases.models import Case
    from safetynet.referrals.mapping import open_case_counts

    (figure,) = county_internal.document.figures()
    assert "110年11月24日 當日在案數" in figure.notes[0]
    county = County.objects.get(pk="10010")
    end_of_checkpoint = datetime.datetime(2021, 11, 25, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    then = open_case_counts(county, end_of_checkpoint)
    assert (
        sum(then.values())
        == Case.objects.open_at(end_of_checkpoint)
        .filter(area_id="10010", person__town__county_id="10010")
        .count()
    )
    assert then != open_case_counts(county)


def test_chiayi_citys_111_budget_table_is_seed_001s_central_subsidy_against_the_plans_caps() -> None:
    document = build(Request(County.objects.get(pk="10020"), 111, "public", (108, 110), TODAY))
    table = next(t for t in document.tables() if t.key == "budget")
    assert [(row[0], row[1], row[2]) for row in table.rows] == [
        ("心衛社工", 58_000, 1_300_000),
        ("處遇社工", 537_000, 2_500_000),
        ("社區心衛中心", 800_000, 655_000),
        ("關懷訪視員", 102_000, 5_400_000),
        ("藥癮個管", 617_000, 3_850_000),  # 7 managers × 55萬
    ]
    assert [row[3] for row in table.rows] == [-1_242_000, -1_963_000, 145_000, -5_298_000, -3_233_000]


def test_chiayi_citys_110_report_lists_seed_001s_111_recruiting_announced_on_110_12_07() -> None:
    document = build(Request(County.objects.get(pk="10020"), 110, "public", (107, 109), TODAY))
    table = next(t for t in document.tables() if t.key == "vacancies")
    assert table.rows and all(row[0] == "111年" for row in table.rows)
    assert {(row[4], row[5]) for row in table.rows} == {("110/12/07", "110/12/16")}


def test_before_the_checkpoint_the_report_projects_each_group_to_it() -> None:
    county = County.objects.get(pk="10010")
    early = build(Request(county, 114, "public", (111, 113), datetime.date(2025, 6, 30)))
    table = next(t for t in early.tables() if t.key == "forecast")
    assert "114年12月31日" in table.title and table.rows
    assert {row[7] for row in table.rows} <= {"有扣款風險", "可達門檻"}
    late = build(Request(county, 114, "public", (111, 113), TODAY))
    assert "forecast" not in {t.key for t in late.tables()}
