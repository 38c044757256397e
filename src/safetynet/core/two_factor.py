"""Two-factor sign-in: who must pass it, and the authenticator-app and backup-code devices behind it.

Supervisors, managers, administrators and central reviewers (and any superuser) sign in with their password and then a
six-digit code from an authenticator app (TOTP), or one of ten single-use backup codes. An account
without a confirmed app enrols at its first sign-in. The writes are in `safetynet.core.services`.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

import segno
from django.db import transaction
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from safetynet.core.access import kind_of
from safetynet.org.models import AccessKind

# Central reviewers read every county's figures: their accounts are worth as much as an administrator's.
TWO_FACTOR_KINDS = (AccessKind.SUPERVISOR, AccessKind.MANAGER, AccessKind.ADMIN, AccessKind.REVIEWER)
TOTP_NAME = "authenticator app"
BACKUP_NAME = "backup codes"
BACKUP_CODE_COUNT = 10
TOTP_CODE = re.compile(r"[0-9]{6}")
# The session key holding the secret shown on the enrolment page until the person confirms it.
PENDING_KEY = "two_factor_pending_key"


def requires_two_factor(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or kind_of(user) in TWO_FACTOR_KINDS


def is_verified(user: Any) -> bool:
    """Passed the second step in this session (`OTPMiddleware` reads the session's device)."""
    return getattr(user, "otp_device", None) is not None


def totp_device(user: Any) -> TOTPDevice | None:
    device: TOTPDevice | None = (
        TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()
    )
    return device


def backup_codes_left(user: Any) -> int:
    return sum(device.token_set.count() for device in StaticDevice.objects.devices_for_user(user))


def new_key() -> str:
    """A TOTP secret: 20 random bytes, hex as django-otp stores it."""
    key: str = random_hex(20)
    return key


def base32_secret(key: str) -> str:
    """The secret as an authenticator app asks for it when typed: base32, in groups of four."""
    text = base64.b32encode(binascii.unhexlify(key)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def config_url(user: Any, key: str) -> str:
    """The `otpauth://` address an authenticator app reads from the QR code."""
    url: str = TOTPDevice(user=user, key=key).config_url
    return url


def qr_svg(url: str, title: str) -> str:
    """The QR code as inline SVG (no image request, no style attribute)."""
    svg: str = segno.make(url, error="m").svg_inline(scale=4, title=title, svgclass="qr", light="#fff")
    return svg


def code_matches(key: str, code: str) -> bool:
    """Whether `code` is the app's current code (or the one before or after) for a secret not yet saved."""
    code = normalise(code)
    if not TOTP_CODE.fullmatch(code):
        return False
    return bool(TOTP(binascii.unhexlify(key)).verify(int(code), tolerance=1))


def normalise(code: str) -> str:
    """As typed on a phone: spaces and dashes dropped, lower case (backup codes are base32)."""
    return re.sub(r"[\s-]+", "", code).lower()


def verify(user: Any, code: str) -> tuple[Device | None, bool]:
    """The device that accepts `code` (six digits: the app; otherwise a backup code), and whether the
    devices asked were throttled after earlier wrong codes (then no code is accepted for a while)."""
    code = normalise(code)
    kind = TOTPDevice if TOTP_CODE.fullmatch(code) else StaticDevice
    throttled = False
    # Locked rows: two requests with the same code cannot both pass (a code counts once).
    with transaction.atomic():
        for device in kind.objects.devices_for_user(user, confirmed=True).select_for_update().order_by("pk"):
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                throttled = True
            elif device.verify_token(code):
                return device, False
    return None, throttled


def show_backup_code(code: str) -> str:
    """`abcdefgh` as `abcd-efgh`: easier to copy onto paper."""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code
