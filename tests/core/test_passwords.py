"""Passwords: hashed with Argon2, at least 12 characters, and none known from breaches."""

from __future__ import annotations

import gzip
from pathlib import Path

import django
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from safetynet.core.passwords import BREACHED_LIST, BreachedPasswordValidator, breached_passwords
from tests.conftest import PASSWORD


def codes(password: str) -> set[str]:
    try:
        validate_password(password)
    except ValidationError as exc:
        return {e.code for e in exc.error_list if e.code}
    return set()


@pytest.mark.parametrize(
    "password",
    [
        "safetynet-demo",
        "Password1234",
        "TAIWAN123456",
        "chiayi2025!!",
        "QWER1234asdf",
        "1qaz2wsx3edc",
        "Safetynet!!2026",
    ],
)
def test_it_refuses_breached_passwords_whatever_their_case_and_suffix(password: str) -> None:
    assert "password_breached" in codes(password)


def test_it_refuses_short_ones_and_keeps_djangos_rules() -> None:
    assert "password_too_short" in codes("x7#kq-Lm2")
    assert "password_entirely_numeric" in codes("804211937561")
    assert "password_too_common" in codes("password")


@pytest.mark.parametrize("password", ["brisk-otter-lantern-94", "三隻貓在屋頂上睡了一個午覺", "Vq8#mZ2!pLx4"])
def test_it_accepts_a_long_password_no_list_knows(password: str) -> None:
    assert codes(password) == set()


def test_the_list_holds_djangos_common_passwords_and_local_ones_in_lower_case() -> None:
    django_list = Path(django.__file__).parent / "contrib" / "auth" / "common-passwords.txt.gz"
    with gzip.open(django_list, "rt", encoding="utf-8") as handle:
        common = {line.strip() for line in handle if line.strip()}
    known = breached_passwords(BREACHED_LIST)
    assert common <= known
    assert {"safetynet", "password123", "aa123456", "qwer1234", "taiwan123", "chiayi"} <= known
    assert all(p == p.lower() for p in known)


def test_its_message_says_why_and_what_to_do() -> None:
    validator = BreachedPasswordValidator()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validator.validate("safetynet")
    assert "leaked" in caught.value.messages[0]
    with translation.override("en"):
        assert "breaches" in validator.get_help_text()


@pytest.mark.django_db
def test_the_set_password_form_applies_them() -> None:
    user = get_user_model().objects.get(username="worker")
    form = SetPasswordForm(user, {"new_password1": "chiayi123456", "new_password2": "chiayi123456"})
    assert not form.is_valid()
    assert "new_password2" in form.errors
    good = SetPasswordForm(
        user, {"new_password1": "brisk-otter-lantern-94", "new_password2": "brisk-otter-lantern-94"}
    )
    assert good.is_valid()


def test_it_hashes_new_passwords_with_argon2() -> None:
    assert make_password("brisk-otter-lantern-94").startswith("argon2$")


@pytest.mark.django_db
def test_it_upgrades_an_older_hash_at_the_next_login() -> None:
    user = get_user_model().objects.get(username="worker")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert Client().post("/login/", {"username": "worker", "password": PASSWORD}).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
