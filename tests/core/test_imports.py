from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safetynet.domain import nationalid
from safetynet.org.models import Staff
from safetynet.people.models import Person

pytestmark = pytest.mark.django_db


def valid_id(digits: str) -> str:
    prefix = "Q2" + digits
    return prefix + str(nationalid.check_digit(prefix))


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def test_it_imports_persons_from_csv_with_roc_dates_and_full_town_names(tmp_path: Path) -> None:
    file = write_csv(
        tmp_path / "persons.csv",
        [
            "name,sex,birth_date,national_id,phones,town,address",
            f"甲,女,80/01/02,{valid_id('9000001')},0911000111,嘉義縣朴子市,朴子市某路1號",
            f"乙,M,1991-03-04,{valid_id('9000002').lower()},,10010090,",
        ],
    )
    out = io.StringIO()
    call_command("import", "persons", str(file), stdout=out)
    assert "imported 2 persons" in out.getvalue()
    first = Person.objects.with_national_id(valid_id("9000001")).get()
    assert (first.birth_date.isoformat(), first.town_id) == ("1991-01-02", "10010020")


def test_it_imports_nothing_and_lists_every_problem_with_row_and_column(tmp_path: Path) -> None:
    before = Person.objects.count()
    file = write_csv(
        tmp_path / "persons.csv",
        [
            "name,sex,birth_date,national_id,town",
            f"好,F,80/01/02,{valid_id('9000003')},10010020",
            "壞,F,80/02/30,,10010020",
            ",Q,,A123456788,台北",
            f"重複,F,,{valid_id('9000003')},",
        ],
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported: 6 problem"):
        call_command("import", "persons", str(file), stderr=err)
    report = err.getvalue()
    for expected in [
        "row 3, column birth_date",
        "row 4, column name: required",
        "row 4, column sex",
        "row 4, column national_id: checksum",
        "row 4, column town",
        "row 5, column national_id: same national ID as row 2",
    ]:
        assert expected in report
    assert "A123456788" not in report
    assert Person.objects.count() == before


def test_it_reads_xlsx_and_refuses_unknown_columns(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["name", "unit", "role", "hired_on"])
    book.active.append(["新同仁", "嘉義縣朴子社會福利服務中心", "social_worker", "113/07/01"])
    book.save(tmp_path / "staff.xlsx")
    call_command("import", "staff", str(tmp_path / "staff.xlsx"), stdout=io.StringIO())
    assert Staff.objects.get(name="新同仁").unit.name == "嘉義縣朴子社會福利服務中心"

    bad = write_csv(tmp_path / "bad.csv", ["name,unit,role,hired_on,salary", "x,y,z,113/01/01,1"])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "staff", str(bad), stderr=err)
    assert "row 1, column salary: unknown column" in err.getvalue()


def test_it_imports_a_staff_members_phone_extension_and_refuses_one_that_is_not_digits(
    tmp_path: Path,
) -> None:
    good = write_csv(
        tmp_path / "staff.csv",
        [
            "name,unit,role,hired_on,phone_extension",
            "分機同仁,嘉義縣朴子社會福利服務中心,social_worker,113/07/01,214",
        ],
    )
    call_command("import", "staff", str(good), stdout=io.StringIO())
    assert Staff.objects.get(name="分機同仁").phone_extension == "214"
    bad = write_csv(
        tmp_path / "bad.csv",
        [
            "name,unit,role,hired_on,phone_extension",
            "錯分機,嘉義縣朴子社會福利服務中心,social_worker,113/07/01,#12",
        ],
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "staff", str(bad), stderr=err)
    assert "row 2, column phone_extension" in err.getvalue()
    assert not Staff.objects.filter(name="錯分機").exists()
