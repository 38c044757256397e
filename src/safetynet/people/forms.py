"""Forms of persons, households and relations. They check the shape of the input; the services decide
what is allowed, and their `DomainError` lands on the fields it names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.core import words
from safetynet.core.forms import BirthDateField, ModelChoiceField, NationalIdField, ROCDateField
from safetynet.geo.forms import TownSelect
from safetynet.geo.models import Town
from safetynet.people.models import INVERSE_LABEL, MemberRole, Person, RelationKind, Sex
from safetynet.people.services import PersonData

# What the person on the page is to the one chosen, each relation read from both sides (A is the parent
# of B, so B is the child of A): the relation kind, and whether it is recorded from the chosen person's side.
READINGS: dict[str, tuple[RelationKind, bool]] = {
    "parent": (RelationKind.PARENT, False),
    "child": (RelationKind.PARENT, True),
    "spouse": (RelationKind.SPOUSE, False),
    "partner": (RelationKind.PARTNER, False),
    "ex_partner": (RelationKind.EX_PARTNER, False),
    "sibling": (RelationKind.SIBLING, False),
    "grandparent": (RelationKind.GRANDPARENT, False),
    "grandchild": (RelationKind.GRANDPARENT, True),
    "relative": (RelationKind.RELATIVE, False),
    "caregiver": (RelationKind.CAREGIVER, False),
    "cared_for": (RelationKind.CAREGIVER, True),
}


def reading_label(key: str) -> str:
    kind, reverse = READINGS[key]
    return words.term(INVERSE_LABEL[kind] if reverse else kind.label)


def _pick(choices: Any, blank: bool = True) -> list[tuple[str, str]]:
    """Choices of a code list in the page's language, with an empty first choice to make one choose."""
    picked = [(str(value), words.term(label)) for value, label in choices]
    return [("", "—"), *picked] if blank else picked


class TownChoiceField(ModelChoiceField):
    """A town named with its county (嘉義市東區, not 東區: ten counties have one), picked by typing
    (`core/pickers.js`; a plain select without it)."""

    widget = TownSelect

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = BirthDateField(label=_("Birth date (ROC)"), required=False)
    national_id = NationalIdField(label=_("National ID"), required=False)
    phones = forms.CharField(label=_("Phones"), required=False, help_text=_("Separate several with commas"))
    town = TownChoiceField(label=_("Town of residence"), queryset=Town.objects.none(), required=False)
    address = forms.CharField(label=_("Address"), required=False, max_length=200)

    def __init__(self, *args: Any, towns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns.select_related("county").order_by("code")  # type: ignore[attr-defined]
        self.fields["sex"].choices = _pick(Sex.choices, blank=False)  # type: ignore[attr-defined]
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


class InlinePersonForm(PersonForm):
    """A person registered from another page (the household, a relation): the person's town is needed,
    or they would be lost to the worker's own searches; nothing takes the page's focus."""

    def __init__(self, *args: Any, towns: Any, town: Town | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "new")
        kwargs.setdefault("initial", {"town": town.pk if town else None, "sex": ""})
        super().__init__(*args, towns=towns, **kwargs)
        self.fields["name"].widget.attrs.pop("autofocus", None)
        self.fields["sex"].choices = _pick(Sex.choices)  # type: ignore[attr-defined]
        self.fields["town"].required = True


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or national ID"), required=False, max_length=60)
    birth_date = ROCDateField(label=_("Birth date (ROC)"), required=False)


class PersonPickField(ModelChoiceField):
    """A person chosen among the search results on the page (radio rows the search puts in the form)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Person.objects.none())
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Search for the person, then choose them in the results."),
                "invalid_choice": _("Choose a person from the search results."),
            },
        )
        super().__init__(**kwargs)


class MemberForm(forms.Form):
    person = PersonPickField(label=_("Person"))
    role = forms.ChoiceField(label=_("Relationship to head"), choices=[])
    joined_on = ROCDateField(label=_("Joined on (ROC)"), required=False)

    def __init__(self, *args: Any, persons: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons  # type: ignore[attr-defined]
        self.fields["role"].choices = _pick(MemberRole.choices)  # type: ignore[attr-defined]


class NewMemberForm(InlinePersonForm):
    role = forms.ChoiceField(label=_("Relationship to head"), choices=[])
    joined_on = ROCDateField(label=_("Joined on (ROC)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _pick(MemberRole.choices)  # type: ignore[attr-defined]


class RelationForm(forms.Form):
    kind = forms.ChoiceField(label=_("This person is their …"), choices=[])
    other = PersonPickField(label=_("Person"))

    def __init__(self, *args: Any, persons: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = persons  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", "—"), *((key, reading_label(key)) for key in READINGS)]  # type: ignore[attr-defined]

    def relation(self) -> tuple[RelationKind, bool]:
        return READINGS[self.cleaned_data["kind"]]


class NewRelationForm(InlinePersonForm):
    kind = forms.ChoiceField(label=_("This person is their …"), choices=[])
    field_order = ["kind"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *((key, reading_label(key)) for key in READINGS)]  # type: ignore[attr-defined]

    def relation(self) -> tuple[RelationKind, bool]:
        return READINGS[self.cleaned_data["kind"]]
