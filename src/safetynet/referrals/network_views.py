"""The county's partner network: the directory of partners and their services, and referral statistics."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from safetynet.core.access import counties_visible_to, kinds_required
from safetynet.geo.models import County
from safetynet.intake.rules import current_rule_set
from safetynet.org.models import AccessKind
from safetynet.referrals import forms
from safetynet.referrals import stats as referral_stats
from safetynet.referrals.models import Location, Organization, Service, ServiceCategory, ServiceStatus

K = AccessKind
# The directory is the county's public network (confidential addresses stay hidden); every role reads it.
DIRECTORY_KINDS = tuple(K.values)
STATS_KINDS = (K.SUPERVISOR, K.MANAGER, K.ADMIN, K.REVIEWER)


def _active_services() -> Prefetch:  # type: ignore[type-arg]
    return Prefetch(
        "services",
        queryset=Service.objects.filter(status=ServiceStatus.ACTIVE)
        .prefetch_related("categories")
        .order_by("pk"),
    )


@kinds_required(*DIRECTORY_KINDS)
@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    """Partners and their services, filtered by category, town or a word in the name."""
    categories = list(ServiceCategory.objects.filter(active=True).annotate(n=Count("services")))
    chosen = next((c for c in categories if c.code == request.GET.get("category")), None)
    # A NUL cannot reach PostgreSQL's text comparison; it means nothing in a name anyway.
    text = request.GET.get("q", "").replace("\x00", "").strip()[:50]
    organizations = Organization.objects.filter(active=True)
    if chosen is not None:
        organizations = organizations.filter(
            services__categories=chosen, services__status=ServiceStatus.ACTIVE
        )
    if text:
        organizations = organizations.filter(
            Q(name__icontains=text) | Q(alternate_name__icontains=text) | Q(services__name__icontains=text)
        )
    organizations = (
        organizations.distinct()
        .select_related("area")
        .prefetch_related(
            _active_services(),
            Prefetch("locations", queryset=Location.objects.select_related("town__county").order_by("pk")),
            "phones",
        )
        .order_by("name")
    )
    return render(
        request,
        "referrals/directory.html",
        {"organizations": organizations, "categories": categories, "chosen": chosen, "q": text},
    )


@kinds_required(*DIRECTORY_KINDS)
@require_safe
def organization(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        Organization.objects.filter(active=True)
        .select_related("area")
        .prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.prefetch_related(
                    "categories", "towns", "schedules", "locations", "phones"
                ).order_by("pk"),
            ),
            Prefetch("locations", queryset=Location.objects.select_related("town__county").order_by("pk")),
            Prefetch("contacts__phones"),
            "phones",
        ),
        pk=pk,
    )
    return render(request, "referrals/organization.html", {"organization": found})


@kinds_required(*STATS_KINDS)
@require_safe
def stats(request: HttpRequest) -> HttpResponse:
    """Referrals by category for a chosen period (seed 000's table), by partner, response time, closed loop."""
    codes = counties_visible_to(request.user)
    areas = [(c.code, c.name) for c in County.objects.filter(code__in=codes).order_by("code")]
    if not areas:
        raise Http404
    routes = list(current_rule_set().codes.routes.items())
    form = forms.StatsForm(request.GET or None, areas=areas, routes=routes, initial={"area": areas[0][0]})
    summary = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        summary = referral_stats.summarize(
            referral_stats.Period(data["area"], data["start"], data["end"], data["route"])
        )
    elif not form.is_bound:
        summary = referral_stats.summarize(referral_stats.Period(areas[0][0]))
    return render(request, "referrals/stats.html", {"form": form, "summary": summary})
