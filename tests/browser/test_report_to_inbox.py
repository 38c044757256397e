"""A report typed at the screening desk reaches the assigned worker's inbox, through a real browser."""

from __future__ import annotations

from tests.browser.test_personas import shot


def test_a_report_goes_from_the_form_through_screening_to_the_workers_inbox(login, server) -> None:  # type: ignore[no-untyped-def]
    worker = login("worker", width=390, height=844)
    worker_name = worker.locator("[data-testid=whoami]").inner_text().split(" · ")[0]

    desk = login("screener")
    desk.goto(f"{server}/intake/queue/")
    desk.click("a[href='/intake/new/']")
    form = desk.locator("[data-testid=report-form]")
    form.locator("#id_source").select_option("113")
    form.locator("#id_narrative").fill("學校通報：學童多日未到校，家中經濟陷困")
    subject = desk.locator("[data-testid=subject-0]")
    subject.locator("select[name='subjects-0-role']").select_option("child")
    subject.locator("input[name='subjects-0-name']").fill("林測試")
    subject.locator("input[name='subjects-0-birth_date']").fill("105/3/4")
    subject.locator("[data-town-input]").fill("朴子")  # the town typed: 嘉義縣朴子市
    subject.locator("[data-town-input]").press("Enter")
    assert subject.locator("select[name='subjects-0-town']").input_value() == "10010020"
    subject.locator("[data-chips-input][data-for='subjects-0-types']").fill("VF")
    subject.locator("[data-chips-input][data-for='subjects-0-types']").press("Enter")
    subject.locator("details.more > summary").click()
    subject.locator("[data-chips-input][data-for='subjects-0-flags']").fill("經濟")
    subject.locator("[data-chips-input][data-for='subjects-0-flags']").press("Enter")
    shot(desk, "screener-new-report")
    form.locator("button[type=submit]").click()
    desk.wait_for_selector("[data-testid=confirm]")
    report_url = desk.url
    shot(desk, "screener-report-suggestion")
    desk.once("dialog", lambda dialog: dialog.accept())  # 確認並派案 asks first
    desk.click("[data-testid=confirm]")
    desk.wait_for_selector("[data-testid=outcome]")
    assert desk.locator("[data-testid=outcome]").inner_text().startswith("待督導分派")
    decided = desk.locator("[data-testid=screened-by]").inner_text()
    assert (
        "screener" not in decided
        and desk.locator("[data-testid=whoami]").inner_text().split(" · ")[0] in decided
    )

    supervisor = login("supervisor")
    supervisor.goto(f"{server}/cases/queue/")
    row = supervisor.locator("tr", has_text="林測試")
    choice = row.locator("[data-testid=assign-worker] option", has_text=worker_name).first.get_attribute(
        "value"
    )
    assert choice is not None
    row.locator("[data-testid=assign-worker]").select_option(choice)
    shot(supervisor, "supervisor-dispatch-queue")
    row.locator("button").click()
    supervisor.wait_for_load_state()

    worker.goto(f"{server}/")
    inbox = worker.locator("[data-testid=inbox]")
    assert "林測試" in inbox.inner_text()
    shot(worker, "worker-inbox-390")
    inbox.locator("a", has_text="林測試").first.click()
    worker.wait_for_selector("[data-testid=case-status]")
    assert "評估中" in worker.locator("[data-testid=case-status]").inner_text()
    assert "脆弱家庭首次訪視" in worker.locator("main").inner_text()  # its 10-day clock runs
    shot(worker, "worker-case-390")

    response = login("otherunit").goto(worker.url)
    assert response is not None and response.status == 404
    assert desk.goto(report_url) is not None
