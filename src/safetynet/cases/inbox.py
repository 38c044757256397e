"""The worker's inbox: the visits and clocks due, new dispatches, referrals to follow up."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.db.models import Q
from django.utils import timezone

from safetynet.cases.models import Case, ClockQuerySet
from safetynet.cases.services.common import FIRST_VISIT_CLOCKS
from safetynet.core.access import cases_visible_to, clocks_visible_to
from safetynet.domain.casestatus import CaseStatus
from safetynet.org.models import AccessKind, Staff
from safetynet.referrals.selectors import referrals_to_follow

# What the inbox lists as a visit to make: the report's first visit, the plan's visits, the monthly BSRS-5.
INBOX_VISITS = ("visit", "bsrs5", *FIRST_VISIT_CLOCKS)


def inbox(user: Any, staff: Staff) -> dict[str, object]:
    """The worker's day: visits due today or overdue, other clocks due within three days, new dispatches.

    "The worker's cases" are the open cases they lead or co-work; each list is one query, whatever its length.
    """
    now = timezone.now()
    tomorrow = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(now) + datetime.timedelta(days=1), datetime.time.min)
    )
    mine = Case.objects.open().filter(Q(lead=staff) | Q(co_workers=staff)).values("pk")
    visible = cast(ClockQuerySet, clocks_visible_to(user))
    running = visible.running().filter(case__in=mine).select_related("case__person")
    return {
        "visits": [
            (c, c.state(now))
            for c in running.filter(name__in=INBOX_VISITS, due_at__lt=tomorrow).order_by("due_at", "pk")[:50]
        ],
        "clocks": [
            (c, c.state(now))
            for c in running.filter(due_at__lte=now + datetime.timedelta(days=3))
            .exclude(name__in=INBOX_VISITS, due_at__lt=tomorrow)
            .order_by("due_at", "pk")[:30]
        ],
        "new_cases": list(
            Case.objects.filter(lead=staff, status=CaseStatus.ASSESSING)
            .select_related("person")
            .order_by("-assigned_at")[:20]
        ),
        "waiting": cases_visible_to(user).filter(status=CaseStatus.PENDING).count()
        if staff.role.kind == AccessKind.SUPERVISOR
        else None,
        "referrals": referrals_to_follow(user, staff, now),
    }


def inbox_persons(mine: dict[str, Any]) -> list[int | None]:
    """The persons the inbox names."""
    return [
        *(clock.case.person_id for clock, _state in (*mine["visits"], *mine["clocks"])),
        *(case.person_id for case in mine["new_cases"]),
        *(referral.case.person_id for referral, _late in mine["referrals"] if referral.case),
    ]
