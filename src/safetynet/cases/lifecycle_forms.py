"""Forms of the case's course: status moves, the service plan, co-workers, closure, reopening, transfer.

They only check the shape of the input; the services decide what is allowed and their `DomainError`
lands on the field it names (`apply_domain_error`). Reasons and notes are text areas: Enter there starts
a new line and never sends a decision by accident.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import CASE_STATUS_LABELS, Case, Closure, ClosureReason
from safetynet.cases.services import CLOSURE_CHECKLIST
from safetynet.cases.services.lifecycle import WORKER_MOVES
from safetynet.core import words
from safetynet.core.forms import ModelChoiceField, ModelMultipleChoiceField, ROCDateField
from safetynet.org.models import AccessKind, Staff, Unit, UnitKind

# Units that carry cases: a case can be handed to one of these, in any county.
CASE_UNIT_KINDS = (UnitKind.FPC, UnitKind.SWC, UnitKind.MHC, UnitKind.DPC, UnitKind.YAC, UnitKind.EDU)
CONFIRMED = "yes"


def _reason_field(label: Any, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=300, required=required, widget=forms.Textarea(attrs={"rows": 2})
    )


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(min_value=1, widget=forms.HiddenInput)


def caseworkers_of(unit_id: int) -> QuerySet[Staff]:
    """The unit's case workers employed today, by name."""
    return (
        Staff.objects.filter(unit_id=unit_id, role__kind=AccessKind.CASEWORKER)
        .active_on(timezone.localdate())
        .select_related("role")
        .order_by("name", "pk")
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[])
    reason = _reason_field(_("Reason"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [(s.value, CASE_STATUS_LABELS[s]) for s in WORKER_MOVES]


class PlanForm(forms.Form):
    version = _version_field()
    plan_goals = forms.CharField(
        label=_("Goals"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    plan_tasks = forms.CharField(
        label=_("Tasks"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    plan_review_on = ROCDateField(label=_("Review date"), required=False)

    @classmethod
    def for_case(cls, case: Case) -> PlanForm:
        return cls(
            initial={
                "version": case.version,
                "plan_goals": case.plan_goals,
                "plan_tasks": case.plan_tasks,
                "plan_review_on": case.plan_review_on,
            },
            prefix="plan",
        )


class CoWorkersForm(forms.Form):
    version = _version_field()
    co_workers = ModelMultipleChoiceField(
        label=_("Co-workers"),
        queryset=Staff.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "cw")
        super().__init__(*args, **kwargs)
        field = self.fields["co_workers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
        field.queryset = caseworkers_of(case.unit_id).exclude(pk=case.lead_id or 0)


class ClosureRequestForm(forms.Form):
    version = _version_field()
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=[])
    checklist = forms.MultipleChoiceField(
        label=_("Checklist"), choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    open_clocks_reason = _reason_field(_("Why clocks are still running"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reason, checklist = self.fields["reason"], self.fields["checklist"]
        assert isinstance(reason, forms.ChoiceField) and isinstance(checklist, forms.ChoiceField)  # noqa: S101
        reason.choices = [("", "—"), *((value, words.term(label)) for value, label in ClosureReason.choices)]
        checklist.choices = [(key, words.term(label)) for key, label in CLOSURE_CHECKLIST.items()]

    @classmethod
    def again(cls, closure: Closure | None, version: int) -> ClosureRequestForm:
        """The request form, holding what a returned request said, so the worker need not type it again."""
        initial: dict[str, Any] = {"version": version}
        if closure is not None:
            initial.update(
                reason=closure.reason,
                checklist=list(closure.checklist or []),
                summary=closure.summary,
                open_clocks_reason=closure.open_clocks_reason,
            )
        return cls(initial=initial, prefix="close")


class ClosureDecisionForm(forms.Form):
    """Return (with a note: the form Enter sends) or approve (its own form, a button and a confirmation).

    Approving closes the case, so it needs `confirm`, which only the approve form carries: a return
    form, a replayed older form or a hand-made request that names no confirmation closes nothing.
    """

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("return", _("Return"))]
    )
    decision_note = forms.CharField(label=_("Note to the worker"), required=False, max_length=300)
    confirm = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, closure: Closure, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "decide")
        # One form per closure on the team page: ids of its own, which the error summary links to.
        kwargs.setdefault("auto_id", f"%s-{closure.pk}")
        super().__init__(*args, **kwargs)
        # Shown only in the return form, where a note is needed.
        self.fields["decision_note"].widget.attrs.update({"required": True, "data-testid": "return-note"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "approve" and data.get("confirm") != CONFIRMED:
            self.add_error("decision", _("Approving closes the case: use the approve button and confirm."))
        return data


class ReopenForm(forms.Form):
    reason = _reason_field(_("Reason for reopening"))


class UnitChoiceField(ModelChoiceField):
    """Units named with their county, since a case may go to another county."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.county.name} {obj.name}" if obj.county else str(obj.name)


class TransferRequestForm(forms.Form):
    to_unit = UnitChoiceField(label=_("To unit"), queryset=Unit.objects.none())
    reason = _reason_field(_("Reason"))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "xfer")
        super().__init__(*args, **kwargs)
        field = self.fields["to_unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = (
            Unit.objects.filter(active=True, kind__in=CASE_UNIT_KINDS)
            .exclude(pk=case.unit_id)
            .select_related("county")
            .order_by("county_id", "name")
        )


class TransferDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("decline", _("Decline"))]
    )
    worker = ModelChoiceField(
        label=_("Worker who takes the case"), queryset=Staff.objects.none(), required=False
    )
    decision_note = _reason_field(_("Why the transfer is declined"))

    def __init__(self, *args: Any, unit_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["worker"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = caseworkers_of(unit_id)
