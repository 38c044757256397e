from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from safetynet.core.access import counties_visible_to, persons_visible_to, staff_of
from safetynet.org.models import AccessKind
from safetynet.workforce.staffing import hire_rate_summary


@login_required
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
    if kind in (AccessKind.MANAGER, AccessKind.REVIEWER, AccessKind.SUPERVISOR, AccessKind.ADMIN):
        context["hire_rates"] = hire_rate_summary(counties_visible_to(request.user), today)
    return render(request, "core/home.html", context)


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
