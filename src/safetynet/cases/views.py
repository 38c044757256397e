"""The worker's side of a case: its page, contacts and scored assessments, the clocks board."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safetynet.audit.services import record_listing
from safetynet.cases import forms, services
from safetynet.cases.family import Reach, family_of, tel_href
from safetynet.cases.lifecycle_views import panel_context
from safetynet.cases.models import (
    OPEN_STATUSES,
    Assessment,
    Case,
    Clock,
    Contact,
    ContactRevision,
)
from safetynet.cases.services.common import FIRST_VISIT_CLOCKS
from safetynet.core.access import (
    CASE_KINDS,
    break_glass_writes_allowed,
    cases_visible_to,
    check_case_work,
    clocks_visible_to,
    get_case_for,
    get_case_for_work,
    kinds_required,
    opening_of,
    record_case_person_read,
)
from safetynet.core.dates import roc
from safetynet.core.errors import DomainError
from safetynet.core.forms import roc_date_problem
from safetynet.domain import instruments, rocdate
from safetynet.domain.clocks import ClockState, clock_state
from safetynet.domain.instruments import tipvda
from safetynet.org.models import AccessKind
from safetynet.referrals.forms import STATUS_BADGE

CLOCK_KINDS = (AccessKind.SCREENER, *CASE_KINDS)
# Clocks that ask for a visit: the report's first visit while it runs, then the visit plan's.
VISIT_CLOCKS = ("visit", *FIRST_VISIT_CLOCKS)
RISK_BADGE = {"high": "bad", "medium": "warn", "low": "ok"}
BSRS5_PREFIX = "bsrs5"
STATE_LABEL = {
    ClockState.OVERDUE: gettext_lazy("Overdue"),
    ClockState.DUE: gettext_lazy("Due"),
    ClockState.MET_LATE: gettext_lazy("Met late"),
    ClockState.MET_ON_TIME: gettext_lazy("Met on time"),
}
STATE_BADGE = {
    ClockState.DUE: "ok",
    ClockState.OVERDUE: "bad",
    ClockState.MET_ON_TIME: "ok",
    ClockState.MET_LATE: "warn",
}


@dataclass(frozen=True)
class Entry:
    """One line of the case's timeline: a contact, an assessment or a report, own or of a co-case."""

    kind: str  # contact | assessment | report
    at: datetime.datetime
    record: Any
    own: bool  # recorded on this case (a co-case's records are shown, not marked from here)
    route: str


def next_visit(case: Case) -> Clock | None:
    """The running clock that asks for the case's next visit: the first visit while it runs, else the plan's."""
    return Clock.objects.running().filter(case=case, name__in=VISIT_CLOCKS).order_by("due_at").first()


def timeline(case: Case, cocases: list[Case]) -> list[Entry]:
    """Contacts, assessments and reports, newest first; a co-case on the same person shares its records.
    A corrected contact brings the versions it replaced (`revisions`), newest first."""
    routes = {case.pk: case.route} | {c.pk: c.route for c in cocases if c.person_id == case.person_id}
    contacts = (
        Contact.objects.filter(case_id__in=routes)
        .select_related("by__staff")
        .prefetch_related(Prefetch("revisions", queryset=ContactRevision.objects.order_by("-version")))
    )
    entries = [
        Entry("contact", c.occurred_at, c, c.case_id == case.pk, routes[c.case_id])
        for c in cast("QuerySet[Contact]", contacts)
    ]
    entries += [
        Entry("assessment", a.assessed_at, a, a.case_id == case.pk, routes[a.case_id])
        for a in cast(
            "QuerySet[Assessment]", Assessment.objects.filter(case_id__in=routes).select_related("by__staff")
        )
    ]
    entries += [
        Entry("report", link.report.received_at, link, True, case.route)
        for link in case.reports.select_related("report")
    ]
    return sorted(entries, key=lambda e: (e.at, e.kind), reverse=True)


LAST_CONTACTS = 3  # the visit sheet's "last contacts": enough to pick up where the last one left off


