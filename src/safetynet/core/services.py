"""In-app notifications: written inside the business transaction that causes them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

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
