"""The screening desk on a phone-sized screen (390×844): a two-subject report typed with the keyboard, an
override that fails for want of a reason and keeps the routes chosen, a confirmation, and the report
page that then lists the cases and dispatches its decision produced. (The keys are counted by
bench/report_form_keys.py, not here.)"""

from __future__ import annotations

import re

from tests.browser.test_content_security_policy import watch
from tests.browser.test_personas import shot

MAX_TABS = 60


def tab_to(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Tab forward, as a typist does, until the field is focused."""
    for _ in range(MAX_TABS):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def arrows_to(page, selector: str, value: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(10):
        if page.eval_on_selector(selector, "e => e.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{selector}: no option {value}")


def test_the_desk_types_a_report_overrides_without_a_reason_then_confirms(login, server) -> None:  # type: ignore[no-untyped-def]
    desk = login("screener", width=390, height=844)
    blocked = watch(desk)  # the pickers run under the Content Security Policy: nothing refused
    desk.goto(f"{server}/intake/new/")
    desk.wait_for_load_state("networkidle")
    assert desk.evaluate("document.activeElement.name") == "source"  # the page starts on the source
    keys = desk.keyboard
    keys.type("113")
    assert desk.input_value("#id_source") == "113"
    tab_to(desk, "#id_subjects-0-role")
    arrows_to(desk, "#id_subjects-0-role", "victim")
    tab_to(desk, "#id_subjects-0-name")
    keys.type("林鍵盤")
    tab_to(desk, "#id_subjects-0-birth_date")
    keys.type("69/5/3")
    tab_to(desk, "[data-town-input][data-for='subjects-0-town']")
    keys.type("民雄")
    assert desk.locator(".picker-list li").first.inner_text() == "嘉義縣民雄鄉"
    keys.press("Enter")  # picks the town shown first and moves on to the types
    assert desk.input_value("select[name='subjects-0-town']") == "10010050"
    assert desk.evaluate("document.activeElement.getAttribute('data-for')") == "subjects-0-types"
    keys.type("親密")
    keys.press("Enter")
    assert desk.locator("[data-testid=subject-0] .chip").inner_text().startswith("親密關係暴力")
    assert desk.locator("input[name='subjects-0-types'][value='IPV']").is_checked()
    tab_to(desk, "[data-add-subject]")
    keys.press("Enter")  # 新增通報對象: subject 2 opens with the focus in its first field
    desk.wait_for_function("() => document.activeElement.id === 'id_subjects-1-role'", timeout=3000)
    arrows_to(desk, "#id_subjects-1-role", "respondent")
    tab_to(desk, "#id_subjects-1-name")
    keys.type("張鍵盤")
    tab_to(desk, "#id_narrative")
    keys.type("案妻來電，稱昨晚遭案夫毆打頭部")
    shot(desk, "desk-report-typed-390")
    keys.press("Tab")
    assert desk.evaluate("document.activeElement.textContent") == "登錄通報"  # one Tab from the narrative
    keys.press("Enter")
    desk.wait_for_url(re.compile(r"/intake/reports/\d+/$"))
    report_url = desk.url
    rows = desk.locator("[data-testid=subject-row]")
    assert "林鍵盤" in rows.nth(0).inner_text() and "嘉義縣民雄鄉" in rows.nth(0).inner_text()
    assert "張鍵盤" in rows.nth(1).inner_text() and "親密關係暴力" in rows.nth(1).inner_text()
    shot(desk, "desk-report-suggestion-390")

    # An override without a reason: refused, with every route and priority chosen still there.
    desk.locator("[data-testid=override] > summary").click()
    respondent = desk.locator("[data-testid=override-subject]").nth(1)
    respondent.locator("input[value='NONE']").uncheck()
    respondent.locator("input[value='MHSW']").check()
    respondent.locator("select[name$='-MHSW']").select_option("2")
    victim = desk.locator("[data-testid=override-subject]").nth(0)
    victim.locator("select[name$='-FPC']").select_option("1")
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.click("[data-testid=override-submit]")
    desk.wait_for_selector("[data-testid=error-summary]")
    assert desk.evaluate("document.activeElement.getAttribute('data-testid')") == "error-summary"
    assert "修改理由" in desk.locator("[data-testid=error-summary]").inner_text()
    assert desk.locator("[data-testid=override]").get_attribute("open") is not None
    respondent = desk.locator("[data-testid=override-subject]").nth(1)
    assert respondent.locator("input[value='MHSW']").is_checked()
    assert not respondent.locator("input[value='NONE']").is_checked()
    assert respondent.locator("select[name$='-MHSW']").input_value() == "2"
    assert (
        desk.locator("[data-testid=override-subject]").nth(0).locator("select[name$='-FPC']").input_value()
        == "1"
    )
    shot(desk, "desk-override-refused-390")

    # Enter on a route does not dispatch: the form's default button is disabled.
    where = desk.url
    respondent.locator("input[value='MHSW']").focus()
    desk.keyboard.press("Enter")
    desk.wait_for_timeout(300)
    assert desk.url == where and desk.locator("[data-testid=confirm]").count() == 1

    # Then the suggestion is confirmed (it asks first) and the page lists what the decision produced.
    asked: list[str] = []

    def accept(dialog) -> None:  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.accept()

    desk.once("dialog", accept)
    desk.click("[data-testid=confirm]")
    desk.wait_for_selector("[data-testid=dispatches]")
    assert asked and "派案後無法撤回" in asked[0]
    dispatches = desk.locator("[data-testid=dispatch]")
    assert dispatches.count() == 2
    first = dispatches.nth(0).inner_text()
    assert "林鍵盤" in first and "家防中心" in first and re.search(r"個案 \d+", first)
    assert "家庭暴力及性侵害防治中心" in first or "家防中心" in first
    assert "張鍵盤" in dispatches.nth(1).inner_text() and "不開案" in dispatches.nth(1).inner_text()
    # The desk does not open case pages: the case is named, not linked.
    assert desk.locator("[data-testid=dispatches] a[href^='/cases/']").count() == 0
    shot(desk, "desk-report-dispatched-390")
    assert desk.goto(report_url) is not None

    # The queue finds the report by the victim's name, with the town named with its county.
    desk.goto(f"{server}/intake/queue/?q=林鍵盤&screened=on")
    row = desk.locator("[data-testid=queue-row]").first.inner_text()
    assert "林鍵盤" in row and "嘉義縣民雄鄉" in row and "已篩派" in row
    shot(desk, "desk-queue-search-390")
    assert blocked == []