@kinds_required(*CASE_KINDS)
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case as the sheet of a home visit: where the person lives and how to call them, who lives with
    them, the family's other cases and whom to call about each, the last contacts, the next visit; then
    the case's course, clocks and whole timeline."""
    case = get_case_for(request.user, pk)
    # The page shows the person's own address and phones: their read, beside the case's.
    record_case_person_read(request.user, case)
    now = timezone.now()
    today = timezone.localdate(now)
    all_clocks = list(case.clocks.order_by("due_at", "pk"))
    clocks = [(c, c.state(now)) for c in all_clocks if c.cancelled_at is None]
    family = family_of(request.user, case, today)
    record_listing(request.user, "people.person", family.named_persons())
    visit = next_visit(case)
    entries = timeline(case, family.cocases)
    context: dict[str, Any] = {
        "case": case,
        "person": case.person,
        "age": case.person.age_on(today),
        "phones": [(phone, tel_href(phone)) for phone in case.person.phone_list],
        "family": family,
        "reach": Reach(case.unit.phone, case.lead.phone_extension if case.lead else "")
        if case.unit.phone
        else None,
        "last_contacts": [e for e in entries if e.kind == "contact" and e.record.entered_in_error_at is None][
            :LAST_CONTACTS
        ],
        "clocks": clocks,
        "replaced": [c for c in all_clocks if c.cancelled_at is not None],
        "co_workers": list(case.co_workers.all()),
        "visit": visit,
        "visit_state": visit.state(now) if visit else None,
        "timeline": entries,
        "editable": {
            e.record.pk
            for e in entries
            if e.kind == "contact" and e.own and case.is_open and e.record.editable_by(request.user, now)
        },
        "instruments": instruments.names(get_language()),
        "badge": STATE_BADGE,
        "labels": STATE_LABEL,
        "risk_badge": RISK_BADGE,
        "referral_badge": STATUS_BADGE,
        "referrals": [
            (r, r.overdue(now))
            for r in case.referrals.select_related("organization", "category").order_by("-created_at")
        ],
    }
    opening = opening_of(request.user, case)
    context["opening"] = opening
    context["reading_only"] = opening is not None and not break_glass_writes_allowed()
    context.update(panel_context(request.user, case))
    return render(request, "cases/detail.html", context)


@kinds_required(*CLOCK_KINDS)
@require_safe
def clock_board(request: HttpRequest) -> HttpResponse:
    """The unit's clocks: due, overdue, met on time, met late (DOMAIN §5), the most urgent first.

    A cancelled clock asks for nothing (the plan moved, the case closed): it is not on the board. Nor is
    a clock still running on a case closed or found not to need one (未成案): closing cancels them, but
    a case closed before it did may have kept some. What was met stays, as the unit's record."""
    now = timezone.now()
    wanted = request.GET.get("state", "")
    clocks = (
        clocks_visible_to(request.user)
        .filter(due_at__gte=now - datetime.timedelta(days=365), cancelled_at__isnull=True)
        .filter(Q(met_at__isnull=False) | Q(case__isnull=True) | Q(case__status__in=OPEN_STATUSES))
    )
    # Every clock's state from two columns, so the counts are whole; then the rows shown, loaded once.
    states = [
        (pk, due, clock_state(due, met, now)) for pk, due, met in clocks.values_list("pk", "due_at", "met_at")
    ]
    counts = Counter(state for _pk, _due, state in states)
    order = {ClockState.OVERDUE: 0, ClockState.DUE: 1, ClockState.MET_LATE: 2, ClockState.MET_ON_TIME: 3}
    chosen = sorted((order[st], due, pk) for pk, due, st in states if not wanted or st == wanted)[:300]
    loaded = Clock.objects.select_related("case__person", "case__lead", "report").in_bulk(
        [pk for *_, pk in chosen]
    )
    shown = [(loaded[pk], loaded[pk].state(now)) for *_, pk in chosen]
    # A case transferred away keeps its met clocks here, but opens only for its new unit: no dead link.
    openable = set(
        cases_visible_to(request.user)
        .filter(pk__in={c.case_id for c, _s in shown if c.case_id})
        .values_list("pk", flat=True)
    )
    record_listing(request.user, "cases.case", [c.case.person_id for c, _s in shown if c.case])
    return render(
        request,
        "cases/clocks.html",
        {
            "rows": shown,
            "openable": openable,
            "counts": [(s.value, STATE_LABEL[s], counts[s]) for s in order],
            "labels": STATE_LABEL,
            "wanted": wanted,
            "now": now,
            "badge": STATE_BADGE,
        },
    )


@kinds_required(*CASE_KINDS)
@require_POST
def clock_met(request: HttpRequest, pk: int) -> HttpResponse:
    clock = get_object_or_404(clocks_visible_to(request.user).filter(case__isnull=False), pk=pk)
    assert clock.case_id is not None  # noqa: S101 - narrows the type for mypy
    check_case_work(request.user, clock.case_id)
    try:
        day = rocdate.parse(request.POST.get("met_on", ""))
        at = timezone.make_aware(datetime.datetime.combine(day, _time(request.POST.get("met_time", ""))))
        services.meet_clock(clock, at=at, by=request.user)
    except ValueError as error:
        messages.error(request, _("Completion date: %(error)s") % {"error": roc_date_problem(error)})
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recorded: %(label)s") % {"label": clock.label})
    return redirect("cases:detail", pk=clock.case_id)


def _time(text: str) -> datetime.time:
    text = text.strip()
    if not text:
        return timezone.localtime().time().replace(second=0, microsecond=0)
    try:
        return datetime.time.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(_("time like 14:30")) from exc


