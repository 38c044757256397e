"""The supervisor's view of the team: caseloads against the standard, overdue visits, closures to
approve, and the unit's supervision sessions (督導紀錄)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.forms import formset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from safetynet.audit.services import record_listing
from safetynet.cases import selectors, services
from safetynet.cases.lifecycle_forms import ClosureDecisionForm
from safetynet.cases.lifecycle_views import incoming_transfers
from safetynet.cases.models import Case, SupervisionKind
from safetynet.core import words
from safetynet.core.access import (
    CASE_KINDS,
    cases_visible_to,
    get_unit_for,
    kinds_required,
    require_kind,
    units_visible_to,
)
from safetynet.core.forms import ModelMultipleChoiceField, ROCDateField, submitted
from safetynet.domain import rocdate
from safetynet.domain.clocks import add_months
from safetynet.org.models import AccessKind, Staff, Unit
from safetynet.referrals.selectors import overdue_referrals

TEAM_KINDS = (AccessKind.SUPERVISOR, AccessKind.MANAGER)


def _team_unit(request: HttpRequest) -> Unit:
    """A supervisor's own unit; a manager's choice (?unit=) among the units of their county."""
    staff = require_kind(request.user, TEAM_KINDS)
    wanted = request.GET.get("unit", "")
    if not wanted:
        return staff.unit
    if not wanted.isdigit():
        raise Http404
    if staff.role.kind == AccessKind.SUPERVISOR and int(wanted) != staff.unit_id:
        raise Http404
    return get_unit_for(request.user, int(wanted))


@kinds_required(*TEAM_KINDS)
@require_safe
def team(request: HttpRequest) -> HttpResponse:
    """Each worker's open cases against their role's standard, overdue visits, closures to approve."""
    staff = require_kind(request.user, TEAM_KINDS)
    unit = _team_unit(request)
    now = timezone.now()
    roles = selectors.team_load(unit, timezone.localdate(), now)
    is_supervisor = staff.role.kind == AccessKind.SUPERVISOR
    # Closures name the person: only the unit's supervisors, who may open the case, see them.
    closures = list(selectors.pending_closures(cases_visible_to(request.user))) if is_supervisor else None
    transfers = list(incoming_transfers(request.user)) if is_supervisor else None
    # Referrals of the unit a partner has not answered in time (names: the supervisors only).
    late = list(overdue_referrals(unit, now)) if is_supervisor else None
    named: list[Any] = [*(closures or []), *(transfers or []), *(late or [])]
    record_listing(request.user, "cases.case", [item.case.person_id for item in named if item.case])
    # Closures and re-reports after them over the rule set's re-report window (DOMAIN §5).
    months = words.rule_set().rereport_window_months
    since = add_months(now, -months)
    context = {
        "unit": unit,
        "roles": roles,
        "is_supervisor": is_supervisor,
        "closures": closures,
        # Each closure with its own decision forms (ids of their own on a page of several).
        "closure_decisions": [(closure, ClosureDecisionForm(closure=closure)) for closure in closures or []],
        "transfers": transfers,
        "waiting": selectors.waiting_cases(unit),
        "overdue_total": sum(r.overdue_visits for r in roles),
        "closed_recently": selectors.closed_since(unit, since),
        "rereported": selectors.rereports_after_closure(unit, since),
        "rereport_months": months,
        "units": None if is_supervisor else units_visible_to(request.user).order_by("kind", "name"),
        "overdue_referrals": late,
    }
    return render(request, "cases/team.html", context)


# --- supervision sessions ----------------------------------------------------------------------------


class StaffChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.role.name}）"


class SupervisionForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=SupervisionKind.choices, widget=forms.RadioSelect
    )
    held_on = ROCDateField(label=gettext_lazy("Date"))
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes"), min_value=1, max_value=24 * 60, required=False
    )
    supervisor_name = forms.CharField(label=gettext_lazy("Supervisor"), max_length=60)
    attendees = StaffChoiceField(
        label=gettext_lazy("Attendees"), queryset=Staff.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = Staff.objects.filter(unit=unit).active_on(timezone.localdate()).select_related("role")
        field = self.fields["attendees"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - narrows the type
        field.queryset = staff.order_by("role_id", "name")

    def clean_held_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class CaseNoteForm(forms.Form):
    case = forms.TypedChoiceField(label=gettext_lazy("Case"), coerce=int, required=False, empty_value=None)
    note = forms.CharField(
        label=gettext_lazy("Supervisor's advice"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, case_choices: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["case"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - narrows the type
        field.choices = [("", "—"), *case_choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("note", "").strip() and not data.get("case"):
            self.add_error("case", _("Choose the case this note is about."))
        return data


class BaseCaseNoteFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            pk = form.cleaned_data.get("case")
            if pk is None:
                continue
            if pk in seen:
                form.add_error("case", _("This case is already in the list."))
            seen.add(pk)


CaseNoteFormSet = formset_factory(CaseNoteForm, formset=BaseCaseNoteFormSet, extra=3, max_num=30)


def _open_cases(unit: Unit) -> dict[int, Case]:
    rows = (
        Case.objects.open().filter(unit=unit).select_related("person", "lead").order_by("person__name", "pk")
    )
    return {c.pk: c for c in rows}


@kinds_required(*CASE_KINDS)
@require_safe
def supervision(request: HttpRequest) -> HttpResponse:
    """The unit's supervision sessions, with the 內督 and 外督 counted per year."""
    staff = require_kind(request.user, CASE_KINDS)
    sessions = list(selectors.supervision_sessions(staff.unit))
    discussed = {note.case_id for s in sessions for note in s.case_notes.all()}
    visible = set(cases_visible_to(request.user).filter(pk__in=discussed).values_list("pk", flat=True))
    rows = [
        (s, [note.case for note in s.case_notes.all() if note.case_id in visible], s.case_notes.all())
        for s in sessions
    ]
    record_listing(request.user, "cases.case", [case.person_id for _s, shown, _n in rows for case in shown])
    return render(
        request,
        "cases/supervision_list.html",
        {
            "unit": staff.unit,
            "rows": rows,
            "counts": selectors.supervision_counts(staff.unit),
            "may_record": staff.role.kind == AccessKind.SUPERVISOR,
        },
    )


