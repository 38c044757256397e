"""Hostile and broken input: stored as text and shown escaped, never run; exports that keep formulas
out of spreadsheets; oversized bodies, odd files and odd query strings answered with a 4xx or a
one-line error, never a 500 or a traceback.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from safetynet.cases.models import Contact
from safetynet.core.imports import MAX_BYTES
from safetynet.core.tokens import issue_token
from safetynet.domain import charts
from safetynet.intake.models import Report
from safetynet.people.models import Person
from safetynet.referrals.models import Organization
from tests.cases.test_contacts import form as contact_form
from tests.cases.test_contacts import worker_case
from tests.test_access_matrix import MATRIX

pytestmark = pytest.mark.django_db

SQL = "'; DROP TABLE people_person; --"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOADS = [SQL, SCRIPT, ATTRIBUTE]
SAFETYNET = str(Path(sys.executable).with_name("safetynet"))


def shown_as_text(html: str, payload: str) -> bool:
    """The payload is on the page only escaped: no live tag, no attribute broken out of."""
    return escape(payload) in html and payload not in html


def tables_intact() -> None:
    assert "people_person" in connection.introspection.table_names()
    assert Person.objects.exists()


def api_post(url: str, body: Any, username: str, scope: str, **headers: str):  # type: ignore[no-untyped-def]
    _, token = issue_token(get_user_model().objects.get(username=username), scopes=[scope])
    text = body if isinstance(body, str | bytes) else json.dumps(body)
    return Client().post(url, text, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


# --- (a) markup and SQL are kept as text --------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS, ids=["sql", "script", "attribute"])
def test_it_keeps_a_contact_typed_in_the_form_as_text(payload: str, as_user) -> None:  # type: ignore[no-untyped-def]
    case, client = worker_case(), as_user("worker")
    fields = {"place": payload, "with_whom": payload, "note": payload, "next_step": payload}
    response = client.post(f"/cases/{case.pk}/contacts/new/", contact_form(**fields))
    assert response.status_code == 302
    contact = Contact.objects.get(case=case)
    assert (contact.place, contact.with_whom, contact.note, contact.next_step) == (payload,) * 4
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert shown_as_text(page, payload)
    tables_intact()


@pytest.mark.parametrize("payload", PAYLOADS, ids=["sql", "script", "attribute"])
def test_it_keeps_a_persons_name_typed_in_the_form_as_text(payload: str, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("worker")
    data = {
        "name": payload,
        "sex": "F",
        "birth_date": "",
        "national_id": "",
        "phones": "",
        "town": "10010020",
    }
    response = client.post("/people/new/", {**data, "address": payload})
    assert response.status_code == 302
    person = Person.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))
    assert (person.name, person.address) == (payload, payload)
    assert shown_as_text(client.get(response["Location"]).content.decode(), payload)
    # The search box gives the query back in its field: escaped there too.
    listing = client.get("/people/", {"q": payload})
    assert listing.status_code == 200
    assert shown_as_text(listing.content.decode(), payload)
    tables_intact()


@pytest.mark.parametrize("payload", PAYLOADS, ids=["sql", "script", "attribute"])
def test_it_keeps_a_report_sent_to_the_api_as_text(payload: str, as_user) -> None:  # type: ignore[no-untyped-def]
    body = {
        "received_at": timezone.localtime().isoformat(),
        "area": "10010",
        "source": "113",
        "narrative": payload,
        "reporter": payload,
        "subjects": [{"ref": "c", "role": "child", "types": ["VF"], "town": "10010020", "name": payload}],
    }
    response = api_post("/api/v1/reports", body, "screener", "reports:write")
    assert response.status_code == 201
    report = Report.objects.get(pk=response.json()["id"])
    assert (report.narrative, report.reporter, report.subjects.get().person.name) == (payload,) * 3
    page = as_user("screener").get(f"/intake/reports/{report.pk}/").content.decode()
    assert shown_as_text(page, payload)
    tables_intact()


def test_it_shows_a_partner_named_with_markup_escaped_in_the_directory(tmp_path: Path, as_user) -> None:  # type: ignore[no-untyped-def]
    import_partners(tmp_path, [SCRIPT, ATTRIBUTE])
    page = as_user("worker").get("/referrals/directory/", {"q": "<"}).content.decode()
    assert shown_as_text(page, SCRIPT) and shown_as_text(page, ATTRIBUTE)


def test_charts_escape_every_text_they_draw() -> None:
    """Charts are put on pages as markup (`mark_safe`): their builder must escape titles and labels."""
    svg = charts.trend_chart(
        [charts.Point(SCRIPT, 0.5, ATTRIBUTE, target=0.6, met=False)],
        title=SCRIPT,
        description=ATTRIBUTE,
        empty_text=SCRIPT,
        y_label=ATTRIBUTE,
        target_label=SCRIPT,
        tick_format=charts.format_percent,
        y_max=1.0,
        chart_id="x",
    )
    assert "<script" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg


# --- (b) exports keep formulas out of spreadsheets ----------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-1+1", "@SUM(A1)"]


def import_partners(folder: Path, names: list[str]) -> None:
    path = folder / "partners.csv"
    lines = ["organization,kind,area,service,categories"]
    lines += ['"{}",ngo,10010,測試服務,family_support'.format(name.replace('"', '""')) for name in names]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("import", "partners", str(path), stdout=io.StringIO())


def formula_cells(book: Any) -> list[str]:
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_the_xlsx_writer_writes_formula_looking_text_as_text() -> None:
    from safetynet.reporting.document import Chart, Column, Document, Notes, Section, Series, Table
    from safetynet.reporting.formats import writer

    table = Table("t", FORMULAS[0], [Column(FORMULAS[1]), Column("數", "count")], [[f, 1] for f in FORMULAS])
    table.notes.append(FORMULAS[2])
    chart = Chart("c", "圖", "<svg/>", "column", list(FORMULAS), [Series(FORMULAS[3], [1.0, 2.0, 3.0, 4.0])])
    day = datetime.date(2021, 11, 24)
    document = Document(
        FORMULAS[0], "10010", FORMULAS[3], 110, "public", "公開版", day, day,
        [Section(1, "測試", [table, chart, Notes("n", "註", list(FORMULAS))])],
    )  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(writer("xlsx")(document)))
    assert formula_cells(book) == []
    texts = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value[:1] in "=+-@"
    ]
    assert {cell.value for cell in texts} >= set(FORMULAS)
    assert all(cell.data_type == "s" for cell in texts)


def test_a_partner_named_like_a_formula_stays_text_in_the_annual_report(tmp_path: Path) -> None:
    from safetynet.geo.models import County
    from safetynet.reporting.build import Request, build
    from safetynet.reporting.formats import writer

    import_partners(tmp_path, FORMULAS)
    assert Organization.objects.filter(name__in=FORMULAS).count() == len(FORMULAS)
    document = build(Request(County.objects.get(pk="10010"), 110, "public", (107, 109), timezone.localdate()))
    book = openpyxl.load_workbook(io.BytesIO(writer("xlsx")(document)))
    assert formula_cells(book) == []
    found = {
        cell.value: cell.data_type
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value in FORMULAS
    }
    assert found == dict.fromkeys(FORMULAS, "s")


def test_no_csv_export_exists_that_could_carry_a_formula() -> None:
    """The app's only CSV writer makes the demo's import file. A CSV export for people to open in a
    spreadsheet must first prefix cells starting with = + - @ (or a tab or CR) with a `'`."""
    source = Path(__file__).resolve().parents[1] / "src" / "safetynet"
    writers = sorted(
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    )
    assert writers == ["demo/partners.py"]


# --- (c) oversized input --------------------------------------------------------------------------------


def test_it_refuses_an_api_body_over_the_upload_limit_with_a_4xx() -> None:
    huge = json.dumps({"narrative": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = api_post("/api/v1/reports", huge, "screener", "reports:write")
    assert 400 <= response.status_code < 500


def test_it_refuses_a_form_over_the_upload_limits_with_a_4xx(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("worker")
    too_big = {"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), "sex": "F"}
    assert client.post("/people/new/", too_big).status_code == 400
    too_many = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    assert client.post("/people/new/", too_many).status_code == 400
    assert not Person.objects.filter(name__startswith="xxxx").exists()


def test_it_refuses_a_contact_field_longer_than_it_keeps_over_the_api() -> None:
    case = worker_case()
    body = {"kind": "phone", "occurred_at": timezone.now().isoformat(), "minutes": 5, "place": "p" * 101}
    response = api_post(f"/api/v1/cases/{case.pk}/contacts", body, "worker", "cases:write")
    assert response.status_code == 422
    assert response.json() == {"errors": {"place": "at most 100 characters"}}


@pytest.mark.parametrize(
    ("subject", "field"),
    [
        ({"ref": "r" * 41}, "subjects[0].ref"),
        ({"name": "n" * 61}, "subjects[0].name"),
        ({"name": {"first": "x"}}, "subjects[0].name"),
        ({"role": ["child"]}, "subjects[0].role"),
        ({"town": ["10010020"]}, "subjects[0].town"),
        ({"birth_date": 20200101}, "subjects[0].birth_date"),
    ],
)
def test_it_names_the_field_of_a_report_that_cannot_be_kept(subject: dict[str, Any], field: str) -> None:
    body = {
        "received_at": timezone.localtime().isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [{"ref": "c", "role": "child", "types": ["VF"], "town": "10010020", **subject}],
    }
    response = api_post("/api/v1/reports", body, "screener", "reports:write")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"source": ["113"]}, "source"),
        ({"received_at": "0001-01-01T00:00:00+08:00"}, "received_at"),
        ({"narrative": "a\x00b"}, "narrative"),
    ],
)
def test_it_names_the_field_of_a_report_it_cannot_read(changes: dict[str, Any], field: str) -> None:
    body = {
        "received_at": timezone.localtime().isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [{"ref": "c", "role": "child", "types": ["VF"], "town": "10010020"}],
        **changes,
    }
    response = api_post("/api/v1/reports", body, "screener", "reports:write")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


def test_it_refuses_nul_characters_in_a_case_record_naming_the_field() -> None:
    case = worker_case()
    body = {"instrument": "psychiatric", "assessed_at": timezone.now().isoformat(), "answers": {"level": 3}}
    response = api_post(
        f"/api/v1/cases/{case.pk}/assessments", {**body, "answers": {"level": 3, "x": "\x00"}}, "worker",
        "cases:write",
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json() == {"errors": {"answers.x": "may not contain NUL characters"}}


# --- (c, d) files given to `safetynet import` ----------------------------------------------------------


def import_error(kind: str, path: Path | str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("import", kind, str(path), stdout=io.StringIO(), stderr=io.StringIO())
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_it_refuses_an_import_file_above_the_size_cap(tmp_path: Path) -> None:
    huge = tmp_path / "persons.csv"
    with huge.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: as big as it says, without writing 50 MB
    assert import_error("persons", huge) == f"{huge}: 50 MB is more than an import reads (50 MB)"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("persons.txt", b"name\n", "expected a .csv or .xlsx file, got .txt"),
        ("persons", b"name\n", "expected a .csv or .xlsx file, got no suffix"),
        ("persons.csv", "name,sex\n王,F\n".encode("big5"), "not UTF-8 text: save the CSV as UTF-8"),
        ("persons.xlsx", b"name,sex\n", "not a readable XLSX workbook"),
        ("persons.csv", b'name,sex\n"' + b"x" * 200_000 + b'",F\n', "not a readable CSV file"),
    ],
    ids=["txt", "no-suffix", "big5", "fake-xlsx", "huge-field"],
)
def test_it_refuses_a_file_it_cannot_read_in_one_line(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    message = import_error("persons", path)
    assert message.startswith(f"{path}: {expected}")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("../../etc/passwd", "expected a .csv or .xlsx file, got no suffix"),
        ("/etc", "not a file"),
        ("/nonexistent/persons.csv", "no such file"),
        ("../../etc/passwd.csv", "no such file"),
    ],
)
def test_it_refuses_paths_that_are_not_an_import_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, expected: str
) -> None:
    # ../../etc/passwd reaches a real file wherever the checkout sits
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("root:x:0:0::/root:/bin/sh\n")
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a" / "b")
    assert import_error("persons", path) == f"{path}: {expected}"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["import", "persons", "/etc"], "/etc: not a file"),
        (["import", "persons", "/etc/passwd"], "/etc/passwd: expected a .csv or .xlsx file, got no suffix"),
    ],
)
def test_the_command_says_it_in_one_line_and_exits_1(tmp_path: Path, args: list[str], expected: str) -> None:
    environment = {"SAFETYNET_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(  # noqa: S603 - our own command
        [SAFETYNET, *args], capture_output=True, text=True, env=environment, timeout=120, check=False
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"CommandError: {expected}"]


# --- (d) report files are served from REPORTS_DIR only -------------------------------------------------


def test_a_report_download_is_named_and_found_by_the_export_not_by_its_stored_name(as_user) -> None:  # type: ignore[no-untyped-def]
    from safetynet.reporting.models import ReportExport
    from safetynet.reporting.services import stored_path
    from tests.test_access_matrix import manager_export

    export = ReportExport.objects.get(pk=manager_export()["pk"])
    ReportExport.objects.filter(pk=export.pk).update(file_name="../../x")
    path = stored_path(export)
    assert path.resolve().parent == Path(settings.REPORTS_DIR).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK")
    response = as_user("manager").get(f"/reports/{export.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="x"'
    # A row that names no file of its own kind finds none.
    ReportExport.objects.filter(pk=export.pk).update(format="../x")
    assert as_user("manager").get(f"/reports/{export.pk}/download/").status_code == 404


# --- (d) query strings of list and search pages ---------------------------------------------------------

PARAMETERS = ["q", "page", "area", "year", "show", "state", "unit", "category", "prefix", "start", "end"]
PARAMETERS += ["birth_date", "next", "against", "code", "name", "format", "edition"]
ODD_VALUES = {"nul": "\x00", "long": "x" * 10_000, "hostile": SQL + SCRIPT, "not-utf8": b"\xff\xfe"}


def pages() -> list[tuple[str, str]]:
    """Each page answered with 200 to someone, and the first such persona."""
    found = []
    for name, (method, _kwargs, expected) in sorted(MATRIX.items()):
        personas = [p for p, status in expected.items() if status == 200 and p != "anonymous"]
        if method == "get" and personas and not name.startswith("api:"):
            found.append((name, personas[0]))
    return found


@pytest.mark.parametrize(("name", "persona"), pages(), ids=[name for name, _ in pages()])
def test_odd_query_strings_never_break_a_page(name: str, persona: str, as_user) -> None:  # type: ignore[no-untyped-def]
    from urllib.parse import quote_from_bytes

    url = reverse(name, kwargs=MATRIX[name][1]())
    client = as_user(persona)
    for label, value in ODD_VALUES.items():
        raw = value if isinstance(value, bytes) else value.encode()
        query = "&".join(f"{key}={quote_from_bytes(raw)}" for key in PARAMETERS)
        response = client.get(f"{url}?{query}")
        assert response.status_code < 500, (label, response.status_code)
        if response.status_code == 200 and "text/html" in response["Content-Type"]:
            assert SCRIPT not in response.content.decode(errors="replace"), label
