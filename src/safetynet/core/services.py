"""In-app notifications (written inside the business transaction that causes them), and the second
sign-in step's devices: the authenticator app and the backup codes (see `safetynet.core.two_factor`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safetynet.core.errors import DomainError
from safetynet.core.models import Notification


def notify(
    users: Iterable[Any], *, kind: str, message: str, url: str = "", at: datetime.datetime | None = None
) -> int:
    """One notification per distinct account, dated `at` (default now); returns how many were written."""
    unique = {user.pk: user for user in users if user is not None}
    created = at or timezone.now()
    Notification.objects.bulk_create(
        Notification(user=user, kind=kind, message=message[:300], url=url, created_at=created)
        for user in unique.values()
    )
    return len(unique)


def mark_read(
    user: Any, *, up_to: datetime.datetime | None = None, at: datetime.datetime | None = None
) -> int:
    """Mark the user's unread notifications (those created up to `up_to`, default all) as read."""
    unread = Notification.objects.filter(user_id=user.pk, read_at__isnull=True)
    if up_to is not None:
        unread = unread.filter(created_at__lte=up_to)
    return unread.update(read_at=at or timezone.now())


@transaction.atomic
def enrol_authenticator(user: Any, *, key: str, code_typed: bool = True) -> TOTPDevice:
    """Give an account its authenticator app (TOTP), confirmed: the person typed a code it showed
    (`code_typed`; the demo seeder enrols its accounts without one)."""
    from django_otp.oath import TOTP

    from safetynet.core import two_factor

    if two_factor.totp_device(user) is not None:
        raise DomainError(_("This account already has an authenticator app."), field="code")
    device: TOTPDevice = TOTPDevice.objects.create(
        user=user,
        name=two_factor.TOTP_NAME,
        key=key,
        confirmed=True,
        # The code just typed cannot sign in a second time.
        last_t=TOTP(bytes.fromhex(key)).t() if code_typed else -1,
    )
    return device


@transaction.atomic
def issue_backup_codes(user: Any, *, count: int | None = None) -> list[str]:
    """New single-use backup codes for an account, replacing any it had; returned once, to be shown once."""
    from safetynet.core import two_factor

    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=two_factor.BACKUP_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < (count or two_factor.BACKUP_CODE_COUNT):
        codes.add(StaticToken.random_token())
    ordered = sorted(codes)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in ordered)
    return ordered
