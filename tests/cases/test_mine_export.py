"""我的個案 as XLSX: the filtered list on every page, read back from the file; bounded; logged as an export."""

from __future__ import annotations

import hashlib
import io
import re

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from safetynet.audit.models import Action, AuditEntry
from safetynet.audit.services import MAX_SUBJECTS
from safetynet.cases import mine
from safetynet.domain import rocdate
from tests.cases.test_mine import add_cases, clock, listed, staff

pytestmark = pytest.mark.django_db


def sheet_rows(response) -> list[tuple]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == mine_views_xlsx()
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 1
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def mine_views_xlsx() -> str:
    from safetynet.cases.mine_views import XLSX

    return XLSX


def last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_it_downloads_every_page_of_the_filtered_list_in_its_order(as_user) -> None:  # type: ignore[no-untyped-def]
    made = add_cases(staff("worker"), 61, route="MHSW", risk="high", name="下載個案")
    overdue = made[3]
    clock(overdue, -2)
    clock(made[7], 4, name="vf_first_visit", label="脆弱家庭首次訪視")
    client = as_user("worker")
    query = "q=下載個案&sort=due"
    page_order = listed(client.get(f"/cases/?{query}")) + listed(client.get(f"/cases/?{query}&page=2"))
    response = client.get(f"/cases/export.xlsx?{query}")
    assert re.fullmatch(r'attachment; filename="cases-\d{7}\.xlsx"', response["Content-Disposition"])
    rows = sheet_rows(response)
    assert rows[0] == (
        "個案編號",
        "個人",
        "鄉鎮市區",
        "服務路徑",
        "狀態",
        "風險",
        "主責社工",
        "開案日期",
        "下一個時限",
        "期限",
        "逾期",
    )
    body = rows[1:]
    assert [row[0] for row in body] == page_order and len(body) == 61
    first = body[0]
    assert first[0] == overdue.pk and isinstance(first[0], int)
    assert first[1] == overdue.person.name and first[2] == "朴子市"
    assert first[3:7] == ("心衛社工", "處遇中", "高", staff("worker").name)
    assert first[7] == rocdate.format(timezone.localdate(overdue.opened_at), "slash")
    due = overdue.clocks.get().due_at
    assert first[8:] == (
        "定期訪視（風險高，每14日）",
        rocdate.format(timezone.localdate(due), "slash") + timezone.localtime(due).strftime(" %H:%M"),
        "逾期",
    )
    assert body[1][8] == "脆弱家庭首次訪視" and body[1][10] is None
    assert body[-1][8] is None and body[-1][9] is None  # no clock running: empty cells


def test_an_empty_list_downloads_as_the_header_row_alone(as_user) -> None:  # type: ignore[no-untyped-def]
    rows = sheet_rows(as_user("worker").get("/cases/export.xlsx?q=沒有這個人"))
    assert len(rows) == 1 and rows[0][0] == "個案編號"


def test_the_header_speaks_the_language_of_the_page(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("worker")
    client.post("/i18n/setlang/", {"language": "en", "next": "/cases/"})
    rows = sheet_rows(client.get("/cases/export.xlsx"))
    assert rows[0][:4] == ("Case no.", "Person", "Town", "Route")


def test_a_name_that_looks_like_a_formula_stays_text(as_user) -> None:  # type: ignore[no-untyped-def]
    add_cases(staff("worker"), 1, name='=HYPERLINK("http://x","點我")')
    response = as_user("worker").get("/cases/export.xlsx", {"q": "=HYPERLINK"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cell = book.worksheets[0].cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_it_refuses_more_rows_than_a_download_holds_with_a_message(as_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("safetynet.cases.mine_views.EXPORT_LIMIT", 3)
    add_cases(staff("worker"), 4, name="上限個案")
    client = as_user("worker")
    before = last_seq()
    response = client.get("/cases/export.xlsx?q=上限個案")
    assert response.status_code == 302 and response["Location"].startswith("/cases/?q=")
    text = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("超過單次下載上限" in t for t in text), text
    assert not AuditEntry.objects.filter(seq__gt=before, action=Action.EXPORT).exists()
    page = client.get("/cases/?q=上限個案").content.decode()
    assert 'data-testid="too-many"' in page and 'data-testid="download"' not in page


def test_a_download_with_filters_it_does_not_know_goes_back_to_the_list_and_its_note(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("worker")
    response = client.get("/cases/export.xlsx?status=zzz")
    assert response.status_code == 302 and response["Location"] == "/cases/?status=zzz"
    page = client.get(response["Location"]).content.decode()
    assert "未下載" in page and "忽略不明的篩選條件" in page


def test_the_page_links_the_download_of_the_same_filters(as_user) -> None:  # type: ignore[no-untyped-def]
    html = as_user("worker").get("/cases/?status=all&route=SWC&sort=name&page=1").content.decode()
    assert 'href="/cases/export.xlsx?status=all&amp;route=SWC&amp;sort=name" data-testid="download"' in html


def test_it_logs_the_download_as_an_export_naming_every_person(as_user) -> None:  # type: ignore[no-untyped-def]
    made = add_cases(staff("worker"), MAX_SUBJECTS + 5, name="紀錄個案")
    before = last_seq()
    response = as_user("worker").get("/cases/export.xlsx?q=紀錄個案&status=all")
    entries = list(AuditEntry.objects.filter(seq__gt=before, action=Action.EXPORT).order_by("seq"))
    assert len(entries) == 2
    assert {pk for e in entries for pk in e.subject_ids} == {c.person_id for c in made}
    detail = entries[0].detail
    assert detail["rows"] == len(made) and detail["format"] == "xlsx"
    assert detail["sha256"] == hashlib.sha256(response.content).hexdigest()
    assert detail["filters"] == {"status": "all", "searched": True}  # never the name searched
    assert (detail["part"], detail["parts"]) == (1, 2)
    assert all("紀錄" not in str(e.detail) for e in entries)


def test_an_empty_download_is_logged_too(as_user) -> None:  # type: ignore[no-untyped-def]
    before = last_seq()
    as_user("worker").get("/cases/export.xlsx?q=沒有這個人")
    entry = AuditEntry.objects.get(seq__gt=before, action=Action.EXPORT)
    assert entry.subject_ids == [] and entry.detail["rows"] == 0


def test_the_limit_is_ten_thousand() -> None:
    assert mine.EXPORT_LIMIT == 10_000
