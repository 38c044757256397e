"""Logging a test client in as an account, past the second sign-in step where its role needs one."""

from __future__ import annotations

from typing import Any

import django_otp
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from safetynet.core import services, two_factor


def log_in(client: Client, user: Any) -> Client:
    """`client.force_login(user)`, and for a supervisor, manager, administrator or reviewer a session that has
    passed the second step (with their authenticator app, enrolled here if they have none)."""
    client.force_login(user)
    if two_factor.requires_two_factor(user):
        device = two_factor.totp_device(user) or services.enrol_authenticator(
            user, key=two_factor.new_key(), code_typed=False
        )
        session = client.session
        session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def app_of(user: Any) -> TOTPDevice:
    device = two_factor.totp_device(user)
    assert device is not None, f"{user} has no authenticator app"
    return device
