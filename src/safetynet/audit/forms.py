from __future__ import annotations

from typing import Any

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


class ReviewForm(forms.Form):
    justified = forms.TypedChoiceField(
        label=_("Was the reason sound?"),
        choices=[("yes", _("Yes, justified")), ("no", _("No, not justified"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
