"""Changes and sign-ins enter the access log through signals, in the transaction that made them."""

from __future__ import annotations

from typing import Any

from auditlog.context import auditlog_disabled, auditlog_value
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import post_log
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Model
from django.db.models.signals import m2m_changed
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


M2M_OPERATIONS = {"post_add": "add", "post_remove": "remove", "post_clear": "clear"}


def logged_m2m(through: Any) -> tuple[type[Model], str] | None:
    """The model and field of a many-to-many table whose changes the change log keeps (its `m2m_fields`)."""
    for model in auditlog.get_models():
        # The registry keeps them, but get_model_fields does not return them (django-auditlog 3.4).
        for name in auditlog._registry[model].get("m2m_fields") or ():
            if getattr(model, name).through is through:
                return model, name
    return None


@receiver(m2m_changed, dispatch_uid="safetynet.audit.m2m_change")
def log_m2m_change(
    sender: Any, instance: Any, action: str, reverse: bool, model: Any, pk_set: Any, **kwargs: Any
) -> None:
    """A many-to-many field of a logged record changed (a unit's towns, a case's co-workers): one chain
    entry on the record that holds the field, naming it. django-auditlog keeps the history entry but
    sends no `post_log` for these. Rows loaded from a backup (the change log disabled) are history
    already and enter nothing."""
    if action not in (*M2M_OPERATIONS, "pre_clear") or auditlog_disabled.get(False):
        return
    if action in ("post_add", "post_remove") and not pk_set:
        return  # nothing was added or removed
    field = logged_m2m(sender)
    if field is None:
        return
    owner, name = field
    if action == "pre_clear":
        if reverse:  # the holders are gone once cleared: remember them for post_clear
            instance._safetynet_cleared = list(owner._default_manager.filter(**{name: instance}))
        return
    if not reverse:
        holders = [instance]
    elif action == "post_clear":
        holders = getattr(instance, "_safetynet_cleared", [])
    else:
        holders = list(owner._default_manager.filter(pk__in=pk_set or ()))
    actor = auditlog_value.get({}).get("actor")  # the request's user, set by AuditlogMiddleware
    for holder in holders:
        record(
            Action.CHANGE,
            user=actor if getattr(actor, "is_authenticated", False) else None,
            target=holder,
            detail={"op": "update", "fields": [name], "m2m": M2M_OPERATIONS[action]},
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
