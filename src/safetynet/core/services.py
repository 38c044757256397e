"""In-app notifications: written inside the business transaction that causes them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safetynet.core.models import Notification


def notify(users: Iterable[Any], *, kind: str, message: str, url: str = "") -> int:
    """One notification per distinct account; returns how many were written."""
    unique = {user.pk: user for user in users if user is not None}
    Notification.objects.bulk_create(
        Notification(user=user, kind=kind, message=message[:300], url=url) for user in unique.values()
    )
    return len(unique)
