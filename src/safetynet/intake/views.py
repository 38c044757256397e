"""The screening desk's pages: the queue, the report form for the phone line, the report and its decision."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safetynet.audit.services import record_listing
from safetynet.core import words
from safetynet.core.access import (
    cases_visible_to,
    get_report_for,
    kinds_required,
    persons_visible_to,
    protected_person_ids,
    reports_visible_to,
    staff_of,
)
from safetynet.core.dates import roc
from safetynet.core.errors import DomainError
from safetynet.domain import rocdate
from safetynet.domain.referral import mask_name
from safetynet.domain.triage import RuleSet
from safetynet.geo.forms import town_choices
from safetynet.geo.models import Town
from safetynet.intake import services
from safetynet.intake.facts import UNKNOWN_NAME, InvalidReport
from safetynet.intake.forms import (
    MAX_SUBJECTS,
    BaseSubjectFormSet,
    OverrideForm,
    ReportForm,
    SubjectForm,
    SubjectFormSet,
)
from safetynet.intake.models import Channel, Report, ReportSubject
from safetynet.intake.rules import current_rule_set
from safetynet.org.models import AccessKind
from safetynet.people.models import Person

QUEUE_KINDS = (AccessKind.SCREENER,)
QUEUE_PAGE = 50


def subject_label(subject: ReportSubject, position: int, *, masked: bool = False) -> str:
    """A subject as a person reads it: the name (masked for a protected identity), or the role and the
    place in the report when the caller gave no name (被害人1, 相對人2)."""
    name = subject.person.name.strip() if subject.person_id else ""
    if name and name != UNKNOWN_NAME:
        return mask_name(name) if masked else name
    role = words.subject_role_name(subject.role)
    return f"{role} {position}" if words.english() else f"{role}{position}"


# Reasons the services compose: an override's (篩派人員修改：why) and a route no unit serves.
_CHANGED = "篩派人員修改："
_NO_UNIT_RE = re.compile(r"^本縣市沒有承辦「(?P<route>.+)」的單位，請人工聯繫$")
_REASONS_SEPARATOR = "；"


def reason_text(text: str) -> str:
    """A route's or dispatch's reason in the language of the page: the rule set's reasons (several are
    joined with ；) through the terms list; what a screener typed stays as typed."""
    if not text or not words.english():
        return text
    if text.startswith(_CHANGED):
        return f"{words.term(_CHANGED[:-1])}: {text[len(_CHANGED) :]}"
    if match := _NO_UNIT_RE.match(text):
        return f"No unit of this county serves {words.term(match['route'])}: arrange it by hand"
    return "; ".join(words.term(part) for part in text.split(_REASONS_SEPARATOR))


def _labels(subjects: list[ReportSubject]) -> dict[str, str]:
    return {s.ref: subject_label(s, i) for i, s in enumerate(subjects, start=1)}


def _labelled(routes: list[dict[str, Any]], labels: dict[str, str] | None = None) -> list[dict[str, Any]]:
    return [
        {
            **r,
            "label": words.route_name(r["route"]),
            "who": (labels or {}).get(r["subject"], ""),
            "reason": reason_text(r.get("reason") or ""),
        }
        for r in routes
    ]


# --- the queue -----------------------------------------------------------------------------------------


class QueueSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("A name, a report number or a town")}),
    )
    screened = forms.BooleanField(label=gettext_lazy("Include screened reports"), required=False)


def _towns_named(text: str) -> list[str]:
    """Codes of the towns whose name, with or without their county, contains the text (台 read as 臺)."""
    wanted = text.replace("台", "臺").replace(" ", "")
    return [
        town.code
        for town in Town.objects.select_related("county")
        if wanted in town.full_name or wanted in town.county.name_en.replace(" ", "")
    ]


def _searched(reports: QuerySet[Report], text: str) -> QuerySet[Report]:
    found = Q(subjects__person__name__contains=text)
    if text.isdigit() and len(text) <= 12:
        found |= Q(pk=int(text))
    towns = _towns_named(text)
    if towns:
        found |= Q(subjects__town__in=towns)
    return reports.filter(pk__in=reports.filter(found).values("pk"))


@kinds_required(*QUEUE_KINDS)
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """Reports awaiting screening, the most urgent first, with the time left on the 24-hour clock; with
    who they name, where those persons live, and a search by name, report number or town."""
    now = timezone.now()
    form = QueueSearchForm(request.GET)
    valid = form.is_valid()
    text = (form.cleaned_data.get("q") or "").strip() if valid else ""
    screened = bool(valid and form.cleaned_data.get("screened"))
    reports = reports_visible_to(request.user)
    if not screened:
        reports = reports.filter(screening__isnull=True)
    if text:
        reports = _searched(reports, text)
    ordered = (
        reports.order_by("screening_due", "pk") if not screened else reports.order_by("-received_at", "-pk")
    )
    subjects = ReportSubject.objects.select_related("person", "town__county").order_by("pk")
    page = Paginator(
        ordered.select_related("screening").prefetch_related(Prefetch("subjects", queryset=subjects)),
        QUEUE_PAGE,
    ).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    person_ids = {s.person_id for report in shown for s in report.subjects.all()}
    # A sexual-assault victim's name is masked in the list, also for the desk that may read it: a list
    # is read over a shoulder, and the report page (a logged read) shows the name when it is needed.
    protected = set(
        protected_person_ids().filter(person_id__in=person_ids).values_list("person_id", flat=True)
    )
    rows = []
    for report in shown:
        hours_left = (report.screening_due - now).total_seconds() / 3600
        done = hasattr(report, "screening")
        rows.append(
            {
                "report": report,
                "hours_left": hours_left,
                "screened": done,
                "urgency": "ok" if done else "bad" if hours_left < 0 else "warn" if hours_left < 6 else "ok",
                "subjects": [
                    {
                        "label": subject_label(s, i, masked=s.person_id in protected),
                        "masked": s.person_id in protected,
                        "role": words.subject_role_name(s.role),
                        "types": words.type_names(s.types),
                        "town": s.town.full_name if s.town else "",
                    }
                    for i, s in enumerate(report.subjects.all(), start=1)
                ],
                # Waiting: what the rules suggest; screened: what was decided.
                "routes": _labelled(report.screening.routes if done else report.suggestion.get("routes", [])),
            }
        )
    record_listing(request.user, "intake.report", person_ids)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "intake/queue.html",
        {"rows": rows, "page": page, "form": form, "searched": bool(text), "query": query.urlencode()},
    )


# --- the report form -----------------------------------------------------------------------------------


@kinds_required(*QUEUE_KINDS)
@require_http_methods(["GET", "HEAD", "POST"])
def new_report(request: HttpRequest) -> HttpResponse:
    """The screening desk types a report in while on the phone: focus starts on the source, subjects are
    added one at a time, report types and towns are typed (`core/pickers.js`), Enter moves on."""
    rules = current_rule_set()
    staff = staff_of(request.user)
    area = staff.unit.county_id if staff else None
    towns = town_choices(area)
    now = timezone.localtime()
    data = request.POST if request.method == "POST" else None
    form = ReportForm(
        data, rules=rules, initial={"received_on": now.date(), "received_time": now.strftime("%H:%M")}
    )
    subject_kwargs: dict[str, Any] = {"rules": rules, "towns": towns}
    subjects = cast(BaseSubjectFormSet, SubjectFormSet(data, prefix="subjects", form_kwargs=subject_kwargs))
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
    shown = subjects.shown() or [SubjectForm(prefix=subjects.add_prefix(0), **subject_kwargs)]
    for number, subject in enumerate(shown, start=1):
        subject.summary_label = _("Subject %(n)s") % {"n": number}
    # One blank subject more, behind 「新增通報對象」 (up to the most a report may name); the page's
    # script adds the next ones from the template.
    slot = None
    if len(shown) < MAX_SUBJECTS:
        slot = SubjectForm(
            prefix=subjects.add_prefix(len(shown)),
            empty_permitted=True,
            use_required_attribute=False,
            **subject_kwargs,
        )
    return render(
        request,
        "intake/new.html",
        {
            "form": form,
            "subjects": subjects,
            "shown": shown,
            "slot": slot,
            "total": len(shown) + (1 if slot else 0),
        },
    )


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
    """Put each problem of the report document on the form field it came from, in the page's language."""
    top = {"received_at": "received_on", "source": "source", "narrative": "narrative", "reporter": "reporter"}
    for problem in error.problems:
        head, _dot, rest = problem.path.partition(".")
        if head.startswith("subjects[") and rest:
            position = int(head[len("subjects[") : -1])
            field = rest.split("[")[0]
            target = subjects.forms[indexes[position]]
            target.add_error(field if field in target.fields else None, problem.localized())
        else:
            form.add_error(top.get(head), problem.localized())


