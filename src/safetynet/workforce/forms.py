"""Input forms of the workforce pages; the services check the rules and name the field at fault."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.core.forms import ModelChoiceField, ROCDateField
from safetynet.geo.models import County
from safetynet.workforce.models import Position


class PositionChoice(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        strategy = f"{_('Strategy')} {obj.strategy} · " if obj.strategy else ""
        return f"{strategy}{obj} · {obj.get_funding_display()}"


class VacancyForm(forms.Form):
    position = PositionChoice(label=_("Position"), queryset=Position.objects.none())
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=999, initial=1)
    announced_on = ROCDateField(label=_("Announced on"), required=False)
    interview_on = ROCDateField(label=_("Interview on"), required=False)
    expected_on = ROCDateField(label=_("Expected to start on"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, county: County, plan_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = (  # type: ignore[attr-defined]
            Position.objects.filter(area=county, years__plan_year=plan_year)
            .select_related("unit", "role")
            .order_by("strategy", "unit_id", "role_id", "pk")
        )
