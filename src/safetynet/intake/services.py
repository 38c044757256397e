"""Every write of the intake app: one atomic function per business action."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from safetynet.core.errors import DomainError
from safetynet.domain.triage import RuleSet, RuleSetError, default_rule_set
from safetynet.intake.models import RuleSetVersion


@transaction.atomic
def draft_rule_set(document: dict[str, Any], *, by: Any = None, notes: str = "") -> RuleSetVersion:
    try:
        rules = RuleSet.from_dict(document)
    except RuleSetError as exc:
        raise DomainError(str(exc), field="document") from exc
    taken = rules.version == default_rule_set().version
    if taken or RuleSetVersion.objects.filter(version=rules.version).exists():
        raise DomainError(f"版本 {rules.version} 已存在；新版本請換一個版本代號", field="version")
    return RuleSetVersion.objects.create(
        version=rules.version, name=rules.name, document=rules.to_dict(), notes=notes, created_by=by
    )


@transaction.atomic
def publish_rule_set(draft: RuleSetVersion, *, by: Any = None) -> RuleSetVersion:
    """From now on, screening uses this version; earlier versions stay for history and what-if."""
    locked = RuleSetVersion.objects.select_for_update().get(pk=draft.pk)
    if locked.published_at is not None:
        raise DomainError(f"版本 {locked.version} 已於 {locked.published_at:%Y-%m-%d} 發布", field="version")
    locked.published_at = timezone.now()
    locked.published_by = by
    locked.save(update_fields=["published_at", "published_by"])
    return locked