# --- the worker's records: contacts, assessments, entered in error ------------------------------------

# Where a service's complaint about a contact goes on the form.
CONTACT_FIELDS = {
    "kind": "kind",
    "minutes": "minutes",
    "occurred_at": "day",
    "assessed_at": "day",
    "place": "place",
    "with_whom": "with_whom",
}


def _next_visit_text(case: Case) -> str:
    visit = next_visit(case)
    if visit is None:
        return _("No visit is scheduled now.")
    return _("Next visit due %(due)s.") % {"due": roc(visit.due_at)}


def _bsrs5_form(data: Any) -> forms.Bsrs5Form:
    """The contact form's BSRS-5 block: bound only when the worker answered something in it."""
    bound = forms.Bsrs5Form(data, prefix=BSRS5_PREFIX) if data is not None else None
    return bound if bound is not None and bound.has_any() else forms.Bsrs5Form(prefix=BSRS5_PREFIX)


@kinds_required(*CASE_KINDS)
@require_http_methods(["GET", "HEAD", "POST"])
def contact_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a contact, with a BSRS-5 taken during it if the worker filled one in: both or neither."""
    case = get_case_for_work(request.user, pk)
    data = request.POST if request.method == "POST" else None
    form = forms.ContactForm(data)
    bsrs = _bsrs5_form(data)
    if data is not None:
        valid = form.is_valid()
        if bsrs.is_bound and not bsrs.is_valid():
            valid = False
        if valid:
            try:
                with transaction.atomic():
                    at = form.at()
                    contact = services.record_contact(case, occurred_at=at, by=request.user, **form.details())
                    if bsrs.is_bound:
                        services.record_assessment(
                            case,
                            instrument="bsrs5",
                            answers=bsrs.answers(),
                            assessed_at=at,
                            by=request.user,
                            contact=contact,
                        )
            except DomainError as error:
                if error.field == "answers":
                    bsrs.add_error(None, error.message)
                else:
                    form.add_error(CONTACT_FIELDS.get(error.field or ""), error.message)
            else:
                messages.success(request, _("Contact recorded.") + " " + _next_visit_text(case))
                return redirect("cases:detail", pk=case.pk)
    return _contact_page(request, case, form, bsrs=bsrs, preview=_preview(case, bsrs))


def _contact_page(request: HttpRequest, case: Case, form: forms.ContactForm, **more: Any) -> HttpResponse:
    """The contact form: a new contact (with the BSRS-5 beside it), or a correction (`contact`)."""
    return render(
        request,
        "cases/contact_form.html",
        {"case": case, "form": form, "quick_minutes": forms.QUICK_MINUTES, "visit": next_visit(case), **more},
    )


def _own_contact(request: HttpRequest, pk: int, record: int) -> tuple[Case, Contact]:
    """The case and a contact of it that the user recorded: anyone else's is as missing (404)."""
    case = get_case_for_work(request.user, pk)
    contact = cast(
        Contact, get_object_or_404(Contact.objects.select_related("by__staff"), case=case, pk=record)
    )
    if contact.by_id != request.user.pk:
        raise Http404
    return case, contact


@kinds_required(*CASE_KINDS)
@require_http_methods(["GET", "HEAD", "POST"])
def contact_edit(request: HttpRequest, pk: int, record: int) -> HttpResponse:
    """Its author corrects a contact within a day of recording it; the earlier version is kept."""
    case, contact = _own_contact(request, pk, record)
    if request.method == "GET":
        if not (case.is_open and contact.editable_by(request.user, timezone.now())):
            messages.error(request, _not_editable(case, contact))
            return redirect("cases:detail", pk=case.pk)
        form = forms.ContactEditForm(initial=forms.ContactEditForm.initial_for(contact))
    else:
        form = forms.ContactEditForm(request.POST)
        if form.is_valid():
            try:
                services.edit_contact(
                    contact,
                    version=form.cleaned_data["version"],
                    occurred_at=form.at_or_stored(contact),
                    by=request.user,
                    **form.details(),
                )
            except services.ContactEditConflict as conflict:
                return _contact_conflict(request, case, conflict)
            except DomainError as error:
                form.add_error(CONTACT_FIELDS.get(error.field or ""), error.message)
            else:
                messages.success(request, _("Contact corrected.") + " " + _next_visit_text(case))
                return redirect("cases:detail", pk=case.pk)
    return _contact_page(request, case, form, contact=contact)


def _not_editable(case: Case, contact: Contact) -> str:
    if contact.entered_in_error_at is not None:
        return _("This contact is marked entered in error: it cannot be corrected.")
    if not case.is_open:
        return _("The case is closed: reopen it before correcting its records.")
    return _(
        "More than 24 hours have passed since this contact was recorded: it can no longer be corrected. "
        "If it is wrong, mark it entered in error and record it again."
    )


