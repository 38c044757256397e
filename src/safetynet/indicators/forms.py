"""Input forms of the indicator pages. Rates are typed as percentages (66.67) and cleaned to the
fractions the services store (0.6667); the services check the rest and name the field at fault."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.core.forms import ROCDateField
from safetynet.indicators.models import Indicator, PeriodKind, Unit

HUNDRED = Decimal(100)


def _years(choices: list[int]) -> list[tuple[int, str]]:
    return [(y, str(y)) for y in choices]


def as_stored(form: forms.Form, indicator: Indicator, field: str = "value") -> None:
    """A rate typed as a percentage (0-100) → the fraction the services store; other units as typed."""
    value = form.cleaned_data.get(field)
    if value is None or indicator.unit != Unit.RATE:
        return
    if value > HUNDRED:
        form.add_error(field, _("A rate is between 0 and 100 (%)."))
    else:
        form.cleaned_data[field] = value / HUNDRED


class ReportedValueForm(forms.Form):
    """A figure another agency reported for one period of the indicator (its year or school year)."""

    year = forms.TypedChoiceField(label=_("Year (ROC)"), coerce=int)
    numerator = forms.DecimalField(
        label=_("Numerator"), required=False, min_value=0, max_digits=14, decimal_places=4
    )
    denominator = forms.DecimalField(
        label=_("Denominator"), required=False, min_value=0, max_digits=14, decimal_places=4
    )
    value = forms.DecimalField(
        label=_("Printed value"), required=False, min_value=0, max_digits=12, decimal_places=4
    )
    source = forms.CharField(label=_("Reported by (agency or document)"), max_length=200)
    reported_on = ROCDateField(label=_("Reported on"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, indicator: Indicator, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["year"].choices = _years(years)  # type: ignore[attr-defined]
        if indicator.period == PeriodKind.SCHOOL_YEAR:
            self.fields["year"].label = _("School year (ROC)")
        if indicator.unit == Unit.RATE:
            self.fields["value"].label = _("Printed value (%)")
            self.fields["value"].help_text = _("As printed, e.g. 66.67 for 66.67%.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        as_stored(self, self.indicator)
        return data


class TargetForm(forms.Form):
    """The area's own target for a plan year."""

    plan_year = forms.TypedChoiceField(label=_("Plan year (ROC)"), coerce=int)
    value = forms.DecimalField(label=_("Target"), min_value=0, max_digits=12, decimal_places=4)
    source = forms.CharField(label=_("Basis"), max_length=200, required=False)

    def __init__(self, *args: Any, indicator: Indicator, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["plan_year"].choices = _years(years)  # type: ignore[attr-defined]
        if indicator.unit == Unit.RATE:
            self.fields["value"].label = _("Target (%)")
            self.fields["value"].help_text = _("Between 0 and 100, e.g. 85.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        as_stored(self, self.indicator)
        return data
