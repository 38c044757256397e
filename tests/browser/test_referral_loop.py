"""The closed loop through real browsers: a worker refers from the case on a phone, the partner logs in,
accepts, serves and completes, and the worker reads the outcome."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import worker_case_code
from tests.browser.test_personas import shot

NEW_CASE = worker_case_code("黃小安", 'print(f"CASE={case.pk}")\n')


@pytest.fixture
def worker_case(in_server) -> int:  # type: ignore[no-untyped-def]
    found = re.search(r"CASE=(\d+)", in_server(NEW_CASE))
    assert found is not None
    return int(found.group(1))


def test_a_worker_refers_the_partner_accepts_and_completes_and_the_worker_reads_the_outcome(  # type: ignore[no-untyped-def]
    login, server, worker_case
) -> None:
    worker = login("worker", width=390, height=844)
    worker.goto(f"{server}/cases/{worker_case}/")
    worker.click("[data-testid=refer]")
    worker.select_option("#id_category", label="兒少及家庭支持")
    worker.wait_for_selector("#id_service option:has-text('嘉義家扶中心')", state="attached")
    worker.select_option("#id_service", label="嘉義家扶中心・兒少及家庭扶助")
    worker.fill("#id_reason", "父親失業，兒少生活費不足，請評估扶助")
    worker.check("input[name=consent][value=written]")
    shot(worker, "referral-form-390")
    worker.click("[data-testid=send-referral]")
    worker.wait_for_url(re.compile(r".*/referrals/\d+/$"))
    assert "已送出待回覆" in worker.locator("[data-testid=referral-status]").inner_text()
    referral_url = worker.url
    pk = referral_url.rstrip("/").rsplit("/", 1)[1]

    partner = login("partner")
    partner.goto(f"{server}/referrals/partner/")
    partner.click(f"[data-testid=partner-waiting] a[href='/referrals/partner/{pk}/']")
    person = partner.locator("[data-testid=partner-person]").inner_text()
    assert "黃小安" in person
    partner.click("[data-testid=move-accepted]")
    assert "已接受" in partner.locator("[data-testid=referral-status]").inner_text()
    partner.click("[data-testid=move-in_progress]")
    assert "服務中" in partner.locator("[data-testid=referral-status]").inner_text()
    partner.fill("#move-completed-note", "已核定兒少生活扶助三個月，並安排課後照顧")
    asked: list[str] = []
    partner.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))  # it ends the loop
    with partner.expect_navigation():
        partner.click("[data-testid=confirm-completed]")
    assert asked and "完成" in asked[0]
    assert "已完成" in partner.locator("[data-testid=referral-status]").inner_text()
    shot(partner, "partner-referral-completed")

    worker.goto(referral_url)
    assert "已完成" in worker.locator("[data-testid=referral-status]").inner_text()
    assert "已核定兒少生活扶助三個月" in worker.locator("[data-testid=referral-outcome]").inner_text()
    history = worker.locator("[data-testid=referral-history]").inner_text()
    assert history.index("已接受") < history.index("服務中") < history.index("已完成")
    shot(worker, "referral-outcome-390")
    worker.goto(f"{server}/cases/{worker_case}/")
    assert "已完成" in worker.locator("[data-testid=case-referrals]").inner_text()

    response = login("otherunit").goto(referral_url)
    assert response is not None and response.status == 404
