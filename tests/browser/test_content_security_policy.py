"""The main pages under the Content Security Policy in Chromium: nothing refused, HTMX still at work,
and the second sign-in step and its enrolment as a person goes through them."""

from __future__ import annotations

import base64
import re
from typing import Any

from django_otp.oath import TOTP

from tests.browser.conftest import PASSWORD, worker_case_code
from tests.browser.test_personas import shot

CASE = worker_case_code(None, 'print(f"CASE={case.pk}")')
# A supervisor of the demo county who has never signed in: give the account a name and a password.
NEW_SUPERVISOR = """
from safetynet.org.models import AccessKind, Staff
staff = (
    Staff.objects.filter(role__kind=AccessKind.SUPERVISOR, left_on__isnull=True, user__isnull=False)
    .exclude(user__username="supervisor").order_by("pk").first()
)
staff.user.username = "newboss"
staff.user.set_password(PASSWORD)
staff.user.save()
"""


def not_the_code(key: str) -> str:
    app = TOTP(bytes.fromhex(key))
    near = {f"{app.token():06d}"} | {
        f"{TOTP(bytes.fromhex(key), drift=d).token():06d}" for d in (-2, -1, 1, 2)
    }
    return next(code for code in ("000000", "111111", "222222", "333333", "444444") if code not in near)


def watch(page: Any) -> list[str]:
    """What the browser refused under the policy (Chromium reports each refusal on the console)."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: refused.append(f"page error: {error}"))
    return refused


def visit(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert "'nonce-" in (response.headers.get("content-security-policy") or ""), url
    page.wait_for_load_state("networkidle")


def test_a_workers_pages_run_under_the_policy(login, server, in_server) -> None:  # type: ignore[no-untyped-def]
    found = re.search(r"^CASE=(\d+)$", in_server(CASE), re.M)
    assert found is not None
    page = login("worker")
    refused = watch(page)
    visit(page, f"{server}/")
    visit(page, f"{server}/cases/{found.group(1)}/")
    visit(page, f"{server}/cases/{found.group(1)}/contacts/new/")
    page.click("button[data-minutes='15']")  # app.js, instead of an inline onclick
    assert page.input_value("#id_minutes") == "15"
    visit(page, f"{server}/geo/map/")
    page.wait_for_selector("#map[data-loaded]")
    assert page.locator("#map-legend .row").count() >= 1  # the legend's inline style attributes apply
    visit(page, f"{server}/people/")
    page.fill("input[name=q]", "zzzz-nobody")  # HTMX: the list reloads as one types
    page.wait_for_url(re.compile(r"q=zzzz-nobody"))
    assert refused == []


def test_a_managers_pages_run_under_the_policy(login, server) -> None:  # type: ignore[no-untyped-def]
    page = login("manager")
    refused = watch(page)
    visit(page, f"{server}/indicators/?area=10010&year=110")
    assert page.locator("svg.chart").count() >= 1
    visit(page, f"{server}/reports/")
    visit(page, f"{server}/geo/map/")
    page.wait_for_selector("#map[data-loaded]")
    visit(page, f"{server}/account/backup-codes/")
    assert refused == []


def test_a_supervisor_passes_the_second_step_under_the_policy(browser, server, second_step) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-TW")
    try:
        page = context.new_page()
        refused = watch(page)
        page.goto(f"{server}/login/?next=/cases/queue/")
        page.fill("#id_username", "supervisor")
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_url(re.compile(r"/login/two-factor/\?next="))
        code = page.locator("#id_code")
        assert code.get_attribute("inputmode") == "numeric"
        assert code.get_attribute("autocomplete") == "one-time-code"
        shot(page, "two-factor-verify-390")
        page.fill("#id_code", not_the_code(second_step.secrets["supervisor"]["key"]))
        page.click("[data-testid=two-factor] button[type=submit]")
        assert page.locator("ul.errorlist").count() == 1
        page.wait_for_timeout(1100)  # one wrong code: the next one waits a second
        page.fill("#id_code", second_step.code("supervisor"))
        page.click("[data-testid=two-factor] button[type=submit]")
        page.wait_for_url(f"{server}/cases/queue/")
        assert refused == []
    finally:
        context.close()


def test_a_new_supervisor_enrols_an_app_at_the_first_login(browser, server, in_server) -> None:  # type: ignore[no-untyped-def]
    in_server(f"PASSWORD = {PASSWORD!r}\n{NEW_SUPERVISOR}")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-TW")
    try:
        page = context.new_page()
        refused = watch(page)
        page.goto(f"{server}/login/")
        page.fill("#id_username", "newboss")
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_url(re.compile(r"/login/two-factor/setup/"))
        assert page.locator("[data-testid=qr] svg").is_visible()
        shot(page, "two-factor-setup-390")
        secret = page.locator("[data-testid=secret]").inner_text().replace(" ", "")
        page.fill("#id_code", f"{TOTP(base64.b32decode(secret)).token():06d}")
        page.click("[data-testid=two-factor-setup] button[type=submit]")
        codes = page.locator("[data-testid=backup-codes] li")
        assert codes.count() == 10
        shot(page, "two-factor-backup-codes-390")
        page.locator(".two-factor a.btn").click()
        page.wait_for_url(f"{server}/")
        assert not page.locator("nav.areas").is_visible()  # on a phone the areas wait behind 選單
        page.click("[data-testid=menu-toggle]")
        assert page.locator("nav.areas").is_visible()
        assert refused == []
    finally:
        context.close()
