from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from safetynet.core.access import UNIT_KINDS, get_unit_for, kinds_required, units_visible_to


@kinds_required(*UNIT_KINDS)
def unit_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    employed = Q(staff__hired_on__lte=today) & (Q(staff__left_on__isnull=True) | Q(staff__left_on__gte=today))
    units = (
        units_visible_to(request.user)
        .select_related("agency", "county")
        .annotate(staff_count=Count("staff", filter=employed, distinct=True))
        .prefetch_related("towns")
        .order_by("county_id", "kind", "name")
    )
    return render(request, "org/unit_list.html", {"units": units})


@kinds_required(*UNIT_KINDS)
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for(request.user, pk)
    today = timezone.localdate()
    return render(
        request,
        "org/unit_detail.html",
        {"unit": unit, "team": unit.team_on(today), "towns": unit.towns.all(), "today": today},
    )
