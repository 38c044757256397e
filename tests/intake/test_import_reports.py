"""`safetynet import reports FILE`: a backlog or an earlier system's history, all rows or none."""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safetynet.cases.models import Case, Clock
from safetynet.domain import nationalid
from safetynet.intake.models import Channel, DispatchOutcome, Report, Screening
from safetynet.people.models import Person

pytestmark = pytest.mark.django_db

TAIPEI = ZoneInfo("Asia/Taipei")
HEADER = (
    "external_id,received_at,area,source,type,role,subject_name,subject_national_id,"
    "subject_birth_date,subject_town,screened_at,route"
)
COLUMNS = HEADER.split(",")


def an_id(digits: str) -> str:
    prefix = "R2" + digits
    return prefix + str(nationalid.check_digit(prefix))


def line(**values: str) -> str:
    row = {
        "external_id": "BAD-1",
        "received_at": "113/03/05 09:30",
        "area": "10010",
        "source": "113",
        "type": "IPV",
        "role": "victim",
        "subject_name": "甲",
        "subject_town": "10010020",
    } | values
    return ",".join(row.get(column, "") for column in COLUMNS)


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8-sig")
    return path


def import_reports(path: Path) -> str:
    out = io.StringIO()
    call_command("import", "reports", str(path), stdout=out)
    return out.getvalue()


def refused(path: Path) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import", "reports", str(path), stderr=err)
    return err.getvalue()


def test_it_imports_a_report_per_external_id_with_a_subject_per_row_and_legacy_screenings(
    tmp_path: Path,
) -> None:
    cases_before = Case.objects.count()
    file = write_csv(
        tmp_path / "reports.csv",
        [
            f"IMPT-001,113/03/05 09:30,10010,113,IPV,victim,王美麗,{an_id('1000001')},75/04/01,10010020,,",
            f"IMPT-001,113/03/05 09:30,10010,113,IPV、FV,respondent,陳大明,{an_id('1000002')},"
            "1980-02-03,嘉義縣朴子市,,",
            "IMPT-002,2024-03-06T10:00:00+08:00,10010,POLICE,CP,child,林小華,,,10010050,"
            "2024-03-06 16:00,SWC;FPC",
        ],
    )
    import_reports(file)

    waiting = Report.objects.get(external_id="IMPT-001")
    assert waiting.channel == Channel.IMPORT
    assert waiting.received_at == datetime.datetime(2024, 3, 5, 9, 30, tzinfo=TAIPEI)
    subjects = {s.ref: s for s in waiting.subjects.select_related("person")}
    assert {ref: (s.role, s.types, s.town_id) for ref, s in subjects.items()} == {
        "s1": ("victim", ["IPV"], "10010020"),
        "s2": ("respondent", ["IPV", "FV"], "10010020"),
    }
    person = Person.objects.with_national_id(an_id("1000001")).get()
    assert subjects["s1"].person == person and person.birth_date == datetime.date(1986, 4, 1)
    assert not Screening.objects.filter(report=waiting).exists()  # waits in the screening queue
    assert Clock.objects.get(report=waiting, case__isnull=True).met_at is None

    legacy = Report.objects.get(external_id="IMPT-002")
    screening = legacy.screening
    screened = datetime.datetime(2024, 3, 6, 16, 0, tzinfo=TAIPEI)
    assert screening.legacy and screening.decided_at == screened and screening.decided_by is None
    assert {(r["subject"], r["route"], r["priority"]) for r in screening.routes} == {
        ("s1", "SWC", None),
        ("s1", "FPC", None),
    }
    suggested = {(r["subject"], r["route"]) for r in legacy.suggestion["routes"]}
    assert screening.overridden == (suggested != {("s1", "SWC"), ("s1", "FPC")})
    dispatches = list(screening.dispatches.all())
    assert {d.route for d in dispatches} == {"SWC", "FPC"}
    assert all(d.outcome == DispatchOutcome.RECORDED and d.case is None for d in dispatches)
    assert Clock.objects.get(report=legacy, case__isnull=True).met_at == screened
    assert Case.objects.count() == cases_before  # history: nobody is sent a case


