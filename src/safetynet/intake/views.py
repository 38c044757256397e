from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safetynet.core.access import (
    get_report_for,
    kinds_required,
    persons_visible_to,
    reports_visible_to,
    staff_of,
)
from safetynet.core.errors import DomainError
from safetynet.domain import rocdate
from safetynet.domain.triage import RuleSet
from safetynet.intake import services
from safetynet.intake.facts import InvalidReport
from safetynet.intake.forms import ReportForm, SubjectFormSet, town_choices
from safetynet.intake.models import Channel, Report
from safetynet.intake.rules import current_rule_set
from safetynet.org.models import AccessKind
from safetynet.people.models import Person

QUEUE_KINDS = (AccessKind.SCREENER,)


def _labelled(routes: list[dict[str, Any]], rules: RuleSet) -> list[dict[str, Any]]:
    return [{**r, "label": rules.codes.routes.get(r["route"], r["route"])} for r in routes]


@kinds_required(*QUEUE_KINDS)
def queue(request: HttpRequest) -> HttpResponse:
    """Reports awaiting screening, the most urgent first, with the time left on the 24-hour clock."""
    now = timezone.now()
    rules = current_rule_set()
    codes = rules.codes
    reports = (
        reports_visible_to(request.user)
        .filter(screening__isnull=True)
        .prefetch_related("subjects")
        .order_by("screening_due")[:200]
    )
    rows = []
    for report in reports:
        hours_left = (report.screening_due - now).total_seconds() / 3600
        rows.append(
            {
                "report": report,
                "hours_left": hours_left,
                "urgency": "bad" if hours_left < 0 else "warn" if hours_left < 6 else "ok",
                "source": codes.sources.get(report.source, report.source),
                "subjects": [
                    (s.get_role_display(), "、".join(codes.types.get(t, t) for t in s.types))
                    for s in report.subjects.all()
                ],
                "routes": _labelled(report.suggestion.get("routes", []), rules),
            }
        )
    return render(request, "intake/queue.html", {"rows": rows, "now": now})


@kinds_required(*QUEUE_KINDS)
def new_report(request: HttpRequest) -> HttpResponse:
    """The screening desk types a report in: one form, the subjects below it, Tab from field to field."""
    rules = current_rule_set()
    staff = staff_of(request.user)
    area = staff.unit.county_id if staff else None
    towns = town_choices(area)
    now = timezone.localtime()
    data = request.POST if request.method == "POST" else None
    form = ReportForm(
        data, rules=rules, initial={"received_on": now.date(), "received_time": now.strftime("%H:%M")}
    )
    subjects = SubjectFormSet(data, prefix="subjects", form_kwargs={"rules": rules, "towns": towns})
    if data is not None and form.is_valid() and subjects.is_valid():
        filled = [(i, f.cleaned_data) for i, f in enumerate(subjects.forms) if f.cleaned_data]
        document = {
            "received_at": form.received_at().isoformat(),
            "area": area,
            "source": form.cleaned_data["source"],
            "narrative": form.cleaned_data["narrative"],
            "reporter": form.cleaned_data["reporter"],
            "subjects": [_subject_json(i, s) for i, s in filled],
        }
        chosen = _chosen_persons(request, filled)
        try:
            received = services.receive_report(document, by=request.user, channel=Channel.WEB, persons=chosen)
        except InvalidReport as error:
            _show_problems(error, form, subjects, [i for i, _s in filled])
        else:
            messages.success(request, _("Report %(id)s recorded.") % {"id": received.report.pk})
            return redirect("intake:report", pk=received.report.pk)
    return render(request, "intake/new.html", {"form": form, "subjects": subjects})


def _subject_json(i: int, s: dict[str, Any]) -> dict[str, Any]:
    subject: dict[str, Any] = {
        "ref": f"s{i + 1}",
        "role": s["role"],
        "types": s["types"],
        "flags": s["flags"],
    }
    if s["town"]:
        subject["town"] = s["town"]
    for key in ("name", "national_id"):
        if s[key]:
            subject[key] = s[key]
    if s["birth_date"]:
        subject["birth_date"] = s["birth_date"].isoformat()
    if s["tipvda_score"] is not None:
        subject["tipvda_score"] = s["tipvda_score"]
    return subject


