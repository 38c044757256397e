"""Reads of referrals that other apps' pages share: what waits past its deadline, what came back."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from safetynet.domain.referral import ReferralStatus
from safetynet.org.models import Staff, Unit
from safetynet.referrals.models import Organization, Referral

RECENT_ANSWERS = datetime.timedelta(days=7)


def overdue_referrals(unit: Unit, now: datetime.datetime) -> QuerySet[Referral]:
    """The unit's sent referrals that the partner has not answered by their deadline, oldest first."""
    return (
        Referral.objects.filter(
            Q(unit=unit) | Q(case__unit=unit), status=ReferralStatus.REQUESTED, due_at__lt=now
        )
        .select_related("case__person", "case__lead", "organization", "category")
        .order_by("due_at", "pk")
    )


def referrals_to_follow(user: Any, staff: Staff, now: datetime.datetime) -> list[tuple[Referral, bool]]:
    """The worker's referrals past their deadline, and those the partner answered in the last week."""
    rows = (
        Referral.objects.filter(Q(referred_by=user) | Q(case__lead=staff))
        .filter(
            Q(status=ReferralStatus.REQUESTED, due_at__lt=now)
            | Q(responded_at__gte=now - RECENT_ANSWERS)
            | Q(
                closed_at__gte=now - RECENT_ANSWERS,
                status__in=(ReferralStatus.COMPLETED, ReferralStatus.FAILED),
            )
        )
        .select_related("case__person", "organization", "category")
        .order_by("due_at", "pk")[:20]
    )
    return [(r, r.overdue(now)) for r in rows]


def partner_summary(staff: Staff) -> dict[str, Any] | None:
    """The partner's home card: its organisation, how many referrals wait for its answer, how many late."""
    organization = Organization.objects.filter(unit_id=staff.unit_id).first()
    if organization is None:
        return None
    waiting = Referral.objects.filter(organization=organization, status=ReferralStatus.REQUESTED)
    return {
        "organization": organization,
        "waiting": waiting.count(),
        "late": waiting.filter(due_at__lt=timezone.now()).count(),
    }
