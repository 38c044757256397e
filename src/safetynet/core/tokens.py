"""Issue and check API tokens. A token reads `sn_<prefix>_<secret>`; only SHA-256 of it is stored."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from safetynet.core.errors import DomainError
from safetynet.core.models import ApiToken

SCOPES = {"read": _("Read"), "reports:write": _("Send reports"), "cases:write": _("Record case notes")}
DEFAULT_DAYS = 90


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_token(
    user: Any, *, scopes: list[str], days: int = DEFAULT_DAYS, name: str = ""
) -> tuple[ApiToken, str]:
    """Create a token; returns the record and the plain token, which is never stored."""
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise DomainError(
            f"unknown scope(s): {', '.join(unknown)}; known: {', '.join(SCOPES)}", field="scopes"
        )
    if not 1 <= days <= 366:
        raise DomainError("a token lives 1 to 366 days", field="days")
    if not user.is_active:
        raise DomainError(f"{user.username} is not an active account", field="username")
    prefix = secrets.token_hex(4)
    token = f"sn_{prefix}_{secrets.token_urlsafe(32)}"
    record = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        digest=_digest(token),
        scopes=scopes,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return record, token


@transaction.atomic
def revoke_token(record: ApiToken) -> ApiToken:
    record.revoked_at = record.revoked_at or timezone.now()
    record.save(update_fields=["revoked_at"])
    return record


def token_for(text: str, scope: str | None = None) -> ApiToken | None:
    """The usable token `text` is, if it carries `scope`; only a token that is let in counts as used."""
    parts = text.split("_")
    if len(parts) < 3 or parts[0] != "sn":
        return None
    record = ApiToken.objects.usable().select_related("user").filter(prefix=parts[1]).first()
    if record is None or not hmac.compare_digest(record.digest, _digest(text)):
        return None
    if scope is not None and scope not in record.scopes:
        return None
    if record.last_used_at is None or timezone.now() - record.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    return record


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sn_…` with the scope an operation needs; 401 otherwise."""

    def __init__(self, scope: str = "read") -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        record = token_for(token, self.scope)
        if record is None:
            return None
        request.user = record.user
        return record.user