def _chosen_persons(request: HttpRequest, filled: list[tuple[int, dict[str, Any]]]) -> dict[str, Person]:
    """Persons the screener picked among the name + birth-date candidates (only ones they may see)."""
    picked = {f"s{i + 1}": s["person"] for i, s in filled if s.get("person")}
    found = persons_visible_to(request.user).in_bulk(list(picked.values()))
    return {ref: found[pk] for ref, pk in picked.items() if pk in found}


def _show_problems(error: InvalidReport, form: ReportForm, subjects: Any, indexes: list[int]) -> None:
    """Put each problem of the report document on the form field it came from."""
    top = {"received_at": "received_on", "source": "source", "narrative": "narrative", "reporter": "reporter"}
    for problem in error.problems:
        head, _dot, rest = problem.path.partition(".")
        if head.startswith("subjects[") and rest:
            position = int(head[len("subjects[") : -1])
            field = rest.split("[")[0]
            target = subjects.forms[indexes[position]]
            target.add_error(field if field in target.fields else None, problem.message)
        else:
            form.add_error(top.get(head), problem.message)


@kinds_required(*QUEUE_KINDS)
@require_GET
def candidates(request: HttpRequest) -> HttpResponse:
    """HTMX: persons on record with the typed name and birth date, to pick instead of a new record."""
    prefix = request.GET.get("prefix", "")
    name = request.GET.get(f"{prefix}-name", "").strip()
    birth = request.GET.get(f"{prefix}-birth_date", "").strip()
    found: list[Person] = []
    if name:
        people = persons_visible_to(request.user).filter(name=name)
        if birth:
            try:
                people = people.filter(birth_date=rocdate.parse(birth))
            except ValueError:
                people = people.none()
        found = list(people.select_related("town").order_by("pk")[:10])
    return render(request, "intake/_candidates.html", {"found": found, "prefix": prefix, "name": name})


@kinds_required(*QUEUE_KINDS)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk)
    return _report_page(request, report)


def _report_page(request: HttpRequest, report: Report, reason: str = "", status: int = 200) -> HttpResponse:
    rules = current_rule_set()
    subjects = list(report.subjects.select_related("person", "town"))
    suggested = _labelled(report.suggestion.get("routes", []), rules)
    screening = getattr(report, "screening", None)
    override = [
        {
            "subject": s,
            "routes": [
                {
                    "code": code,
                    "label": label,
                    "checked": any(r["subject"] == s.ref and r["route"] == code for r in suggested),
                    "priority": next(
                        (r["priority"] for r in suggested if r["subject"] == s.ref and r["route"] == code),
                        None,
                    ),
                }
                for code, label in rules.codes.routes.items()
            ],
        }
        for s in subjects
    ]
    dispatches = (
        screening.dispatches.select_related("subject", "case__lead", "unit", "to_county") if screening else []
    )
    return render(
        request,
        "intake/report.html",
        {
            "report": report,
            "subjects": subjects,
            "suggested": suggested,
            "screening": screening,
            "final": _labelled(screening.routes, rules) if screening else [],
            "dispatches": dispatches,
            "override": override,
            "reason": reason,
            "source": rules.codes.sources.get(report.source, report.source),
            "types": rules.codes.types,
            "flags": rules.codes.flags,
            "hours_left": (report.screening_due - timezone.now()).total_seconds() / 3600,
        },
        status=status,
    )


@kinds_required(*QUEUE_KINDS)
@require_POST
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the suggestion, or override it (the routes ticked per subject, with a reason)."""
    report = get_report_for(request.user, pk)
    reason = request.POST.get("reason", "")
    choices = None
    if request.POST.get("action") == "override":
        choices = []
        for subject in report.subjects.all():
            for code in request.POST.getlist(f"route-{subject.ref}"):
                raw = request.POST.get(f"priority-{subject.ref}-{code}", "")
                choices.append(
                    services.RouteChoice(subject.ref, code, int(raw) if raw in ("1", "2") else None)
                )
    try:
        services.screen_report(report, by=request.user, routes=choices, reason=reason)
    except DomainError as error:
        messages.error(request, error.message)
        status = 409 if isinstance(error, services.AlreadyScreened) else 422
        return _report_page(request, get_report_for(request.user, pk), reason=reason, status=status)
    messages.success(request, _("Screened and dispatched."))
    return redirect("intake:report", pk=pk)
