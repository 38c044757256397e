"""Files that unpack or run far beyond what an import reads (a zip bomb of a shared string, millions of
rows, a cell of megabytes): refused before any row is parsed, naming the limit (and the row and column
of a cell). Peak memory is measured by bench/import_limits.py, not here.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from bench.import_limits import STRINGS, workbook
from django.core.management import CommandError, call_command

from safetynet.people.models import Person

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = b"</sheetData></worksheet>"


def refusal(path: Path) -> tuple[str, str]:
    """The command's one-line error and the problems it listed before it."""
    errors = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import", "persons", str(path), stdout=io.StringIO(), stderr=errors)
    message = str(caught.value)
    assert "\n" not in message
    return message, errors.getvalue()


def shared_string(size: int) -> Iterator[bytes]:
    yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    chunk = b"a" * (1024 * 1024)
    for _ in range(size // len(chunk)):
        yield chunk
    yield b"</t></si></sst>"


def sheet_rows(count: int, sex: str = "F") -> Iterator[bytes]:
    yield SHEET_HEAD
    yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="B1" t="inlineStr"><is><t>sex</t></is></c></row>'
    batch = []
    for n in range(2, count + 2):
        batch.append(
            f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c>'
            f'<c r="B{n}" t="inlineStr"><is><t>{sex}</t></is></c></row>'.encode()
        )
        if len(batch) == 10_000:
            yield b"".join(batch)
            batch = []
    yield b"".join(batch)
    yield SHEET_TAIL


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    # 70 MB of one shared string in a file of less than 100 KB: openpyxl would hold all of it.
    path = workbook(tmp_path / "bomb.xlsx", {STRINGS: shared_string(70 * 1024 * 1024)})
    assert path.stat().st_size < 100_000
    message, _ = refusal(path)
    assert message == f"{path}: unpacks to 70 MB, more than an import reads (64 MB)"


def test_shared_strings_beyond_their_limit_are_refused_before_they_are_read(tmp_path: Path) -> None:
    path = workbook(tmp_path / "strings.xlsx", {STRINGS: shared_string(25 * 1024 * 1024)})
    message, _ = refusal(path)
    assert message == f"{path}: its shared strings unpack to 25 MB, more than an import reads (24 MB)"


def test_a_part_other_than_the_sheets_beyond_its_limit_is_refused(tmp_path: Path) -> None:
    styles = [
        b'<?xml version="1.0"?>',
        b" " * (5 * 1024 * 1024),
        b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
    ]
    path = workbook(tmp_path / "styles.xlsx", {"xl/styles.xml": styles})
    message, _ = refusal(path)
    assert message == (
        f"{path}: its part 'xl/styles.xml' unpacks to 5 MB, more than an import reads of a part other "
        "than sheets and shared strings (4 MB)"
    )


def test_a_zip_directory_of_more_parts_than_a_workbook_has_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(30_000):
            archive.writestr(f"xl/media/{i:06d}.bin", b"")
    message, _ = refusal(path)
    assert message.startswith(f"{path}: its zip directory is 2 MB, more parts than a workbook has")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_more_rows_than_the_limit_are_refused_naming_the_limit_and_the_row(tmp_path: Path, kind: str) -> None:
    # Rows each of which the importer would refuse too: the limit is named first, and alone.
    before = Person.objects.count()
    if kind == "csv":
        path = tmp_path / "rows.csv"
        path.write_text("name,sex\n" + "x,?\n" * 100_001, encoding="utf-8")
    else:
        path = workbook(tmp_path / "rows.xlsx", {SHEET: sheet_rows(100_001, sex="?")})
    message, listed = refusal(path)
    assert message == "nothing imported: 1 problem(s)"
    assert listed.strip() == f"{path.name}: row 100002, column FILE: more rows than an import reads (100,000)"
    assert Person.objects.count() == before


def test_a_sheet_reaching_beyond_a_sheets_last_row_is_refused(tmp_path: Path) -> None:
    far = b'<row r="2000000"><c r="A2000000" t="inlineStr"><is><t>x</t></is></c></row>'
    head = b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="B1" t="inlineStr"><is><t>sex</t></is></c></row>'
    path = workbook(tmp_path / "far.xlsx", {SHEET: [SHEET_HEAD, head, far, SHEET_TAIL]})
    _, listed = refusal(path)
    assert (
        listed.strip() == f"{path.name}: row 1048577, column FILE: beyond the last row of a sheet (1,048,576)"
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_cell_longer_than_the_limit_is_refused_naming_its_row_and_column(tmp_path: Path, kind: str) -> None:
    long = "長" * 10_001
    if kind == "csv":
        path = tmp_path / "cell.csv"
        path.write_text(f"name,sex\n王小明,F\n{long},F\n", encoding="utf-8")
    else:
        book = openpyxl.Workbook()
        for row in (["name", "sex"], ["王小明", "F"], [long, "F"]):
            book.active.append(row)
        path = tmp_path / "cell.xlsx"
        book.save(path)
    message, listed = refusal(path)
    assert message == "nothing imported: 1 problem(s)"
    assert (
        listed.strip() == f"{path.name}: row 3, column name: longer than an import reads (10,000 characters)"
    )
