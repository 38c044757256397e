from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.audit.models import Action
from safetynet.core.forms import NationalIdField, ROCDateField

OBJECT_TYPES = [
    ("", _("Any record")),
    ("cases.case", _("Case")),
    ("people.person", _("Person")),
    ("people.household", _("Household")),
    ("intake.report", _("Report")),
    ("referrals.referral", _("Referral")),
    ("reporting.reportexport", _("Report export")),
    ("api", _("API call")),
]


class LogFilterForm(forms.Form):
    national_id = NationalIdField(label=_("Person's national ID"), required=False)
    person = forms.IntegerField(label=_("Person number"), required=False, min_value=1)
    username = forms.CharField(label=_("Account"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *Action.choices]
    )
    object_type = forms.ChoiceField(label=_("Record"), required=False, choices=OBJECT_TYPES)
    since = ROCDateField(label=_("From"), required=False)
    until = ROCDateField(label=_("To"), required=False)
    flagged = forms.BooleanField(label=_("Break-glass only"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end is before the start."))
        return data


class BreakGlassForm(forms.Form):
    case = forms.IntegerField(label=_("Case number"), min_value=1, max_value=2**62)
    reason = forms.CharField(
        label=_("Why you must open it now"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_(
            "Your supervisor reads this. The opening lasts a short time and every page you open is logged."
        ),
    )


class ApproveForm(forms.Form):
    """The approval of a request that needed one: a button of its own, with nothing to press Enter in."""

    confirm = forms.ChoiceField(
        choices=[("yes", "yes")], error_messages={"required": _("Confirm the approval.")}
    )


class ReviewForm(forms.Form):
    justified = forms.TypedChoiceField(
        label=_("Was the reason sound?"),
        choices=[("yes", _("Yes, justified")), ("no", _("No, not justified"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


# Alerts on abuse of access ------------------------------------------------------------------------------


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            ("open", _("To review")),
            ("justified", _("Justified")),
            ("unjustified", _("Not justified")),
        ],
    )
    rule = forms.ChoiceField(label=_("Rule"), required=False)
    by = forms.ChoiceField(
        label=_("Counted by"), required=False, choices=[("week", _("Week")), ("month", _("Month"))]
    )

    def __init__(self, *args: Any, rules: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rule = cast(forms.ChoiceField, self.fields["rule"])
        rule.choices = [("", _("Any rule")), *rules]


class AlertReviewForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Was the access justified?"),
        choices=[("justified", _("Yes, justified")), ("unjustified", _("No, not justified"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What you found"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the alert and in the access log."),
    )


class AlertRuleForm(forms.Form):
    threshold = forms.IntegerField(label=_("Alert above"), min_value=0, max_value=100_000)
    window = forms.IntegerField(label=_("Period"), min_value=1, max_value=10_000)
    window_unit = forms.ChoiceField(
        label=_("Unit"), choices=[("minutes", _("minutes")), ("hours", _("hours")), ("days", _("days"))]
    )
    # Typed as 08:00: a browser's time picker shows AM/PM in its own language, not the page's.
    day_starts = forms.TimeField(
        label=_("Working day starts"),
        input_formats=["%H:%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"inputmode": "numeric", "placeholder": "08:00"}),
    )
    day_ends = forms.TimeField(
        label=_("Working day ends"),
        input_formats=["%H:%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"inputmode": "numeric", "placeholder": "18:00"}),
    )
    active = forms.BooleanField(label=_("On"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("day_starts"), data.get("day_ends")
        if starts and ends and starts >= ends:
            self.add_error("day_ends", _("Working hours must end after they start."))
        return data
