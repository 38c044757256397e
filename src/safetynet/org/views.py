from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from safetynet.core.access import (
    UNIT_KINDS,
    get_unit_for,
    kinds_required,
    staff_of,
    units_visible_to,
)
from safetynet.core.errors import DomainError
from safetynet.core.forms import apply_domain_error
from safetynet.org import services
from safetynet.org.forms import LeaveForm
from safetynet.org.models import AccessKind, DispatchMode, LeavePeriod, Staff, Unit

LEAVE_KINDS = (AccessKind.SUPERVISOR, AccessKind.MANAGER)


@kinds_required(*UNIT_KINDS)
@require_safe
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
@require_safe
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for(request.user, pk)
    return _unit_page(request, unit, _leave_form(request, unit, None))


def _leave_form(request: HttpRequest, unit: Unit, data: QueryDict | None) -> LeaveForm | None:
    """The unit's supervisors, and its county's managers, record leave for the unit's current staff;
    others see no form."""
    staff = staff_of(request.user)
    if staff is None or staff.role.kind not in LEAVE_KINDS or not services.may_record_leave(staff, unit):
        return None
    current = Staff.objects.filter(unit=unit).active_on(timezone.localdate()).order_by("name")
    return LeaveForm(data, staff=current)


def _unit_page(request: HttpRequest, unit: Unit, form: LeaveForm | None) -> HttpResponse:
    today = timezone.localdate()
    upcoming = (
        LeavePeriod.objects.filter(staff__unit=unit, ends_on__gte=today)
        .select_related("staff")
        .order_by("starts_on")
    )
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "team": unit.team_on(today),
            "towns": unit.towns.all(),
            "today": today,
            "leave_form": form,
            "leaves": upcoming[:20],
            "may_set_dispatch": _may_set_dispatch(request, unit),
            "dispatch_modes": DispatchMode.choices,
        },
    )


@kinds_required(*LEAVE_KINDS)
@require_POST
def leave_add(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for(request.user, pk)
    form = _leave_form(request, unit, request.POST)
    if form is None:
        raise PermissionDenied
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_leave(
                data["staff"],
                kind=data["kind"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data["note"],
                by=staff_of(request.user),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Leave recorded."))
            return redirect("org:unit", pk=unit.pk)
    return _unit_page(request, unit, form)


def _may_set_dispatch(request: HttpRequest, unit: Unit) -> bool:
    """The unit's own supervisors, and managers, choose fast or precise dispatch."""
    staff = staff_of(request.user)
    if staff is None or staff.role.kind not in LEAVE_KINDS:
        return False
    return staff.role.kind == AccessKind.MANAGER or staff.unit_id == unit.pk


@kinds_required(*LEAVE_KINDS)
@require_POST
def dispatch_mode(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for(request.user, pk)
    if not _may_set_dispatch(request, unit):
        raise PermissionDenied
    try:
        services.set_dispatch_mode(unit, request.POST.get("dispatch_mode", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Dispatch set: %(mode)s") % {"mode": unit.get_dispatch_mode_display()})
    return redirect("org:unit", pk=unit.pk)
