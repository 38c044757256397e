from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.core.forms import NationalIdField, ROCDateField
from safetynet.geo.models import Town
from safetynet.people.models import MemberRole, Person, RelationKind, Sex
from safetynet.people.services import PersonData


class TownChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = ROCDateField(label=_("Birth date (ROC)"), required=False)
    national_id = NationalIdField(label=_("National ID"), required=False)
    phones = forms.CharField(label=_("Phones"), required=False, help_text=_("Separate several with commas"))
    town = TownChoiceField(label=_("Town of residence"), queryset=Town.objects.none(), required=False)
    address = forms.CharField(label=_("Address"), required=False, max_length=200)

    def __init__(self, *args: Any, towns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns  # type: ignore[attr-defined]
        self.fields["name"].widget.attrs.update({"autofocus": True, "autocomplete": "off"})
        self.fields["national_id"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        return {
            "name": person.name,
            "sex": person.sex,
            "birth_date": person.birth_date,
            "national_id": person.national_id,
            "phones": ", ".join(person.phone_list),
            "town": person.town_id,
            "address": person.address,
        }

    def to_data(self) -> PersonData:
        data = self.cleaned_data
        return PersonData(
            name=data["name"],
            sex=data["sex"],
            birth_date=data["birth_date"],
            national_id=data["national_id"],
            phones=[p for p in data["phones"].replace("，", ",").split(",") if p.strip()],
            town=data["town"],
            address=data["address"],
        )


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or national ID"), required=False, max_length=60)
    birth_date = ROCDateField(label=_("Birth date (ROC)"), required=False)


class MemberForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    role = forms.ChoiceField(label=_("Relationship to head"), choices=MemberRole.choices)
    joined_on = ROCDateField(label=_("Joined on (ROC)"), required=False)

    def __init__(self, *args: Any, persons: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons  # type: ignore[attr-defined]


class RelationForm(forms.Form):
    kind = forms.ChoiceField(label=_("This person is the … of"), choices=RelationKind.choices)
    other = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())

    def __init__(self, *args: Any, persons: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = persons  # type: ignore[attr-defined]
