"""A supervisor decides a worker's closure request on the team page, on a phone, through a real browser:
Enter in the note returns it (the worker reads the note on the case); approval is its own button, which
asks first."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import worker_case_code
from tests.browser.test_personas import shot

# Run inside the server's own database: a fresh case of the worker, then the worker asks to close it.
REQUEST_CLOSURE = worker_case_code(
    None,
    """
from safetynet.cases.services import request_closure
closure = request_closure(
    case,
    reason="refused",
    checklist=["plan_reviewed", "family_informed"],
    open_clocks_reason="案家明確拒絕訪視，首次訪視無法完成",
    by=worker.user,
)
print(f"CLOSURE={closure.pk} CASE={case.pk}")
""",
)

ASK_AGAIN = """
from django.contrib.auth import get_user_model
from safetynet.cases.models import Case
from safetynet.cases.services import request_closure
closure = request_closure(
    Case.objects.get(pk={case}),
    reason="refused",
    checklist=["plan_reviewed", "last_assessment"],
    open_clocks_reason="已補結案前評估，案家仍拒絕訪視",
    by=get_user_model().objects.get(username="worker"),
)
print(f"CLOSURE={{closure.pk}}")
"""

STATUS = """
from safetynet.cases.models import Case, Closure
print("STATUS=" + Case.objects.get(pk={case}).status)
print("APPROVED=" + repr(Closure.objects.get(pk={closure}).approved))
"""


@pytest.fixture
def waiting_closure(in_server) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(closure pk, case pk) of a closure the worker requested, in the browser server's database."""
    found = re.search(r"CLOSURE=(\d+) CASE=(\d+)", in_server(REQUEST_CLOSURE))
    assert found is not None
    return int(found.group(1)), int(found.group(2))


def state(in_server, case: int, closure: int) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    out = in_server(STATUS.format(case=case, closure=closure))
    status, approved = re.search(r"STATUS=(\w+)", out), re.search(r"APPROVED=(\w+)", out)
    assert status is not None and approved is not None
    return status.group(1), approved.group(1)


def test_enter_in_the_note_returns_the_closure_and_approval_asks_first(
    login, server, in_server, waiting_closure
) -> None:  # type: ignore[no-untyped-def]
    closure, case = waiting_closure
    supervisor = login("supervisor", width=390, height=844)
    supervisor.goto(f"{server}/cases/team/")
    card = supervisor.locator(f"[data-testid=closure-{closure}]")
    assert "案家明確拒絕訪視" in card.inner_text() and "拒絕服務" in card.inner_text()
    shot(supervisor, "supervisor-team-closure-390")

    # Enter in the note: the closure goes back to the worker with the note; nothing asks, nothing closes.
    asked: list[str] = []
    answer = {"yes": False}

    def reply(dialog) -> None:  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.accept() if answer["yes"] else dialog.dismiss()

    supervisor.on("dialog", reply)
    note = card.locator("[data-testid=return-note]")
    note.fill("請先完成結案前評估，再送審")
    note.press("Enter")
    supervisor.wait_for_url(f"{server}/cases/team/")
    assert asked == []
    assert supervisor.locator(f"[data-testid=closure-{closure}]").count() == 0
    assert "已退回結案申請" in supervisor.locator("ul.messages").inner_text()
    assert state(in_server, case, closure) == ("assessing", "False")

    worker = login("worker", width=390, height=844)
    worker.goto(f"{server}/cases/{case}/")
    returned = worker.locator("[data-testid=returned-closure]")
    assert "請先完成結案前評估，再送審" in returned.inner_text()
    shot(worker, "worker-closure-returned-390")

    # The worker asks again; approving asks first, and saying no to the question closes nothing.
    found = re.search(r"CLOSURE=(\d+)", in_server(ASK_AGAIN.format(case=case)))
    assert found is not None
    again = int(found.group(1))
    supervisor.goto(f"{server}/cases/team/")
    approve = supervisor.locator(f"[data-testid=closure-{again}] [data-testid=approve]")
    approve.click()
    assert len(asked) == 1 and "確定核准" in asked[0]  # the question was asked, and dismissed
    assert state(in_server, case, again) == ("review", "None")

    answer["yes"] = True
    with supervisor.expect_navigation():
        approve.click()
    assert supervisor.locator(f"[data-testid=closure-{again}]").count() == 0
    assert state(in_server, case, again) == ("closed", "True")
    worker.goto(f"{server}/cases/{case}/")
    assert "已結案" in worker.locator("[data-testid=case-status]").inner_text()

    response = login("otherunit").goto(f"{server}/cases/{case}/")
    assert response is not None and response.status == 404


def test_the_team_page_reads_on_a_phone(login, server) -> None:  # type: ignore[no-untyped-def]
    page = login("supervisor", width=390, height=844)
    page.goto(f"{server}/cases/team/")
    assert page.locator("[data-testid=caseload]").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page itself does not scroll sideways; wide tables scroll in their frame"
    shot(page, "supervisor-team-390")
