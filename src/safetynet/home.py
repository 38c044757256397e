"""The home page: each person's day at a glance — the inbox of case staff, a partner's referrals, the
notifications, and the hire rates for those who answer for staffing. It gathers from every area, so it
stands above them all, beside the URL configuration."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from safetynet.audit.services import record_listing
from safetynet.cases.inbox import inbox, inbox_persons
from safetynet.core.access import CASE_KINDS, counties_visible_to, persons_visible_to, staff_of
from safetynet.core.models import Notification
from safetynet.org.models import AccessKind
from safetynet.referrals.selectors import partner_summary
from safetynet.workforce.staffing import hire_rate_summary

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
