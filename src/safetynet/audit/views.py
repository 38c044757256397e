"""The access log page (administrators: "who looked at this child's file?") and break-glass:
a worker opens a case outside their scope with a reason; their supervisor reviews it."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safetynet.audit import services
from safetynet.audit.forms import OBJECT_TYPES, ApproveForm, BreakGlassForm, LogFilterForm, ReviewForm
from safetynet.audit.models import AccessGrant, Action, AuditEntry
from safetynet.core.access import CASE_KINDS, K, kinds_required
from safetynet.core.errors import DomainError
from safetynet.core.forms import apply_domain_error
from safetynet.org.models import Role
from safetynet.people.models import Person

PAGE_SIZE = 50


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _filtered(form: LogFilterForm) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("user__staff").order_by("-seq")
    if not form.is_valid():
        return entries.none()
    data = form.cleaned_data
    if data["national_id"]:
        person = Person.objects.with_national_id(data["national_id"]).first()  # the blind index only
        entries = entries.filter(subjects__contains=f"|{person.pk}|") if person else entries.none()
    if data["person"]:
        entries = entries.filter(subjects__contains=f"|{data['person']}|")
    if data["username"]:
        entries = entries.filter(username=data["username"].strip())
    if data["action"]:
        entries = entries.filter(action=data["action"])
    if data["object_type"]:
        entries = entries.filter(object_type=data["object_type"])
    if data["since"]:
        entries = entries.filter(at__gte=_start_of(data["since"]))
    if data["until"]:
        entries = entries.filter(at__lt=_start_of(data["until"] + datetime.timedelta(days=1)))
    if data["flagged"]:
        entries = entries.filter(flagged=True)
    return entries


@kinds_required(K.ADMIN)
@require_safe
def log(request: HttpRequest) -> HttpResponse:
    form = LogFilterForm(request.GET or {})
    page = Paginator(_filtered(form), PAGE_SIZE).get_page(request.GET.get("page"))
    if request.GET:
        # Looking at the log is itself logged: which filters (never the national ID typed in).
        used = sorted(name for name in form.fields if request.GET.get(name))
        services.record(
            Action.SEARCH, user=request.user, object_type="audit.auditentry", detail={"filters": used}
        )
    roles = dict(Role.objects.values_list("code", "name"))
    kinds = dict(OBJECT_TYPES)
    for entry in page:
        entry.role_name = roles.get(entry.role, entry.role)  # type: ignore[attr-defined]
        entry.object_name = kinds.get(entry.object_type, entry.object_type)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    template = "audit/_rows.html" if request.headers.get("HX-Request") else "audit/log.html"
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})


@kinds_required(*CASE_KINDS)
@require_http_methods(["GET", "HEAD", "POST"])
def grant_new(request: HttpRequest) -> HttpResponse:
    form = BreakGlassForm(request.POST or None, initial={"case": request.GET.get("case")})
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.break_glass(
                request.user, case_id=form.cleaned_data["case"], reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            if grant.waiting:
                messages.warning(
                    request,
                    _(
                        "An earlier opening of this case was found unjustified: your supervisor must "
                        "approve this one first. You will be told when the case opens."
                    ),
                )
                return redirect("audit:grant_new")
            messages.warning(
                request,
                _("Case opened until %(time)s. Your supervisor will review the reason.")
                % {"time": timezone.localtime(grant.expires_at).strftime("%H:%M")},
            )
            return redirect("cases:detail", pk=grant.case_id)
    status = 400 if form.errors else 200
    return render(
        request,
        "audit/grant_new.html",
        {"form": form, "minutes": services.break_glass_minutes()},
        status=status,
    )


@kinds_required(K.SUPERVISOR, K.ADMIN)
@require_safe
def grants(request: HttpRequest) -> HttpResponse:
    visible = services.grants_to_review(request.user)
    return render(
        request,
        "audit/grants.html",
        {
            "requests": visible.waiting_approval(),
            "waiting": visible.filter(reviewed_at__isnull=True).exclude(pk__in=visible.waiting_approval()),
            "reviewed": visible.filter(reviewed_at__isnull=False)[:50],
            "form": ReviewForm(),
            "now": timezone.now(),
        },
    )


@require_POST
@kinds_required(K.SUPERVISOR, K.ADMIN)
def grant_review(request: HttpRequest, pk: int) -> HttpResponse:
    grant: AccessGrant = get_object_or_404(services.grants_to_review(request.user), pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_grant(
                grant,
                justified=form.cleaned_data["justified"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Review recorded."))
    else:
        messages.error(request, _("Choose whether the reason was sound."))
    return redirect("audit:grants")


@kinds_required(K.SUPERVISOR, K.ADMIN)
@require_http_methods(["GET", "HEAD", "POST"])
def grant_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """A request to open a case again after an opening of it was found unjustified: its reason and the
    earlier review, approved with a button of its own that asks first, or declined with a note."""
    visible = services.grants_to_review(request.user)
    grant: AccessGrant = get_object_or_404(visible.filter(needs_approval=True), pk=pk)
    form = ApproveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.approve_grant(grant, by=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Approved: %(name)s may read case %(case)s until %(time)s.")
                % {
                    "name": grant.staff.name,
                    "case": grant.case_id,
                    "time": timezone.localtime(grant.expires_at).strftime("%H:%M"),
                },
            )
            return redirect("audit:grants")
    earlier = (
        AccessGrant.objects.filter(staff_id=grant.staff_id, case_id=grant.case_id, justified=False)
        .exclude(pk=grant.pk)
        .select_related("reviewed_by")
        .order_by("-reviewed_at")
    )
    return render(
        request,
        "audit/grant_approve.html",
        {
            "grant": grant,
            "form": form,
            "review_form": ReviewForm(),
            "earlier": earlier,
            "minutes": services.break_glass_minutes(),
        },
        status=400 if form.errors else 200,
    )
