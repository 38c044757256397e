"""The second sign-in step: supervisors, managers, administrators and central reviewers type a code after
their password; administrators reset a lost one."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safetynet.core import two_factor
from tests.accounts import app_of
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
VERIFY = "/login/two-factor/"
SETUP = "/login/two-factor/setup/"


def user(username: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=username)


def with_password(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def code_now(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def not_the_code(device: TOTPDevice) -> str:
    right = {f"{totp(device.bin_key, t0=offset * 30):06d}" for offset in (-1, 0, 1)}
    return next(c for c in ("123456", "654321", "111111", "222222") if c not in right)


def backup_code(username: str) -> str:
    token = StaticToken.objects.filter(device__user__username=username).order_by("pk").first()
    assert token is not None
    return token.token


def test_it_sends_a_supervisor_with_only_a_password_to_the_code_page() -> None:
    client = with_password("supervisor")
    response = client.get("/cases/queue/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fcases%2Fqueue%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'inputmode="numeric"' in html and 'autocomplete="one-time-code"' in html
    assert 'name="next" value="/cases/queue/"' in html


@pytest.mark.parametrize("username", ["supervisor", "manager", "admin", "reviewer"])
def test_it_asks_every_role_that_needs_it(username: str) -> None:
    client = with_password(username)
    assert client.get("/").status_code == 302
    assert client.get("/")["Location"].startswith(VERIFY)


def test_it_answers_htmx_with_a_whole_page_redirect() -> None:
    response = with_password("supervisor").get("/cases/queue/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(VERIFY)


def test_it_refuses_a_wrong_code() -> None:
    client = with_password("supervisor")
    device = app_of(user("supervisor"))
    response = client.post(VERIFY, {"code": not_the_code(device), "next": "/cases/queue/"})
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]
    assert client.get("/cases/queue/").status_code == 302


def test_it_lets_the_right_code_in_and_counts_each_code_once() -> None:
    client = with_password("supervisor")
    device = app_of(user("supervisor"))
    code = code_now(device)
    response = client.post(VERIFY, {"code": code[:3] + " " + code[3:], "next": "/cases/queue/"})
    assert response.status_code == 302
    assert response["Location"] == "/cases/queue/"
    assert client.get("/cases/queue/").status_code == 200
    again = with_password("supervisor")
    assert again.post(VERIFY, {"code": code}).status_code == 200  # the same code a second time
    assert again.get("/cases/queue/").status_code == 302


def test_it_gives_a_new_session_key_when_the_code_is_right() -> None:
    client = with_password("manager")
    before = client.cookies["sessionid"].value
    client.post(VERIFY, {"code": code_now(app_of(user("manager")))})
    assert client.cookies["sessionid"].value != before
    assert client.get("/indicators/").status_code == 200


def test_it_waits_after_a_wrong_code() -> None:
    client = with_password("supervisor")
    device = app_of(user("supervisor"))
    client.post(VERIFY, {"code": not_the_code(device)})
    response = client.post(VERIFY, {"code": code_now(device)})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == ["throttled"]


def test_a_backup_code_works_once() -> None:
    code = backup_code("admin")
    left = StaticToken.objects.filter(device__user__username="admin").count()
    client = with_password("admin")
    response = client.post(VERIFY, {"backup_code": f"{code[:4]}-{code[4:].upper()}"}, follow=True)
    assert response.redirect_chain[0] == ("/", 302)
    assert response.status_code == 200
    assert str(left - 1) in "".join(str(m) for m in response.context["messages"])
    assert StaticToken.objects.filter(device__user__username="admin").count() == left - 1
    again = with_password("admin")
    assert again.post(VERIFY, {"backup_code": code}).status_code == 200
    assert again.get("/").status_code == 302


def test_a_backup_code_typed_in_the_code_box_works_too() -> None:
    client = with_password("manager")
    assert client.post(VERIFY, {"code": backup_code("manager")}).status_code == 302
    assert client.get("/").status_code == 200


def test_it_goes_home_rather_than_to_another_site() -> None:
    client = with_password("supervisor")
    response = client.post(
        VERIFY, {"code": code_now(app_of(user("supervisor"))), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_it_asks_again_after_logging_out() -> None:
    client = with_password("supervisor")
    client.post(VERIFY, {"code": code_now(app_of(user("supervisor")))})
    client.post("/logout/")
    client.post("/login/", {"username": "supervisor", "password": PASSWORD})
    assert client.get("/cases/queue/")["Location"].startswith(VERIFY)


def test_it_lets_an_unverified_session_log_out_and_switch_language() -> None:
    client = with_password("supervisor")
    assert client.get("/healthz").status_code == 200
    assert client.post("/i18n/setlang/", {"language": "en", "next": VERIFY})["Location"] == VERIFY
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/me").status_code == 401  # the API takes tokens, never this session
    assert client.post("/logout/")["Location"] == "/login/"


def test_it_enrols_an_authenticator_app_at_the_first_login() -> None:
    supervisor = user("supervisor")
    TOTPDevice.objects.filter(user=supervisor).delete()
    StaticDevice.objects.filter(user=supervisor).delete()
    client = with_password("supervisor")
    response = client.get("/cases/queue/")
    assert response["Location"] == f"{SETUP}?next=%2Fcases%2Fqueue%2F"
    assert client.get(VERIFY + "?next=/cases/queue/")["Location"] == f"{SETUP}?next=%2Fcases%2Fqueue%2F"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "<svg" in html and 'class="qr"' in html
    key = client.session[two_factor.PENDING_KEY]
    assert page.context["secret"].replace(" ", "") in two_factor.config_url(supervisor, key)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", page.context["secret"])
    assert client.get(SETUP).context["secret"] == page.context["secret"]  # the same key until confirmed

    wrong = client.post(SETUP, {"code": "000000" if totp(bytes.fromhex(key)) else "111111"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["code"]
    assert not TOTPDevice.objects.filter(user=supervisor).exists()

    done = client.post(SETUP, {"code": f"{totp(bytes.fromhex(key)):06d}", "next": "/cases/queue/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", c) for c in codes)
    assert set(StaticToken.objects.filter(device__user=supervisor).values_list("token", flat=True)) == {
        c.replace("-", "") for c in codes
    }
    assert app_of(supervisor).key == key
    assert two_factor.PENDING_KEY not in client.session
    assert client.get("/cases/queue/").status_code == 200
    assert client.get(SETUP)["Location"] == "/"  # enrolled: nothing more to set up


def test_a_password_alone_cannot_enrol_another_app() -> None:
    client = with_password("supervisor")
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.post(SETUP, {"code": "123456"})["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user__username="supervisor").count() == 1


@pytest.mark.parametrize("username", ["worker", "screener", "teammate", "partner"])
def test_it_does_not_ask_other_roles(username: str) -> None:
    client = with_password(username)
    assert client.get("/").status_code == 200
    assert client.get(VERIFY)["Location"] == "/"
    assert client.get(SETUP)["Location"] == "/"
    assert client.get("/account/backup-codes/").status_code == 403


def test_it_shows_how_many_backup_codes_are_left_and_makes_new_ones(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("manager")
    old = backup_code("manager")
    page = client.get("/account/backup-codes/")
    assert page.status_code == 200 and page.context["left"] == 10
    assert page["Cache-Control"].startswith("max-age=0")
    response = client.post("/account/backup-codes/")
    assert response.status_code == 200
    new = {c.replace("-", "") for c in response.context["codes"]}
    assert len(new) == 10 and old not in new
    assert with_password("manager").post(VERIFY, {"backup_code": old}).status_code == 200


def test_the_header_links_to_the_backup_codes_once_verified(as_user) -> None:  # type: ignore[no-untyped-def]
    assert 'href="/account/backup-codes/"' in as_user("supervisor").get("/").content.decode()
    assert 'href="/account/backup-codes/"' not in as_user("worker").get("/").content.decode()


def test_a_superuser_without_a_staff_role_is_asked_too() -> None:
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    client = with_password("root")
    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_both_steps_enter_the_access_log() -> None:
    from safetynet.audit.models import Action, AuditEntry

    client = with_password("manager")
    device = two_factor.totp_device(user("manager"))
    assert device is not None
    client.post(VERIFY, {"code": code_now(device)})
    steps = list(
        AuditEntry.objects.filter(username="manager", action=Action.LOGIN)
        .order_by("-seq")[:2]
        .values_list("detail", flat=True)
    )
    assert steps == [{"second_step": "authenticator"}, {}]
