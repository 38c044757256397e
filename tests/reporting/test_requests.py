"""Asking for a report: from the 報表 page (a job with its progress, then the download) and from
`safetynet report`; every export is logged, the internal edition is the managers' only, and bad
input is refused naming the field, with nothing logged."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from safetynet.core.errors import DomainError
from safetynet.reporting import services
from safetynet.reporting.models import ReportExport

pytestmark = pytest.mark.django_db


def user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


def test_a_manager_generates_the_internal_edition_on_the_page_and_downloads_it(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("manager")
    form = {"area": "10010", "year": "110", "format": "xlsx", "edition": "internal"}
    response = client.post("/reports/", form, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    export = ReportExport.objects.get()
    assert (export.requested_by, export.edition, export.status, export.progress) == (
        user("manager"),
        "internal",
        "done",
        100,
    )
    assert f'href="/reports/{export.pk}/download/"' in response.content.decode()
    assert 'id="export-log" hx-swap-oob="true"' in response.content.decode()  # the log, refreshed

    download = client.get(f"/reports/{export.pk}/download/")
    data = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert hashlib.sha256(data).hexdigest() == export.sha256 and len(data) == export.size
    assert "attachment" in download["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.worksheets[0]["A1"].value.endswith("行政輔導報告")

    log = client.get("/reports/").content.decode()
    assert 'data-testid="export-log"' in log and "內部版" in log
    assert as_user("supervisor").get(f"/reports/{export.pk}/download/").status_code == 404


def test_the_job_shows_its_progress_until_done(as_user) -> None:  # type: ignore[no-untyped-def]
    export = services.request_export(
        area="10010", year=110, format="pdf", edition="public", by=user("manager")
    )
    page = as_user("manager").get(f"/reports/{export.pk}/").content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    ReportExport.objects.filter(pk=export.pk).update(progress=35, step="展望與規劃", status="running")
    assert "35% · 展望與規劃" in as_user("manager").get(f"/reports/{export.pk}/").content.decode()


def test_only_managers_are_offered_and_allowed_the_internal_edition(as_user) -> None:  # type: ignore[no-untyped-def]
    assert 'value="internal"' not in as_user("supervisor").get("/reports/").content.decode()
    assert 'value="internal"' in as_user("manager").get("/reports/").content.decode()
    response = as_user("supervisor").post(
        "/reports/", {"area": "10010", "year": "110", "format": "pdf", "edition": "internal"}
    )
    assert response.status_code == 422
    with pytest.raises(DomainError) as refused:
        services.request_export(area="10010", year=110, format="pdf", edition="internal", by=user("reviewer"))
    assert refused.value.field == "edition"
    assert not ReportExport.objects.exists()


@pytest.mark.parametrize(
    ("asked", "field"),
    [
        ({"area": "99999"}, "area"),
        ({"year": "99"}, "year"),
        ({"format": "odt"}, "format"),
        ({"referrals_from": "109", "referrals_to": "107"}, "referrals_from"),
        ({"referrals_from": "107"}, "referrals_to"),
    ],
)
def test_bad_choices_on_the_page_are_field_errors_and_log_nothing(as_user, asked, field) -> None:  # type: ignore[no-untyped-def]
    form = {"area": "10010", "year": "110", "format": "pdf", "edition": "public", **asked}
    response = as_user("manager").post("/reports/", form)
    assert response.status_code == 422
    assert f'data-field-error="{field}"' in response.content.decode()
    assert not ReportExport.objects.exists()


def test_another_countys_report_is_refused_on_the_page(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("manager").post(
        "/reports/", {"area": "10020", "year": "110", "format": "pdf", "edition": "public"}
    )
    assert response.status_code == 422
    assert not ReportExport.objects.exists()


def test_the_command_writes_the_file_and_logs_the_export(tmp_path: Path) -> None:
    output = tmp_path / "report.docx"
    out = io.StringIO()
    call_command("report", area="10020", year=111, format="docx", output=output, stdout=out)
    export = ReportExport.objects.get()
    assert (export.channel, export.requested_by, export.edition, export.status) == (
        "cli",
        None,
        "public",
        "done",
    )
    assert hashlib.sha256(output.read_bytes()).hexdigest() == export.sha256
    assert f"log #{export.pk}" in out.getvalue()


def test_the_command_gives_the_internal_edition_only_to_a_manager_named_with_by(tmp_path: Path) -> None:
    output = tmp_path / "internal.xlsx"
    with pytest.raises(CommandError, match="edition"):
        call_command("report", area="10010", year=110, format="xlsx", output=output, edition="internal")
    with pytest.raises(CommandError, match="edition"):
        call_command(
            "report",
            area="10010",
            year=110,
            format="xlsx",
            output=output,
            edition="internal",
            by="supervisor",
        )
    call_command(
        "report",
        area="10010",
        year=110,
        format="xlsx",
        output=output,
        edition="internal",
        by="manager",
        stdout=io.StringIO(),
    )
    assert ReportExport.objects.get().requested_by == user("manager")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"area": "99999"}, "area"),
        ({"year": 99}, "year"),
        ({"year": 130}, "year"),
        ({"referrals": "107"}, "referrals"),
        ({"by": "nobody"}, "by"),
        ({"output": Path("/nonexistent/folder/report.pdf")}, "output"),
    ],
)
def test_the_command_refuses_bad_input_naming_it(
    tmp_path: Path, options: dict[str, object], message: str
) -> None:
    asked = {"area": "10010", "year": 110, "format": "pdf", "output": tmp_path / "r.pdf", **options}
    with pytest.raises(CommandError, match=message):
        call_command("report", **asked)
    assert not ReportExport.objects.exists()
    assert not (tmp_path / "r.pdf").exists()


def test_a_year_without_records_says_so_section_by_section(tmp_path: Path) -> None:
    output = tmp_path / "empty.xlsx"
    call_command("report", area="10020", year=119, format="xlsx", output=output, stdout=io.StringIO())
    cells = "\n".join(
        str(v)
        for ws in openpyxl.load_workbook(output).worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if v
    )
    assert "119年尚無核定人力資料。" in cells
    assert "119年尚未登錄預算資料。" in cells
    assert "本年度尚無指標資料。" in cells


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_command_draws_a_progress_bar_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    call_command(
        "report", area="10020", year=111, format="xlsx", output=tmp_path / "r.xlsx", stdout=io.StringIO()
    )
    frames = terminal.getvalue().split("\r")
    assert any("展望與規劃" in frame for frame in frames)
    assert frames[-1].startswith("[" + "#" * 30 + "] 100% 完成")


def test_a_job_that_fails_is_recorded_as_failed_and_says_so_on_the_page(as_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(document: object) -> bytes:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "writer", lambda fmt: broken)
    form = {"area": "10010", "year": "110", "format": "pdf", "edition": "public"}
    page = as_user("manager").post("/reports/", form, HTTP_HX_REQUEST="true").content.decode()
    export = ReportExport.objects.get()
    assert export.status == "failed" and export.finished_at is not None and not export.sha256
    assert 'data-status="failed"' in page and "產製失敗" in page and "disk full" not in page
    assert as_user("manager").get(f"/reports/{export.pk}/download/").status_code == 404
