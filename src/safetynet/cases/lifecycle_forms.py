"""Forms of the case's course: status moves, the service plan, co-workers, closure, reopening, transfer.

They only check the shape of the input; the services decide what is allowed and their `DomainError`
lands on the field it names (`apply_domain_error`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import Case, CaseStatus, ClosureReason
from safetynet.cases.services import CLOSURE_CHECKLIST
from safetynet.core.forms import ROCDateField
from safetynet.org.models import AccessKind, Staff, Unit, UnitKind

# Units that carry cases: a case can be handed to one of these, in any county.
CASE_UNIT_KINDS = (UnitKind.FPC, UnitKind.SWC, UnitKind.MHC, UnitKind.DPC, UnitKind.YAC, UnitKind.EDU)
WORKER_MOVE_CHOICES = [
    (s.value, s.label) for s in (CaseStatus.SERVING, CaseStatus.FOLLOW_UP, CaseStatus.NOT_OPENED)
]


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
    status = forms.ChoiceField(label=_("New status"), choices=WORKER_MOVE_CHOICES)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


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
    co_workers = forms.ModelMultipleChoiceField(
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
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=ClosureReason.choices)
    checklist = forms.MultipleChoiceField(
        label=_("Checklist"),
        choices=list(CLOSURE_CHECKLIST.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    open_clocks_reason = forms.CharField(
        label=_("Why clocks are still running"), required=False, max_length=300
    )


class ClosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("return", _("Return"))]
    )
    decision_note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=300, required=False)


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Units named with their county, since a case may go to another county."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.county.name} {obj.name}" if obj.county else str(obj.name)


class TransferRequestForm(forms.Form):
    to_unit = UnitChoiceField(label=_("To unit"), queryset=Unit.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

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
    worker = forms.ModelChoiceField(
        label=_("Worker who takes the case"), queryset=Staff.objects.none(), required=False
    )
    decision_note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, unit_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["worker"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = caseworkers_of(unit_id)
