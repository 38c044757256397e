"""Administrators reset a person's lost second step: a reason, a confirmation, the access log, a notice."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from safetynet.audit.models import Action, AuditEntry
from safetynet.core.models import Notification
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LIST = "/account/second-steps/"


def account(username: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=username)


def reset_url(username: str) -> str:
    return f"{LIST}{account(username).pk}/reset/"


def has_second_step(username: str) -> bool:
    user = account(username)
    return TOTPDevice.objects.filter(user=user).exists() or StaticDevice.objects.filter(user=user).exists()


def test_it_lists_the_accounts_with_a_second_step_to_an_administrator(as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user("admin").get(LIST)
    assert page.status_code == 200
    listed = {a.username for a in page.context["accounts"]}
    assert {"supervisor", "manager", "admin", "reviewer"} <= listed
    assert not listed & {"worker", "screener", "partner"}
    html = page.content.decode()
    assert f'href="{reset_url("supervisor")}"' in html
    assert f'href="{reset_url("admin")}"' not in html  # not one's own


@pytest.mark.parametrize("username", ["supervisor", "manager", "reviewer", "worker"])
def test_only_administrators_reach_the_page_or_reset(username: str, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user(username)
    assert client.get(LIST).status_code == 403
    response = client.post(reset_url("manager"), {"reason": "lost", "confirm": "reset"})
    assert response.status_code == 403
    assert has_second_step("manager")


def test_it_resets_only_after_a_reason_and_a_confirmation(as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    url = reset_url("supervisor")
    form = admin.get(url)
    assert form.status_code == 200 and not form.context["confirming"]
    assert "<textarea" in form.content.decode()  # Enter in the reason makes a new line, not a reset

    reason = "手機遺失，本人 115/03/02 到局處確認身分"
    review = admin.post(url, {"reason": reason})
    assert review.status_code == 200 and review.context["confirming"]
    assert has_second_step("supervisor")
    confirm = re.search(r'<form method="post" class="actions">(.*?)</form>', review.content.decode(), re.S)
    assert confirm is not None
    buttons = re.findall(r'<button[^>]*name="(\w+)"', confirm.group(1))
    assert buttons == ["back", "confirm"]  # the form's default button goes back, never resets
    assert not re.search(r'<input(?![^>]*type="hidden")', confirm.group(1))  # nothing to press Enter in

    back = admin.post(url, {"reason": reason, "back": "1"})
    assert back.status_code == 200 and not back.context["confirming"]
    assert has_second_step("supervisor")

    done = admin.post(url, {"reason": reason, "confirm": "reset"})
    assert done.status_code == 302 and done["Location"] == LIST
    assert not has_second_step("supervisor")

    entry = AuditEntry.objects.filter(action=Action.CHANGE, object_type="auth.user").order_by("-seq").first()
    assert entry is not None
    assert (entry.username, entry.object_id, entry.reason) == ("admin", str(account("supervisor").pk), reason)
    assert entry.detail["op"] == "reset_second_step"
    notice = Notification.objects.filter(user=account("supervisor"), kind="second_step_reset").get()
    assert "115/03/02" not in notice.message  # the reason stays in the log

    client = Client()
    client.post("/login/", {"username": "supervisor", "password": PASSWORD})
    assert client.get("/cases/queue/")["Location"].startswith("/login/two-factor/setup/")


def test_it_refuses_a_reset_without_a_reason(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("admin").post(reset_url("manager"), {"reason": "  ", "confirm": "reset"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert has_second_step("manager")
    assert not Notification.objects.filter(user=account("manager"), kind="second_step_reset").exists()


def test_an_administrator_cannot_reset_their_own(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("admin").post(reset_url("admin"), {"reason": "lost my phone", "confirm": "reset"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert has_second_step("admin")


def test_an_account_without_a_second_step_is_not_found(as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("admin").get(reset_url("worker")).status_code == 404
    assert as_user("admin").get(f"{LIST}999999/reset/").status_code == 404


def test_a_central_reviewer_passes_the_second_step_too() -> None:
    client = Client()
    client.post("/login/", {"username": "reviewer", "password": PASSWORD})
    assert client.get("/indicators/")["Location"].startswith("/login/two-factor/")