def test_it_reads_xlsx_with_number_cells_and_code_labels(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(COLUMNS[:10])
    book.active.append(
        [4711, "113/03/07 08:15", 10010, 113, "親密關係暴力", "被害人", "吳小姐", "", "", 10010020]
    )
    book.save(tmp_path / "reports.xlsx")
    import_reports(tmp_path / "reports.xlsx")
    subject = Report.objects.get(external_id="4711").subjects.get()
    assert (subject.role, subject.types, subject.town_id) == ("victim", ["IPV"], "10010020")


def test_it_reads_a_received_at_cell_formatted_as_date_and_time(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(COLUMNS[:10])
    received = datetime.datetime(2024, 3, 7, 8, 15)  # noqa: DTZ001 - Excel cells have no zone: Asia/Taipei
    book.active.append([4712, received, 10010, 113, "IPV", "victim", "吳小姐", "", "", 10010020])
    book.save(tmp_path / "reports.xlsx")
    import_reports(tmp_path / "reports.xlsx")
    moment = timezone.localtime(Report.objects.get(external_id="4712").received_at)
    assert (moment.date(), moment.hour, moment.minute) == (received.date(), 8, 15)


FUTURE = (timezone.localtime() + datetime.timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("bad_rows", "expected"),
    [
        ([{"role": ""}], "row 3, column role: required"),
        ([{"type": ""}], "row 3, column type: required"),
        ([{"type": "IPV、XX"}], "row 3, column type: unknown code 'XX'"),
        ([{"role": "bystander"}], "row 3, column role: unknown role 'bystander'"),
        ([{"source": "PIGEON"}], "row 3, column source: unknown source 'PIGEON'"),
        ([{"area": "99999"}], "row 3, column area: unknown county code '99999'"),
        ([{"subject_town": "99990010"}], "row 3, column subject_town: unknown town"),
        ([{"subject_town": "東京都新宿區"}], "row 3, column subject_town: unknown town"),
        ([{"received_at": FUTURE}], "row 3, column received_at: is in the future"),
        ([{"received_at": "113/02/30 09:30"}], "row 3, column received_at: not a time"),
        ([{"received_at": "2024-03-05"}], "row 3, column received_at: not a time"),
        ([{"subject_national_id": "A123456788"}], "row 3, column subject_national_id: checksum"),
        ([{"subject_birth_date": "75/02/30"}], "row 3, column subject_birth_date: not a date"),
        ([{}, {"subject_town": "123"}], "row 4, column subject_town: unknown town"),
        ([{}, {"received_at": "113/03/05 10:30"}], "row 4, column received_at: differs from row 3"),
        ([{}, {"source": "POLICE"}], "row 4, column source: differs from row 3"),
        ([{"route": "FPC"}], "row 3, column screened_at: required when route is given"),
        ([{"screened_at": "113/03/05 10:00"}], "row 3, column route: required when screened_at"),
        (
            [{"screened_at": "113/03/04 10:00", "route": "FPC"}],
            "row 3, column screened_at: is before received_at",
        ),
        ([{"screened_at": FUTURE, "route": "FPC"}], "row 3, column screened_at: is in the future"),
        (
            [{"screened_at": "113/03/05 10:00", "route": "FPC;NOPE"}],
            "row 3, column route: unknown route 'NOPE'",
        ),
    ],
)
def test_it_imports_nothing_and_names_the_row_and_column_of_bad_input(
    tmp_path: Path, bad_rows: list[dict[str, str]], expected: str
) -> None:
    before = (Report.objects.count(), Person.objects.count())
    file = write_csv(
        tmp_path / "reports.csv",
        [line(external_id="GOOD-1"), *(line(**values) for values in bad_rows)],
    )
    problems = refused(file)
    assert expected in problems
    where = expected.split(":")[0] + ":"
    assert problems.count(where) == 1, problems  # named once, not by each check that saw it
    assert "A123456788" not in problems
    assert (Report.objects.count(), Person.objects.count()) == before


def test_a_respondents_row_may_leave_the_type_to_the_report(tmp_path: Path) -> None:
    file = write_csv(
        tmp_path / "reports.csv",
        [
            line(external_id="TYPE-1", subject_name="王美麗"),
            line(external_id="TYPE-1", role="respondent", type="", subject_name="陳大明", subject_town=""),
        ],
    )
    import_reports(file)
    report = Report.objects.get(external_id="TYPE-1")
    assert list(report.subjects.order_by("pk").values_list("role", "types")) == [
        ("victim", ["IPV"]),
        ("respondent", ["IPV"]),
    ]


def test_a_report_whose_rows_have_no_type_to_give_is_refused_at_the_row(tmp_path: Path) -> None:
    file = write_csv(
        tmp_path / "reports.csv",
        [
            line(external_id="TYPE-2", type="VF", role="child"),
            line(external_id="TYPE-2", role="family", type="", subject_town=""),
        ],
    )
    problems = refused(file)
    assert "row 3, column type: at least one report type is required" in problems
    assert not Report.objects.filter(external_id="TYPE-2").exists()


def test_a_victims_row_still_needs_its_type(tmp_path: Path) -> None:
    file = write_csv(tmp_path / "reports.csv", [line(external_id="TYPE-3", type="")])
    assert "row 2, column type: required" in refused(file)


def test_it_refuses_to_import_the_same_external_id_twice_in_one_area(tmp_path: Path) -> None:
    file = write_csv(tmp_path / "reports.csv", [line(external_id="TWICE-1")])
    import_reports(file)
    before = Report.objects.count()
    assert "row 2, column external_id: already imported" in refused(file)
    assert Report.objects.count() == before
    other_area = write_csv(
        tmp_path / "city.csv", [line(external_id="TWICE-1", area="10020", subject_town="")]
    )
    import_reports(other_area)
    assert Report.objects.filter(external_id="TWICE-1").count() == 2


def test_the_command_exits_1_printing_every_problem(tmp_path: Path) -> None:
    file = write_csv(tmp_path / "reports.csv", [line(type="XX"), line(external_id="B-2", subject_town="1")])
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["SAFETYNET_DATA_DIR"] = str(tmp_path)
    safetynet = str(Path(sys.executable).with_name("safetynet"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own command
            [safetynet, *args], capture_output=True, text=True, env=environment, timeout=300, check=False
        )

    assert run("migrate", "-v0").returncode == 0
    result = run("import", "reports", str(file))
    assert result.returncode == 1
    assert "reports.csv: row 2, column type: unknown code 'XX'" in result.stderr
    assert "reports.csv: row 3, column subject_town: unknown town" in result.stderr
    assert "nothing imported: 2 problem(s)" in result.stderr
    assert "Traceback" not in result.stderr
