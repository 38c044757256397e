"""Changes and sign-ins enter the access log through signals, in the transaction that made them."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from auditlog.signals import post_log
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from safetynet.audit.models import Action
from safetynet.audit.services import record

OPERATIONS = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
}


@receiver(post_log, dispatch_uid="safetynet.audit.change")
def log_change(sender: Any, instance: Any, action: int, changes: Any, log_entry: Any, **kwargs: Any) -> None:
    """One chain entry per change history entry: the operation and the changed fields, never values."""
    if log_entry is None or action not in OPERATIONS:
        return
    fields = sorted((changes or {}).keys()) if isinstance(changes, dict) else []
    record(
        Action.CHANGE,
        user=log_entry.actor,
        target=instance,
        detail={"op": OPERATIONS[action], "fields": fields, "history": log_entry.pk},
    )


@receiver(user_logged_in, dispatch_uid="safetynet.audit.login")
def log_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(Action.LOGIN, user=user)


@receiver(user_logged_out, dispatch_uid="safetynet.audit.logout")
def log_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Action.LOGOUT, user=user)


@receiver(user_login_failed, dispatch_uid="safetynet.audit.login_failed")
def log_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    record(Action.LOGIN_FAILED, username=str(credentials.get("username", ""))[:150], flagged=False)
