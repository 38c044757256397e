"""我的個案 in a browser: a worker on a phone finds a case from the nav, narrows the list, keeps what they
chose, opens the case and downloads the list; a supervisor filters the unit's cases by worker."""

from __future__ import annotations

import io
import re

import openpyxl

from tests.browser.conftest import worker_case_code
from tests.browser.test_personas import shot


def test_a_worker_on_a_phone_narrows_the_list_and_opens_a_case(login, server, in_server) -> None:  # type: ignore[no-untyped-def]
    in_server(worker_case_code("林小瀅", "print(case.pk)"))
    page = login("worker", width=390, height=844)
    page.click("[data-testid=menu-toggle]")  # on a phone the areas open from the header's menu
    page.click("nav.areas >> text=個案")
    page.wait_for_selector("[data-testid=my-cases]")
    assert page.locator("h1").inner_text() == "我的個案"
    assert re.fullmatch(r"共 \d+ 案", page.locator("[data-testid=case-count]").inner_text())
    table = page.locator("[data-testid=my-cases]")
    assert "cards" in (table.get_attribute("class") or "")  # rows read as cards at 390 px
    first = table.locator("tbody tr").first
    assert first.locator("td[data-label='服務路徑']").inner_text() in {"社福中心", "家防中心", "心衛社工"}
    assert not re.search(r"\b(SWC|FPC|MHSW)\b", table.inner_text())  # route names, never codes
    shot(page, "my-cases-worker-390")

    page.fill("input[name=q]", "林小瀅")
    page.locator("details summary").click()
    page.select_option("select[name=sort]", "name")
    page.select_option("select[name=status]", "all")
    page.click("[data-testid=filter]")
    page.wait_for_url(re.compile(r"q=.*sort=name"))
    # What was chosen is kept: the name, the order, the status.
    assert page.input_value("input[name=q]") == "林小瀅"
    assert page.input_value("select[name=sort]") == "name"
    assert page.input_value("select[name=status]") == "all"
    assert page.locator("details").get_attribute("open") is not None
    assert page.locator("[data-testid=case-count]").inner_text() == "共 1 案"
    row = page.locator("[data-testid=my-cases] tbody tr").first
    assert "脆弱家庭首次訪視" in row.inner_text()
    assert re.search(r"\d{3}/\d{2}/\d{2}", row.inner_text())  # the due date, ROC
    shot(page, "my-cases-worker-search-390")

    with page.expect_download() as download:
        page.click("[data-testid=download]")
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:2] == ("個案編號", "個人") and len(rows) == 2 and rows[1][1] == "林小瀅"

    row.locator("a").first.click()
    page.wait_for_selector("[data-testid=next-visit]")
    assert "/cases/" in page.url


def test_a_filter_the_list_does_not_know_is_named_not_an_error(login, server) -> None:  # type: ignore[no-untyped-def]
    page = login("worker", width=1366, height=768)
    response = page.goto(f"{server}/cases/?status=zzz&route=XX&page=abc")
    assert response is not None and response.status == 200
    note = page.locator("[data-testid=ignored-filters]").inner_text()
    assert note.startswith("忽略不明的篩選條件：") and "狀態" in note and "頁碼" in note
    assert page.input_value("select[name=status]") == "open"


def test_a_supervisor_filters_the_units_cases_by_worker_named_by_name(login, server) -> None:  # type: ignore[no-untyped-def]
    page = login("supervisor", width=1366, height=768)
    page.goto(f"{server}/cases/?status=all")
    assert "本單位個案" in page.locator("h1").inner_text()
    page.locator("details summary").click()
    options = page.locator("select[name=worker] option").all_inner_texts()
    assert "待分派" in options and not {"worker", "teammate"} & set(options)
    leads = page.locator("[data-testid=my-cases] tbody tr td:nth-child(2)").all_inner_texts()
    worker = next(lead for lead in leads if lead in options and lead != "待分派")  # who leads the first case
    page.select_option("select[name=worker]", label=worker)
    page.click("[data-testid=filter]")
    page.wait_for_url(re.compile(r"worker=\d+"))
    leads = page.locator("[data-testid=my-cases] tbody tr td:nth-child(2)").all_inner_texts()
    assert leads and set(leads) == {worker}
    shot(page, "my-cases-supervisor-1366")
