from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.core.forms import ModelChoiceField, ROCDateField
from safetynet.org.models import LeaveKind, Staff


class LeaveForm(forms.Form):
    staff = ModelChoiceField(label=_("Staff member"), queryset=Staff.objects.none())
    kind = forms.ChoiceField(label=_("Kind of leave"), choices=LeaveKind.choices)
    starts_on = ROCDateField(label=_("From (ROC)"))
    ends_on = ROCDateField(label=_("To (ROC)"))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]
