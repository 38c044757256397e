"""The demo's login sheet tells a newcomer how to pass the second sign-in step."""

from __future__ import annotations

import base64
import re
import stat

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken

from safetynet.demo import login_lines, write_login_sheet
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
SECOND_STEP = ("supervisor", "manager", "admin", "reviewer")
LINE = re.compile(r"  (\w+) +key ((?:[A-Z2-7]{4} ?)+)  backup codes (.+)")


def second_step() -> dict[str, tuple[str, list[str]]]:
    found = {}
    for line in login_lines():
        match = LINE.fullmatch(line)
        if match:
            found[match.group(1)] = (match.group(2).replace(" ", ""), match.group(3).split(", "))
    return found


def test_it_prints_a_key_and_three_backup_codes_for_each_account_with_a_second_step() -> None:
    printed = second_step()
    assert set(printed) == set(SECOND_STEP)
    for username, (_, codes) in printed.items():
        assert len(codes) == 3
        stored = set(
            StaticToken.objects.filter(device__user__username=username).values_list("token", flat=True)
        )
        assert {c.replace("-", "") for c in codes} <= stored
    assert any("authenticator app" in line for line in login_lines())


@pytest.mark.parametrize("username", SECOND_STEP)
def test_the_printed_key_signs_in(username: str) -> None:
    key = base64.b32decode(second_step()[username][0])
    client = Client()
    client.post("/login/", {"username": username, "password": PASSWORD})
    assert client.post("/login/two-factor/", {"code": f"{totp(key):06d}"}).status_code == 302
    assert client.get("/").status_code == 200


def test_a_printed_backup_code_signs_in() -> None:
    code = second_step()["manager"][1][0]
    client = Client()
    client.post("/login/", {"username": "manager", "password": PASSWORD})
    assert client.post("/login/two-factor/", {"backup_code": code}).status_code == 302


def test_it_keeps_the_sheet_in_the_data_directory_for_its_owner_only() -> None:
    lines = login_lines()
    path = write_login_sheet(lines)
    assert path == settings.DEMO_LOGINS_FILE
    assert path.read_text(encoding="utf-8") == "\n".join(lines) + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
