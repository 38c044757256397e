"""The screening desk's report form: one report, its subjects as a formset; ROC dates, a town picker."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetynet.core.forms import NationalIdField, ROCDateField
from safetynet.domain.triage import RuleSet
from safetynet.geo.models import Town


def town_choices(area: str | None) -> list[tuple[str, Any]]:
    """Towns grouped by county, the receiving county first; typing a town's name jumps to it."""
    groups: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, str] = {}
    for town in Town.objects.select_related("county").order_by("code"):
        groups.setdefault(town.county_id, []).append((town.code, town.name))
        names[town.county_id] = town.county.name
    order = sorted(groups, key=lambda code: (code != area, code))
    return [("", "—"), *((names[code], groups[code]) for code in order)]


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101
    field.choices = choices


class ReportForm(forms.Form):
    received_on = ROCDateField(label=_("Received on"))
    received_time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"placeholder": "14:30", "inputmode": "numeric"})
    )
    source = forms.ChoiceField(label=_("Source"))
    narrative = forms.CharField(label=_("What was reported"), widget=forms.Textarea(attrs={"rows": 4}))
    reporter = forms.CharField(
        label=_("Reporter (protected)"),
        required=False,
        help_text=_("Name and how to reach them; never shown to the family."),
    )

    def __init__(self, *args: Any, rules: RuleSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "source", [("", "—"), *rules.codes.sources.items()])

    def received_at(self) -> datetime.datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.datetime.combine(data["received_on"], data["received_time"]))


class SubjectForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    national_id = NationalIdField(label=_("National ID"), required=False)
    birth_date = ROCDateField(label=_("Birth date"), required=False)
    town = forms.ChoiceField(label=_("Town of residence"), required=False)
    types = forms.MultipleChoiceField(label=_("Report types"), widget=forms.CheckboxSelectMultiple)
    flags = forms.MultipleChoiceField(label=_("Flags"), widget=forms.CheckboxSelectMultiple, required=False)
    tipvda_score = forms.IntegerField(label=_("TIPVDA score"), min_value=0, max_value=15, required=False)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, rules: RuleSet, towns: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "role", [("", "—"), *rules.codes.roles.items()])
        _set_choices(self, "types", list(rules.codes.types.items()))
        _set_choices(self, "flags", list(rules.codes.flags.items()))
        _set_choices(self, "town", towns)
        lookup = {  # typing a name and birth date offers the persons already on record (HTMX)
            "hx-get": reverse("intake:candidates"),
            "hx-trigger": "change",
            "hx-include": "closest fieldset",
            "hx-vals": json.dumps({"prefix": self.prefix}),
            "hx-target": f"#cand-{self.prefix}",
        }
        for name in ("name", "birth_date"):
            self.fields[name].widget.attrs.update(lookup)


class BaseSubjectFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(form.cleaned_data for form in self.forms):
            raise forms.ValidationError(_("Name at least one subject."))


SubjectFormSet = forms.formset_factory(SubjectForm, formset=BaseSubjectFormSet, extra=2, min_num=1)
