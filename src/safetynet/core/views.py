from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from safetynet.audit.services import record_listing
from safetynet.cases.models import Case, ClockQuerySet
from safetynet.cases.services.common import FIRST_VISIT_CLOCKS
from safetynet.core import services
from safetynet.core.access import (
    CASE_KINDS,
    cases_visible_to,
    clocks_visible_to,
    counties_visible_to,
    persons_visible_to,
    staff_of,
)
from safetynet.core.models import Notification
from safetynet.domain.casestatus import CaseStatus
from safetynet.org.models import AccessKind, Staff
from safetynet.referrals.selectors import partner_summary, referrals_to_follow
from safetynet.workforce.staffing import hire_rate_summary

# What the inbox lists as a visit to make: the report's first visit, the plan's visits, the monthly BSRS-5.
INBOX_VISITS = ("visit", "bsrs5", *FIRST_VISIT_CLOCKS)
NOTIFICATIONS_SHOWN = 15


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    today = timezone.localdate()
    context: dict[str, object] = {"staff": staff, "today": today}
    if staff is None:
        return render(request, "core/home.html", context)
    kind = staff.role.kind
    if kind in (AccessKind.SCREENER, AccessKind.CASEWORKER, AccessKind.SUPERVISOR):
        context["persons_in_area"] = persons_visible_to(request.user).count()
        context["towns"] = list(staff.unit.towns.all())
        context["team"] = staff.unit.team_on(today)
    if kind in CASE_KINDS:
        mine = inbox(request.user, staff)
        context.update(mine)
        record_listing(request.user, "cases.case", inbox_persons(mine))
    if kind == AccessKind.PARTNER:
        context["partner"] = partner_summary(staff)
    # Unread first those still asking for something; those somebody has dealt with since, after them.
    unread = list(
        Notification.objects.filter(user_id=request.user.pk or 0)
        .unread()
        .order_by(F("resolved_at").asc(nulls_first=True), "-created_at", "-id")[: NOTIFICATIONS_SHOWN * 2]
    )
    context["notifications"] = [n for n in unread if n.resolved_at is None][:NOTIFICATIONS_SHOWN]
    context["resolved_notifications"] = [n for n in unread if n.resolved_at is not None][:NOTIFICATIONS_SHOWN]
    if kind in (AccessKind.MANAGER, AccessKind.REVIEWER, AccessKind.SUPERVISOR, AccessKind.ADMIN):
        context["hire_rates"] = hire_rate_summary(counties_visible_to(request.user), today)
    return render(request, "core/home.html", context)


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


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.mark_read(request.user)
    return redirect("home")


@require_safe
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
