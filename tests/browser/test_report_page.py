"""The 報表 page in Chromium: a manager asks for 嘉義縣's 110 report, watches the job, downloads the PDF."""

from __future__ import annotations

import tempfile
from pathlib import Path

SHOTS = Path(tempfile.gettempdir())  # /tmp/report-page-*.png, to look at


def test_a_manager_generates_the_report_and_downloads_the_pdf(login, server) -> None:  # type: ignore[no-untyped-def]
    page = login("manager")
    page.goto(f"{server}/reports/")
    page.select_option("#id_area", "10010")
    page.select_option("#id_year", "110")
    page.select_option("#id_format", "pdf")
    page.select_option("#id_edition", "internal")
    page.screenshot(path=str(SHOTS / "report-page-form.png"), full_page=True)
    page.get_by_role("button", name="產製").click()
    job = page.locator("[data-testid=job]")
    job.wait_for()
    assert "嘉義縣 110" in job.inner_text()
    link = page.locator("[data-testid=download]")
    link.wait_for(timeout=90_000)  # the job worker builds it while the page polls
    page.screenshot(path=str(SHOTS / "report-page-done.png"), full_page=True)
    with page.expect_download() as download:
        link.click()
    saved = SHOTS / "report-page-download.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert (
        download.value.suggested_filename
        == f"safetynet-report-10010-110-internal-{link.get_attribute('href').split('/')[2]}.pdf"
    )
    assert (
        "內部版" in page.locator("[data-testid=export-log]").inner_text()
    )  # swapped in when done, no reload


def test_a_supervisor_is_offered_the_public_edition_only(login, server) -> None:  # type: ignore[no-untyped-def]
    page = login("supervisor", width=390)
    page.goto(f"{server}/reports/")
    options = page.locator("#id_edition option").all_inner_texts()
    assert len(options) == 1 and "公開版" in options[0]
    page.screenshot(path=str(SHOTS / "report-page-phone.png"), full_page=True)
