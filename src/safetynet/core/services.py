"""In-app notifications (written inside the business transaction that causes them), and the second
sign-in step's devices: the authenticator app and the backup codes (see `safetynet.core.two_factor`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safetynet.core.errors import DomainError
from safetynet.core.models import Notification
from safetynet.core.notices import render_zh


def notify(
    users: Iterable[Any],
    *,
    kind: str,
    template: str = "",
    params: Mapping[str, Any] | None = None,
    message: str = "",
    url: str = "",
    subject: Model | None = None,
    at: datetime.datetime | None = None,
) -> int:
    """One notification per distinct account, dated `at` (default now); returns how many were written.

    `template` is an English msgid (marked with `gettext_noop`) and `params` its values, kept as codes
    and names and put into the reader's language when shown (`safetynet.core.notices`); `message`
    alone is a fixed text. `subject` names the item a notification asks someone to deal with, so that
    `resolve_notifications` can close it once someone has.
    """
    unique = {user.pk: user for user in users if user is not None}
    created = at or timezone.now()
    values = dict(params or {})
    text = render_zh(template, values) if template else message
    subject_type = subject._meta.label_lower if subject is not None else ""
    subject_id = subject.pk if subject is not None else None
    Notification.objects.bulk_create(
        Notification(
            user=user,
            kind=kind,
            message=text[:300],
            template=template,
            params=values,
            url=url,
            subject_type=subject_type,
            subject_id=subject_id,
            created_at=created,
        )
        for user in unique.values()
    )
    return len(unique)


def resolve_notifications(
    subject: Model | type[Model],
    *,
    kinds: Iterable[str],
    ids: Iterable[int] | None = None,
    at: datetime.datetime | None = None,
) -> int:
    """Close the open notifications of `kinds` about an item (or about `ids` of a model): it has been
    dealt with, so nobody else is asked to any more. Returns how many were closed."""
    label = subject._meta.label_lower
    wanted = [subject.pk] if isinstance(subject, Model) else list(ids or [])
    if not wanted:
        return 0
    return (
        Notification.objects.open()
        .filter(subject_type=label, subject_id__in=wanted, kind__in=list(kinds))
        .update(resolved_at=at or timezone.now())
    )


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


@transaction.atomic
def reset_second_step(account: Any, *, by: Any, reason: str) -> int:
    """An administrator removes an account's authenticator app and backup codes (a lost or replaced
    phone), for a written reason: at its next sign-in the account enrols a new app. Logged with the
    reason and notified to the person. Not one's own: another administrator resets that. Returns how many
    devices were removed."""
    from safetynet.audit.models import Action
    from safetynet.audit.services import record
    from safetynet.core.access import staff_of

    problems: list[tuple[str | None, str]] = []
    reason = reason.strip()
    if not reason:
        problems.append(("reason", _("Give the reason for the reset.")))
    if account.pk == by.pk:
        problems.append(("account", _("Another administrator resets your own second step.")))
    apps = TOTPDevice.objects.devices_for_user(account, confirmed=None)
    codes = StaticDevice.objects.devices_for_user(account, confirmed=None)
    if not apps.exists() and not codes.exists():
        problems.append(("account", _("This account has no second step to reset.")))
    if problems:
        raise DomainError.of(problems)
    removed = {"authenticator": apps.count(), "backup_codes": codes.count()}
    StaticToken.objects.filter(device__in=codes).delete()
    codes.delete()
    apps.delete()
    record(
        Action.CHANGE,
        user=by,
        object_type="auth.user",
        object_id=str(account.pk),
        reason=reason,
        detail={"op": "reset_second_step", "removed": removed},
    )
    notify(
        [account],
        kind="second_step_reset",
        template=N_(
            "Your second sign-in step was reset by %(admin)s: at your next sign-in you set up your "
            "authenticator app again. If you did not ask for this, tell your supervisor at once."
        ),
        params={"admin": getattr(staff_of(by), "name", "") or by.get_username()},
    )
    return int(removed["authenticator"]) + int(removed["backup_codes"])