@kinds_required(*QUEUE_KINDS)
@require_safe
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
        found = list(people.select_related("town__county").order_by("pk")[:10])
        record_listing(request.user, "people.person", [p.pk for p in found])
    return render(request, "intake/_candidates.html", {"found": found, "prefix": prefix, "name": name})


# --- the report and its screening ---------------------------------------------------------------------


@kinds_required(*QUEUE_KINDS)
@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk)
    return _report_page(request, report)


def _override_form(
    report: Report, subjects: list[ReportSubject], rules: RuleSet, data: Any = None
) -> OverrideForm:
    routes = [(code, words.route_name(code)) for code in rules.codes.routes]
    return OverrideForm(
        data,
        subjects=subjects,
        labels=_labels(subjects),
        routes=routes,
        suggested=report.suggestion.get("routes", []),
    )


def _report_page(
    request: HttpRequest, report: Report, override: OverrideForm | None = None, status: int = 200
) -> HttpResponse:
    rules = current_rule_set()
    subjects = list(report.subjects.select_related("person", "town__county").order_by("pk"))
    labels = _labels(subjects)
    screening = getattr(report, "screening", None)
    dispatches: list[Any] = []
    if screening is not None:
        dispatches = list(
            screening.dispatches.select_related(
                "subject__person", "case__lead", "case__unit", "unit", "to_county"
            ).order_by("pk")
        )
    # The screening desk does not work the cases it dispatches: a case links where the reader may open it.
    case_ids = [d.case_id for d in dispatches if d.case_id]
    openable = set(cases_visible_to(request.user).filter(pk__in=case_ids).values_list("pk", flat=True))
    positions = {s.pk: i for i, s in enumerate(subjects, start=1)}
    rows = [
        {
            "dispatch": d,
            "who": subject_label(d.subject, positions.get(d.subject_id, 0)),
            "route": words.route_name(d.route),
            "outcome": words.term(d.get_outcome_display()),
            "reason": reason_text(d.reason),
            "linked": d.case_id in openable,
        }
        for d in dispatches
    ]
    if screening is None and override is None:
        override = _override_form(report, subjects, rules)
    return render(
        request,
        "intake/report.html",
        {
            "report": report,
            "subjects": [
                {
                    "subject": s,
                    "label": labels[s.ref],
                    "flags": words.joined(words.flag_name(flag) for flag in s.flags),
                }
                for s in subjects
            ],
            "suggested": _labelled(report.suggestion.get("routes", []), labels),
            "screening": screening,
            "rows": rows,
            "override": override,
            "override_open": override is not None and override.is_bound,
            "hours_left": (report.screening_due - timezone.now()).total_seconds() / 3600,
        },
        status=status,
    )


