"""Referrals seen from both ends: the referrer's (from a case, its page, the list with what is overdue)
and the partner's (the portal of its organisation, or a single-use link without an account)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safetynet.audit.services import record_listing, record_read
from safetynet.core.access import (
    CASE_KINDS,
    get_case_for_work,
    get_partner_referral_for,
    get_referral_for,
    get_referral_for_work,
    kinds_required,
    partner_organization,
    partner_referrals_for,
    referrals_visible_to,
)
from safetynet.core.errors import DomainError
from safetynet.core.forms import apply_domain_error, submitted
from safetynet.domain.referral import ReferralStatus, Side, moves_for, needs_note
from safetynet.org.models import AccessKind
from safetynet.referrals import forms, services
from safetynet.referrals.models import OPEN_STATUSES, Referral, ServiceCategory
from safetynet.referrals.partner import person_for_partner, protected_identity

LIST_FILTERS = {
    "open": Q(status__in=OPEN_STATUSES),
    "unanswered": Q(status=ReferralStatus.REQUESTED),
    "answered": ~Q(status__in=(ReferralStatus.DRAFT, ReferralStatus.REQUESTED)),
    "draft": Q(status=ReferralStatus.DRAFT),
}
PAGE = 200
LINK_READER = "(single-use link)"  # the access log's reader of a referral opened through its link


def _moves(referral: Referral, side: Side) -> list[tuple[str, str, bool, str]]:
    """(state, button label, needs a note, what to ask first) of each move this side may make now."""
    return [
        (m.value, str(forms.MOVE_LABELS[m]), needs_note(m), str(forms.MOVE_CONFIRM.get(m, "")))
        for m in moves_for(referral.status, side)
    ]


def _rows(referrals: Any, now: Any) -> list[tuple[Referral, bool]]:
    return [(r, r.overdue(now)) for r in referrals]


# --- the referrer's side -------------------------------------------------------------------------


@kinds_required(*CASE_KINDS)
@require_safe
def referral_list(request: HttpRequest) -> HttpResponse:
    """The worker's referrals (a supervisor: the unit's), the unanswered past their deadline first."""
    now = timezone.now()
    wanted = request.GET.get("show", "open")
    rows = referrals_visible_to(request.user).select_related(
        "case__person", "organization", "category", "referred_by__staff"
    )
    overdue = rows.filter(status=ReferralStatus.REQUESTED, due_at__lt=now)
    if wanted == "overdue":
        rows = overdue
    elif wanted in LIST_FILTERS:
        rows = rows.filter(LIST_FILTERS[wanted])
    ordered = rows.order_by("due_at" if wanted in ("overdue", "unanswered") else "-created_at", "pk")
    shown = _rows(ordered[:PAGE], now)
    record_listing(request.user, "referrals.referral", [r.case.person_id for r, _late in shown if r.case])
    return render(
        request,
        "referrals/list.html",
        {
            "rows": shown,
            "wanted": wanted,
            "overdue_count": overdue.count(),
            "badge": forms.STATUS_BADGE,
            "filters": [
                ("open", _("Open")),
                ("overdue", _("Overdue")),
                ("unanswered", _("Waiting for an answer")),
                ("answered", _("Answered")),
                ("draft", _("Drafts")),
                ("all", _("All")),
            ],
        },
    )


@kinds_required(*CASE_KINDS)
@require_http_methods(["GET", "HEAD", "POST"])
def referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Refer the case's person: category, the partner's service, reason, consent, what to share."""
    case = get_case_for_work(request.user, pk)
    data = request.POST if request.method == "POST" else None
    form = forms.ReferralForm(data, initial={"category": request.GET.get("category", "")})
    if data is not None and form.is_valid():
        try:
            referral = services.create_referral(
                case,
                service=form.cleaned_data["service"],
                category=form.cleaned_data["category"],
                reason=form.cleaned_data["reason"],
                urgency=form.cleaned_data["urgency"],
                consent=form.cleaned_data["consent"],
                legal_basis=form.cleaned_data["legal_basis"],
                shares=form.cleaned_data["shares"],
                by=request.user,
                send=data.get("action") != "draft",
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            if referral.status == ReferralStatus.DRAFT:
                messages.success(request, _("Saved as a draft: the partner sees nothing yet."))
            else:
                messages.success(
                    request,
                    _("Referral sent to %(org)s; an answer is due by %(due)s.")
                    % {
                        "org": referral.organization.name,
                        "due": timezone.localtime(referral.due_at).strftime("%m/%d"),
                    },
                )
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/form.html",
        {"case": case, "form": form, "protected": protected_identity(case.person)},
    )


@kinds_required(*CASE_KINDS)
@require_safe
def service_options(request: HttpRequest) -> HttpResponse:
    """The service choices of a category (HTMX, when the worker picks a category)."""
    raw = request.GET.get("category", "")
    category = ServiceCategory.objects.filter(pk=int(raw), active=True).first() if raw.isdigit() else None
    return render(
        request,
        "referrals/_service_options.html",
        {"services": forms.services_for(category), "category": category},
    )


