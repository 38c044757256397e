"""The rule set in force: the latest published version, or the shipped default (DOMAIN §4, v1)."""

from __future__ import annotations

from safetynet.domain.triage import RuleSet, default_rule_set
from safetynet.intake.models import RuleSetVersion


def current_rule_set() -> RuleSet:
    published = (
        RuleSetVersion.objects.filter(published_at__isnull=False).order_by("-published_at", "-id").first()
    )
    if published is None:
        return default_rule_set()
    return RuleSet.from_dict(published.document)
