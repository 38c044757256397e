"""Forms of the worker's day: a contact, an assessment per instrument, marking a record entered in error.

Every instrument's form is built from the instrument's own data (`safetynet.domain.instruments`), so
the wording shown is the wording scored, and `answers()` gives the dict `services.score` expects.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import Contact, ContactKind
from safetynet.core.forms import roc_date_problem
from safetynet.domain import rocdate
from safetynet.domain.instruments import bsrs5, language, psychiatric, sdm, tipvda, vulnerability

QUICK_MINUTES = (15, 30, 60)


class RocDateField(forms.CharField):
    """A date typed the way Taiwan writes it (115.11.23, 115/11/23, 1151123, 115年11月23日)."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"inputmode": "decimal", "autocomplete": "off", "placeholder": "115/11/23"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return rocdate.parse(text)
        except ValueError as exc:
            raise forms.ValidationError(roc_date_problem(exc)) from exc


def _today_text() -> str:
    return rocdate.format(timezone.localdate(), "slash")


def _now_text() -> str:
    return timezone.localtime().strftime("%H:%M")


class WhenForm(forms.Form):
    """When something happened: an ROC date and a time, today and now unless changed."""

    day = RocDateField(label=_("Date"))
    time = forms.TimeField(
        label=_("Time"), input_formats=["%H:%M", "%H:%M:%S"], widget=forms.TimeInput(attrs={"type": "time"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = _today_text
        self.fields["time"].initial = _now_text

    def at(self) -> datetime.datetime:
        return timezone.make_aware(
            datetime.datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"])
        )


class ContactForm(WhenForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices, widget=forms.RadioSelect)
    minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=1,
        max_value=24 * 60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*"}),
    )
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    with_whom = forms.CharField(label=_("With whom"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_step = forms.CharField(
        label=_("Next step"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    field_order = ["kind", "day", "time", "minutes", "place", "with_whom", "note", "next_step"]

    def details(self) -> dict[str, Any]:
        """What the contact says besides its time, as the services take it."""
        return {
            name: self.cleaned_data[name]
            for name in ("kind", "minutes", "place", "with_whom", "note", "next_step")
        }


class ContactEditForm(ContactForm):
    """A contact corrected by its author: the same fields, and the version the author read."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    @staticmethod
    def initial_for(contact: Contact) -> dict[str, Any]:
        when = timezone.localtime(contact.occurred_at)
        return {
            "kind": contact.kind,
            "day": rocdate.format(when.date(), "slash"),
            "time": when.strftime("%H:%M"),
            "minutes": contact.minutes,
            "place": contact.place,
            "with_whom": contact.with_whom,
            "note": contact.note,
            "next_step": contact.next_step,
            "version": contact.version,
        }

    def at_or_stored(self, contact: Contact) -> datetime.datetime:
        """The time typed; the stored one when the minute shown was left as it was (an API's seconds
        are not a change)."""
        typed = self.at()
        stored = contact.occurred_at
        return stored if typed == timezone.localtime(stored).replace(second=0, microsecond=0) else typed


class ErrorForm(forms.Form):
    reason = forms.CharField(label=_("Why is it wrong?"), max_length=200)


# --- assessments --------------------------------------------------------------------------------------


def _radio(
    label: str, choices: Sequence[tuple[Any, str | Promise]], required: bool = True
) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, required=required)


class AnswersForm(forms.Form):
    """The answers of one instrument; `answers()` after `is_valid()` is what `services.score` takes."""

    instrument: ClassVar[str]
    # Fields that are not answers (a tick that changes how the score is read, not the score).
    extra_fields: ClassVar[tuple[str, ...]] = ()
    # Multiple-choice forms are complete with nothing ticked; scales need every item answered.
    every_item: ClassVar[bool] = True
    # Shown above the items: the recall period, what the answer numbers mean.
    intro: str = ""
    legend: str = ""

    def answer_names(self) -> list[str]:
        return [name for name in self.fields if name not in self.extra_fields]

    def answered(self) -> int:
        """How many answer fields the worker has filled in (for the progress line while answering)."""
        return sum(1 for name in self.answer_names() if self.data.get(self.add_prefix(name), "") != "")

    def has_any(self) -> bool:
        return self.answered() > 0

    def is_complete(self) -> bool:
        return not self.every_item or self.answered() == len(self.answer_names())

    def answers(self) -> dict[str, Any]:
        raise NotImplementedError

    def running_total(self) -> int | None:
        """The total of the items answered so far, for instruments that add up; None for the others."""
        return None

    def _values(self, names: list[str]) -> list[str]:
        return [str(self.data.get(self.add_prefix(name), "")) for name in names]


def _scale(answers: list[str]) -> list[tuple[Any, str]]:
    """0-4 as five short targets in one row on a phone; the words are in the form's legend."""
    return [(str(i), str(i)) for i in range(len(answers))]


def _aside(text: str, note: object) -> str:
    """A text with a note in the brackets of the page's language: 是（1） / Yes (1)."""
    return f"{text} ({note})" if language(get_language()) == "en" else f"{text}（{note}）"


class Bsrs5Form(AnswersForm):
    instrument = "bsrs5"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        words = bsrs5.wording(get_language())
        self.intro = words["recall"]
        self.legend = " · ".join(f"{i} {text}" for i, text in enumerate(words["answers"]))
        for i, text in enumerate(words["items"], start=1):
            self.fields[f"item_{i}"] = _radio(f"{i}. {text}", _scale(words["answers"]))
        self.fields["suicide"] = _radio(f"★ {words['suicide_item']}", _scale(words["answers"]))

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "items": [int(data[f"item_{i}"]) for i in range(1, len(bsrs5.ITEMS) + 1)],
            "suicide": int(data["suicide"]),
        }

    def running_total(self) -> int | None:
        names = [f"item_{i}" for i in range(1, len(bsrs5.ITEMS) + 1)]
        valid = {str(i) for i in range(len(bsrs5.ANSWERS))}
        return sum(int(v) for v in self._values(names) if v in valid)


class TipvdaForm(AnswersForm):
    instrument = "tipvda"
    extra_fields = ("not_intimate",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        words = tipvda.wording(get_language())
        yes_no = [("1", words["answers"]["yes"]), ("0", words["answers"]["no"])]
        for i, text in enumerate(words["items"], start=1):
            self.fields[f"item_{i}"] = _radio(f"{i}. {text}", yes_no)
        self.fields["not_intimate"] = forms.BooleanField(
            label=_("Not an intimate relationship (the score is then only indicative)"), required=False
        )

    def answers(self) -> dict[str, Any]:
        return {"answers": [self.cleaned_data[f"item_{i}"] == "1" for i in range(1, len(tipvda.ITEMS) + 1)]}

    def running_total(self) -> int | None:
        return self._values([f"item_{i}" for i in range(1, len(tipvda.ITEMS) + 1)]).count("1")

    def not_intimate(self) -> bool:
        return self.data.get(self.add_prefix("not_intimate"), "") not in ("", "0", "false", "off")


class SdmSafetyForm(AnswersForm):
    instrument = "sdm_safety"
    every_item = False

    danger = forms.MultipleChoiceField(
        label=_("Danger factors (1A)"),
        choices=list(sdm.SAFETY.danger.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    protective = forms.MultipleChoiceField(
        label=_("Protective capacities (1B)"),
        choices=list(sdm.SAFETY.protective.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    plan = forms.BooleanField(label=_("A safety plan is in place"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        worded = sdm.safety_catalogue(get_language())
        self.fields["danger"].choices = list(worded.danger.items())  # type: ignore[attr-defined]
        self.fields["protective"].choices = list(worded.protective.items())  # type: ignore[attr-defined]

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"danger": list(data["danger"]), "protective": list(data["protective"]), "plan": data["plan"]}


class SdmRiskForm(AnswersForm):
    instrument = "sdm_risk"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in sdm.risk_catalogue(get_language()).items:
            self.fields[item.code] = _radio(
                item.text, [(str(o.points), _aside(o.text, o.points)) for o in item.options]
            )

    def answers(self) -> dict[str, Any]:
        return {"answers": {item.code: int(self.cleaned_data[item.code]) for item in sdm.RISK.items}}


class VulnerabilityForm(AnswersForm):
    instrument = "vulnerability"
    every_item = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        worded = vulnerability.catalogue(get_language())
        self.fields["factors"] = forms.MultipleChoiceField(
            label=_("Factors present"),
            choices=[
                (
                    f"{d.code} {d.name}",
                    [(f.code, _aside(f"{f.code} {f.text}", worded.grades[f.grade])) for f in d.factors],
                )
                for d in worded.dimensions
            ],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )

    def answers(self) -> dict[str, Any]:
        return {"factors": list(self.cleaned_data["factors"])}


class PsychiatricForm(AnswersForm):
    instrument = "psychiatric"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        levels = psychiatric.wording(get_language())["levels"]
        self.fields["level"] = _radio(
            str(_("Care level")), [(code, f"{code} {text}") for code, text in levels.items()]
        )

    def answers(self) -> dict[str, Any]:
        return {"level": int(self.cleaned_data["level"])}


ANSWER_FORMS: dict[str, type[AnswersForm]] = {
    form.instrument: form
    for form in (Bsrs5Form, TipvdaForm, SdmSafetyForm, SdmRiskForm, VulnerabilityForm, PsychiatricForm)
}