@kinds_required(*QUEUE_KINDS)
@require_POST
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the suggestion, or override it (the routes ticked per subject, with a reason)."""
    report = get_report_for(request.user, pk)
    action = request.POST.get("action")
    override: OverrideForm | None = None
    if action not in ("confirm", "override"):
        messages.error(request, _("Choose to confirm the suggestion or to override it."))
        return _report_page(request, report, status=400)
    choices, reason = None, ""
    if action == "override":
        subjects = list(report.subjects.select_related("person").order_by("pk"))
        override = _override_form(report, subjects, current_rule_set(), request.POST)
        if not override.is_valid():
            return _report_page(request, report, override, status=422)
        choices, reason = override.choices(), override.cleaned_data["reason"]
    try:
        services.screen_report(report, by=request.user, routes=choices, reason=reason)
    except services.AlreadyScreened as error:
        decided = error.screening
        messages.error(
            request,
            _("%(who)s screened this report already, at %(when)s.")
            % {"who": words.staff_name(decided.decided_by), "when": roc(decided.decided_at)},
        )
        return _report_page(request, get_report_for(request.user, pk), status=409)
    except DomainError as error:
        if override is None:
            messages.error(request, error.message)
        else:
            override.add_error(None, error.message)
        return _report_page(request, report, override, status=422)
    messages.success(request, _("Screened and dispatched."))
    return redirect("intake:report", pk=pk)
