"""A worker records a home visit with a BSRS-5 on a phone and sees the next visit due move (issue 4)."""

from __future__ import annotations

import re

from tests.browser.test_personas import shot


def test_a_worker_records_a_visit_with_a_bsrs5_on_a_phone(login, server) -> None:  # type: ignore[no-untyped-def]
    page = login("worker", width=390, height=844)
    visits = page.locator("[data-testid=inbox-visits]")
    assert visits.locator("[data-testid=inbox-record-contact]").count() >= 1  # the demo keeps one overdue
    shot(page, "worker-inbox-visits-390")
    visits.locator("a[href^='/cases/']:not([data-testid=inbox-record-contact])").first.click()
    page.wait_for_selector("[data-testid=next-visit]")
    case_url = page.url
    before = page.locator("[data-testid=next-visit-due]").inner_text()
    assert re.search(r"\d{3}/\d{2}/\d{2}", before)  # an ROC date
    shot(page, "worker-case-before-visit-390")

    page.click("[data-testid=record-contact]")
    page.wait_for_selector("[data-testid=contact-form]")
    page.locator("label.pick.kind", has_text="家訪").click()
    page.click("button[data-minutes='30']")
    assert page.input_value("#id_minutes") == "30"
    page.fill("#id_place", "案家")
    page.fill("#id_note", "案主近日睡不好，情緒低落")
    page.locator("[data-testid=bsrs5-block] summary").click()
    result = page.locator("#bsrs5-result")
    page.locator("[data-testid=q-item_1] label.pick", has_text="3").click()
    # A selector, not wait_for_function: the page's Content Security Policy refuses the eval it polls with.
    page.wait_for_selector("#bsrs5-result [data-testid=score-progress]:has-text('3')")
    for item in ("item_2", "item_3", "item_4", "item_5"):
        page.locator(f"[data-testid=q-{item}] label.pick", has_text="3").click()
    page.locator("[data-testid=q-suicide] label.pick", has_text="0").click()
    meaning = result.locator("[data-testid=score-meaning]")
    meaning.wait_for()
    assert "重度" in meaning.inner_text()  # 15 of 20: refer, as the worker answered
    assert result.locator("[data-testid=score-total]").inner_text() == "15"
    shot(page, "worker-contact-form-390")
    box = page.locator("[data-testid=save-contact]").bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb-sized target

    page.click("[data-testid=save-contact]")
    page.wait_for_url(case_url)
    after = page.locator("[data-testid=next-visit-due]").inner_text()
    assert after != before
    assert re.search(
        r"\d{3}/\d{2}/\d{2}", page.locator(".messages").inner_text()
    )  # when the next visit is due
    assert "高" in page.locator("[data-testid=risk-level]").inner_text()
    timeline = page.locator("[data-testid=timeline]").inner_text()
    assert "家訪" in timeline and "重度" in timeline
    shot(page, "worker-case-after-visit-390")

    response = login("otherunit").goto(case_url)
    assert response is not None and response.status == 404


def test_tipvda_says_reference_only_as_soon_as_the_relationship_is_not_intimate(login, server) -> None:  # type: ignore[no-untyped-def]
    page = login("worker", width=390, height=844)
    inbox = page.locator("[data-testid=inbox]")
    inbox.locator("a[href^='/cases/']:not([data-testid=inbox-record-contact])").first.click()
    page.wait_for_selector("[data-testid=next-visit]")
    page.locator("[data-testid=assess] summary").click()
    page.click("a[href$='/assessments/tipvda/']")
    page.wait_for_selector("[data-testid=assessment-form]")
    note = page.locator("#result [data-testid=reference-only]")
    female = note.count() == 0
    for item in range(1, 9):
        page.locator(f"[data-testid=q-item_{item}] label.pick", has_text="是").click()
    for item in range(9, 16):
        page.locator(f"[data-testid=q-item_{item}] label.pick", has_text="否").click()
    page.locator("#result [data-testid=score-total]", has_text="8").wait_for()
    assert "高度危險" in page.locator("#result [data-testid=score-meaning]").inner_text()
    if female:
        page.locator("[data-testid=q-not_intimate] label.pick").click()
    note.wait_for()
    shot(page, "worker-tipvda-390")
