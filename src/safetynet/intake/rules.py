"""The rule set in force: the latest published version, or the shipped default (DOMAIN §4, v1).

Published versions never change, so each is parsed once per process and shared (read-only).
"""

from __future__ import annotations

import datetime
from functools import cache

from safetynet.domain.triage import RuleSet, default_rule_set
from safetynet.intake.models import RuleSetVersion


@cache
def _shipped() -> RuleSet:
    return default_rule_set()


@cache
def _published(pk: int, published_at: datetime.datetime) -> RuleSet:
    # Keyed by publication time too: a row id can come back after a rolled-back transaction.
    return RuleSet.from_dict(RuleSetVersion.objects.values_list("document", flat=True).get(pk=pk))


def current_rule_set() -> RuleSet:
    latest = (
        RuleSetVersion.objects.filter(published_at__isnull=False)
        .order_by("-published_at", "-id")
        .values_list("pk", "published_at")
        .first()
    )
    return _shipped() if latest is None else _published(*latest)