def _detail_context(
    referral: Referral, side: Side, move_form: forms.MoveForm | None = None
) -> dict[str, Any]:
    return {
        # A refused move comes back with its note as typed, its step open, the problems on top.
        "move_form": move_form,
        "move_to": move_form.data.get("to", "") if move_form is not None else "",
        "referral": referral,
        "events": list(referral.events.select_related("by__staff")),
        "moves": _moves(referral, side),
        "badge": forms.STATUS_BADGE,
        "overdue": referral.overdue(timezone.now()),
        "share_labels": forms.SHARE_LABELS,
    }


@kinds_required(*CASE_KINDS)
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _referrer_page(request, get_referral_for(request.user, pk))


def _referrer_page(
    request: HttpRequest, referral: Referral, move_form: forms.MoveForm | None = None, **extra: Any
) -> HttpResponse:
    context = _detail_context(referral, Side.REFERRER, move_form)
    context["links"] = list(referral.links.all()[:5])
    # Partners with accounts answer in the portal; the others through a link the worker passes on.
    context["can_link"] = referral.status in OPEN_STATUSES and referral.organization.unit_id is None
    context.update(extra)
    return render(request, "referrals/detail.html", context)


Page = Callable[[HttpRequest, Referral, forms.MoveForm], HttpResponse]


def _move(request: HttpRequest, referral: Referral, side: Side, detail: str, page: Page) -> HttpResponse:
    """Make the move asked for and go back to the referral's page (`detail`); a refused move comes back
    on that page (`page`), its form with the problems."""
    form = forms.MoveForm(request.POST)

    def save(data: dict[str, Any]) -> str:
        moved = services.move_referral(referral, data["to"], side=side, by=request.user, note=data["note"])
        return _("Referral now: %(status)s.") % {"status": moved.get_status_display()}

    if submitted(request, form, save):
        return redirect(detail, pk=referral.pk)
    referral.refresh_from_db()
    return page(request, referral, form)


@kinds_required(*CASE_KINDS)
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_work(request.user, pk)
    return _move(request, referral, Side.REFERRER, "referrals:detail", _referrer_page)


@kinds_required(*CASE_KINDS)
@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """A single-use link for a partner without accounts, shown once to pass on (by phone, mail or fax)."""
    referral = get_referral_for_work(request.user, pk)
    try:
        issued, token = services.issue_link(referral, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("referrals:detail", pk=pk)
    return _referrer_page(
        request,
        referral,
        new_link=request.build_absolute_uri(reverse("referrals:answer", args=[token])),
        new_link_expires=issued.expires_at,
    )


# --- the partner's side --------------------------------------------------------------------------


@kinds_required(AccessKind.PARTNER)
@require_safe
def partner_list(request: HttpRequest) -> HttpResponse:
    """The partner's portal: referrals sent to its organisation, those waiting for an answer first."""
    organization = partner_organization(request.user)
    now = timezone.now()
    rows = partner_referrals_for(request.user).select_related("category", "service", "unit")
    waiting = rows.filter(status=ReferralStatus.REQUESTED).order_by("due_at", "pk")
    serving = rows.filter(
        status__in=(ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.ON_HOLD)
    )
    done = rows.exclude(status__in=OPEN_STATUSES).order_by("-closed_at", "-pk")[:50]
    return render(
        request,
        "referrals/partner_list.html",
        {
            "organization": organization,
            "waiting": _rows(waiting, now),
            "serving": serving.order_by("-requested_at", "pk"),
            "done": done,
            "badge": forms.STATUS_BADGE,
        },
    )


def _partner_page(
    request: HttpRequest, referral: Referral, move_form: forms.MoveForm | None = None
) -> HttpResponse:
    context = _detail_context(referral, Side.PARTNER, move_form)
    context["person"] = person_for_partner(referral, timezone.localdate())
    context["protected"] = referral.case is not None and protected_identity(referral.case.person)
    return render(request, "referrals/partner_detail.html", context)


@kinds_required(AccessKind.PARTNER)
@require_safe
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _partner_page(request, get_partner_referral_for(request.user, pk))


@kinds_required(AccessKind.PARTNER)
@require_POST
def partner_move(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_partner_referral_for(request.user, pk)
    return _move(request, referral, Side.PARTNER, "referrals:partner_detail", _partner_page)


def _private(response: HttpResponse) -> HttpResponse:
    """The link page carries its token: never cached, never sent on as a referrer."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """A partner without an account answers one referral, once, through the link it was given."""
    return _private(_answer(request, token))


def _answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = services.open_link(token)
    except services.LinkRefused as refused:
        return render(request, "referrals/link_refused.html", {"message": refused.message}, status=410)
    referral = found.referral
    # No account behind a link: the read is logged under the link, the token never (its path is redacted).
    record_read(None, referral, username=LINK_READER, detail={"link": found.pk})
    form = forms.LinkAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.answer_by_link(
                token,
                form.cleaned_data["to"],
                by_name=form.cleaned_data["by_name"],
                note=form.cleaned_data["note"],
            )
        except services.LinkRefused as refused:
            return render(request, "referrals/link_refused.html", {"message": refused.message}, status=410)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return render(request, "referrals/link_done.html", {"referral": moved})
    context = _detail_context(referral, Side.PARTNER)
    context.update(
        {
            "form": form,
            "person": person_for_partner(referral, timezone.localdate()),
            "expires": found.expires_at,
            "token": token,
        }
    )
    return render(request, "referrals/answer.html", context)