@kinds_required(AccessKind.SUPERVISOR)
@require_http_methods(["GET", "HEAD", "POST"])
def supervision_new(request: HttpRequest) -> HttpResponse:
    staff = require_kind(request.user, (AccessKind.SUPERVISOR,))
    unit = staff.unit
    cases = _open_cases(unit)
    choices = [
        (pk, f"{c.person.name} · {c.route} · {c.lead.name if c.lead else '—'}") for pk, c in cases.items()
    ]
    data = request.POST if request.method == "POST" else None
    form = SupervisionForm(
        data, unit=unit, initial={"kind": SupervisionKind.INTERNAL, "supervisor_name": staff.name}
    )
    notes = CaseNoteFormSet(data, prefix="cases", form_kwargs={"case_choices": choices})

    def save(cleaned: dict[str, Any]) -> str:
        discussed = [
            services.CaseNote(cases[f.cleaned_data["case"]], f.cleaned_data.get("note", ""))
            for f in notes.forms
            if f.cleaned_data.get("case")
        ]
        session = services.record_supervision(
            unit=unit,
            kind=cleaned["kind"],
            held_on=cleaned["held_on"],
            supervisor_name=cleaned["supervisor_name"],
            attendees=cleaned["attendees"],
            cases=discussed,
            minutes=cleaned["minutes"],
            notes=cleaned["notes"],
            by=request.user,
        )
        return _("Supervision session of %(day)s recorded.") % {
            "day": rocdate.format(session.held_on, "slash")
        }

    if data is not None and form.is_valid() and notes.is_valid() and submitted(request, form, save):
        return redirect(reverse("cases:supervision"))
    return render(request, "cases/supervision_form.html", {"form": form, "notes": notes, "unit": unit})
