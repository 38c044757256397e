"""An administrator resets a colleague's lost second step in Chromium, on a phone and on a desktop."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

SHOTS = Path(tempfile.gettempdir())  # /tmp/second-steps-*.png, to look at

# A supervisor of the worker's unit who has lost their phone (made here, so no other test's account).
LOST_PHONE = """
import datetime
from safetynet.core import services as core
from safetynet.org import services as org
from safetynet.org.models import Staff
unit = Staff.objects.get(user__username="worker").unit
role = Staff.objects.get(user__username="supervisor").role
staff = org.hire_staff(name="江美玲", unit=unit, role=role, hired_on=datetime.date(2020, 1, 1))
user = org.create_account(staff, username=USERNAME, password=None)
core.enrol_authenticator(user, key="3132333435363738393031323334353637383930", code_typed=False)
core.issue_backup_codes(user)
print(f"PK={user.pk}")
"""


SIZES = [(390, 844, "zh-hant"), (390, 844, "en"), (1366, 768, "zh-hant"), (1366, 768, "en")]


@pytest.mark.parametrize(("width", "height", "language"), SIZES)
def test_an_administrator_resets_a_lost_second_step(
    login, server, in_server, width, height, language
) -> None:  # type: ignore[no-untyped-def]
    username = f"lostphone{width}{language[:2]}"
    found = re.search(r"PK=(\d+)", in_server(f"USERNAME = {username!r}\n{LOST_PHONE}"))
    assert found is not None
    page = login("admin", width=width, height=height)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": server}])
    page.goto(f"{server}/account/second-steps/")
    row = page.locator("[data-testid=second-steps] tr", has_text=username)
    page.screenshot(path=str(SHOTS / f"second-steps-{width}-{language}.png"), full_page=True)
    row.locator("a.btn").click()

    reason = page.locator("textarea[name=reason]")
    reason.fill("手機遺失，本人到場確認身分")
    reason.press("Enter")  # a new line in the reason: nothing is sent
    assert page.locator("[data-testid=confirm-reset]").count() == 0
    page.locator("form button[type=submit]").last.click()

    page.locator("[data-testid=confirm-reset]").wait_for()
    page.screenshot(path=str(SHOTS / f"second-step-confirm-{width}-{language}.png"), full_page=True)
    page.keyboard.press("Enter")  # nothing focused to send: still asking
    assert page.locator("[data-testid=confirm-reset]").count() == 1
    page.locator("[data-testid=confirm-button]").click()
    page.wait_for_url(f"{server}/account/second-steps/")
    assert username in page.locator(".messages").inner_text()
    assert page.locator("[data-testid=second-steps] tr", has_text=username).locator("a.btn").count() == 0
