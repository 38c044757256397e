"""A supervisor approves a worker's closure request on the team page, through a real browser."""

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


@pytest.fixture
def waiting_closure(in_server) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(closure pk, case pk) of a closure the worker requested, in the browser server's database."""
    found = re.search(r"CLOSURE=(\d+) CASE=(\d+)", in_server(REQUEST_CLOSURE))
    assert found is not None
    return int(found.group(1)), int(found.group(2))


def test_a_supervisor_approves_a_closure_and_the_case_reads_closed(login, server, waiting_closure) -> None:  # type: ignore[no-untyped-def]
    closure, case = waiting_closure
    supervisor = login("supervisor")
    supervisor.goto(f"{server}/cases/team/")
    card = supervisor.locator(f"[data-testid=closure-{closure}]")
    assert "案家明確拒絕訪視" in card.inner_text()
    assert "拒絕服務" in card.inner_text()
    shot(supervisor, "supervisor-team")
    card.locator("[data-testid=approve]").click()
    supervisor.wait_for_url(f"{server}/cases/team/")
    assert supervisor.locator(f"[data-testid=closure-{closure}]").count() == 0
    assert supervisor.locator("ul.messages").count() == 1

    supervisor.goto(f"{server}/cases/{case}/")
    assert "已結案" in supervisor.locator("[data-testid=case-status]").inner_text()

    worker = login("worker", width=390, height=844)
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