def _contact_conflict(
    request: HttpRequest, case: Case, conflict: services.ContactEditConflict
) -> HttpResponse:
    """The version saved meanwhile beside the one typed, which now names the saved version: saving it
    again replaces the saved one knowingly (and keeps it as a revision)."""
    theirs = conflict.contact
    data = request.POST.copy()
    data["version"] = str(theirs.version)
    return render(
        request,
        "cases/contact_conflict.html",
        {
            "case": case,
            "theirs": theirs,
            "form": forms.ContactEditForm(data),
            "quick_minutes": forms.QUICK_MINUTES,
            "message": conflict.message,
        },
        status=409,
    )


def _answers_form(instrument: str) -> type[forms.AnswersForm]:
    form = forms.ANSWER_FORMS.get(instrument)
    if form is None:
        raise Http404
    return form


def _preview(case: Case, form: forms.AnswersForm) -> dict[str, Any]:
    """The score and its meaning for the answers so far, never saved; a wrong answer shows, never a 500."""
    context: dict[str, Any] = {
        "instrument": form.instrument,
        "name": instruments.name(form.instrument, get_language()),
        "answered": form.answered() if form.is_bound else 0,
        "items": len(form.answer_names()),
        "so_far": form.running_total() if form.is_bound else None,
        "result": None,
        "error": "",
        "note": "",
    }
    if isinstance(form, forms.TipvdaForm):
        female = case.person.sex == "F"
        if tipvda.reference_only(female, intimate=not form.not_intimate()):
            context["note"] = tipvda.wording(get_language())["reference_only_note"]
    if not form.is_bound or not form.is_complete():
        return context
    if not form.is_valid():
        context["error"] = next(iter(e for errors in form.errors.values() for e in errors), "")
        return context
    try:
        context["result"] = services.score(form.instrument, form.answers())
        context["label"] = instruments.label(context["result"], get_language())
    except ValueError as error:
        context["error"] = str(error)
    return context


@kinds_required(*CASE_KINDS)
@require_http_methods(["GET", "HEAD", "POST"])
def assessment_new(request: HttpRequest, pk: int, instrument: str) -> HttpResponse:
    case = get_case_for_work(request.user, pk)
    form_class = _answers_form(instrument)
    data = request.POST if request.method == "POST" else None
    when = forms.WhenForm(data)
    answers = form_class(data)
    if data is not None:
        valid = when.is_valid()
        if not answers.is_valid():
            valid = False
        if valid:
            try:
                assessment = services.record_assessment(
                    case,
                    instrument=instrument,
                    answers=answers.answers(),
                    assessed_at=when.at(),
                    by=request.user,
                )
            except DomainError as error:
                if error.field == "assessed_at":
                    when.add_error("day", error.message)
                else:
                    answers.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Assessment recorded: %(label)s.")
                    % {"label": instruments.label(assessment.result, get_language())}
                    + " "
                    + _next_visit_text(case),
                )
                return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/assessment_form.html",
        {
            "case": case,
            "instrument": instrument,
            "name": instruments.name(instrument, get_language()),
            "when": when,
            "form": answers,
            "preview": _preview(case, answers),
        },
    )


@kinds_required(*CASE_KINDS)
@require_POST
def assessment_preview(request: HttpRequest, pk: int, instrument: str) -> HttpResponse:
    """The result partial for the answers posted so far (HTMX, on every change); nothing is saved."""
    case = get_case_for(request.user, pk)
    form_class = _answers_form(instrument)
    prefix = BSRS5_PREFIX if request.POST.get("_prefix") == BSRS5_PREFIX and instrument == "bsrs5" else None
    form = form_class(request.POST, prefix=prefix)
    return render(request, "cases/_assessment_result.html", {"preview": _preview(case, form)})


def _mark_error(request: HttpRequest, case: Case, record: Contact | Assessment) -> HttpResponse:
    form = forms.ErrorForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the record is wrong."))
    else:
        try:
            services.mark_entered_in_error(record, reason=form.cleaned_data["reason"], by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Marked as entered in error.") + " " + _next_visit_text(case))
    return redirect("cases:detail", pk=case.pk)


@kinds_required(*CASE_KINDS)
@require_POST
def contact_error(request: HttpRequest, pk: int, record: int) -> HttpResponse:
    case = get_case_for_work(request.user, pk)
    return _mark_error(request, case, get_object_or_404(Contact, case=case, pk=record))


@kinds_required(*CASE_KINDS)
@require_POST
def assessment_error(request: HttpRequest, pk: int, record: int) -> HttpResponse:
    case = get_case_for_work(request.user, pk)
    return _mark_error(request, case, get_object_or_404(Assessment, case=case, pk=record))
