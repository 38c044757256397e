"""Forms of the intake app: the rule-set editor, the what-if page and the screening desk's report form.

`DraftForm` edits what an administrator changes most (parameters, clock lengths, switching a rule off,
its reason) on top of a base version, and offers the whole document as JSON for anything else. It only
builds the document: `services.draft_rule_set` checks it, and `show_error` puts each problem the rule-set
parser names (by JSON path) on the field that holds it.
"""

from __future__ import annotations

import copy
import datetime
import json
import re
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safetynet.core import words
from safetynet.core.errors import DomainError
from safetynet.core.forms import MAX_ID, BirthDateField, NationalIdField, ROCDateField
from safetynet.domain.triage import OWN_TYPES_ROLES, RuleSet, RuleSetError, types_taken
from safetynet.geo.forms import TownSelect
from safetynet.intake.facts import passing_types
from safetynet.intake.services import RouteChoice
from safetynet.intake.whatif import check_period

VERSION_RE = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
# The parser reports a parameter's problem at the rule using it: "parameter 'x': … (at parameters.x)".
_AT_RE = re.compile(r"\(at ([^)]+)\)")
_NAMED_PARAMETER_RE = re.compile(r"^parameter '([^']+)'")
_PARAMETER_RE = re.compile(r"^parameters\.([^.\[]+)")
_CLOCK_RE = re.compile(r"^clocks\.([^.\[]+)")
_RULE_RE = re.compile(r"^rules\[(\d+)\]\.(enabled|reason)\b")


def document_text(rules: RuleSet) -> str:
    return json.dumps(rules.to_dict(), ensure_ascii=False, indent=2)


def _is_ints(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and all(isinstance(v, int) for v in value)


class DraftForm(forms.Form):
    version = forms.RegexField(
        label=_("New version code"),
        regex=VERSION_RE,
        max_length=40,
        help_text=_("Letters, digits, dots, underscores or hyphens, e.g. v2"),
        error_messages={
            "invalid": _("A version code can only use letters, digits, dots, underscores or hyphens.")
        },
    )
    name = forms.CharField(label=_("Rule set name"), max_length=120)
    notes = forms.CharField(
        label=_("Revision notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    document = forms.CharField(
        label=_("Advanced: the whole rule set as JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "class": "code"}),
        help_text=_(
            "Once this is changed, the JSON is used (the parameter, clock and rule fields above are not);"
            " the version code and the name still come from the fields above."
        ),
    )

    def __init__(self, data: Any = None, *, base: RuleSet) -> None:
        super().__init__(data, initial={"name": base.name, "document": document_text(base)})
        self.base = base
        self.used_json = False
        for name, value in base.parameters.items():
            if isinstance(value, int):
                self.fields[f"parameter_{name}"] = forms.IntegerField(label=name, initial=value)
            elif _is_ints(value):
                self.fields[f"parameter_{name}"] = forms.CharField(
                    label=name,
                    initial=", ".join(str(v) for v in value),
                    help_text=_("Whole numbers separated by commas"),
                )
        for name, clock in base.clocks.items():
            unit = _("hours") if clock.hours is not None else _("days")
            self.fields[f"clock_{name}"] = forms.IntegerField(
                label=gettext("%(clock)s (%(unit)s)") % {"clock": clock.label, "unit": unit},
                initial=clock.hours if clock.hours is not None else clock.days,
            )
        for i, rule in enumerate(base.rules):
            self.fields[f"rule_{i}_enabled"] = forms.BooleanField(
                label=_("Enable %(id)s") % {"id": rule.id}, required=False, initial=rule.enabled
            )
            self.fields[f"rule_{i}_reason"] = forms.CharField(
                label=_("Reason for %(id)s") % {"id": rule.id},
                initial=rule.reason,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    # --- grouped for the template -------------------------------------------------------------------

    def parameter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("parameter_")]

    def clock_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("clock_")]

    def rule_rows(self) -> list[dict[str, Any]]:
        return [
            {"rule": rule, "enabled": self[f"rule_{i}_enabled"], "reason": self[f"rule_{i}_reason"]}
            for i, rule in enumerate(self.base.rules)
        ]

    # --- cleaning -----------------------------------------------------------------------------------

    def clean_document(self) -> dict[str, Any] | None:
        """The JSON if it was changed (it then takes precedence), else None."""
        text = self.cleaned_data["document"].strip()
        if not text:
            return None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON: line %(line)s, column %(column)s (%(message)s)"),
                params={"line": exc.lineno, "column": exc.colno, "message": exc.msg},
            ) from None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("The rule set JSON must be an object ({ … })"))
        if data == self.base.to_dict():
            return None
        return data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in self.base.parameters.items():
            key = f"parameter_{name}"
            if _is_ints(value) and isinstance(cleaned.get(key), str):
                try:
                    cleaned[key] = [int(v) for v in re.split(r"[,，、\s]+", cleaned[key].strip()) if v]
                except ValueError:
                    self.add_error(key, _("Enter whole numbers separated by commas, e.g. 1, 2"))
        return cleaned

    def rule_document(self) -> dict[str, Any]:
        """The document to draft: the changed JSON, or the base with this form's edits."""
        data = self.cleaned_data
        self.used_json = data["document"] is not None
        if self.used_json:
            document: dict[str, Any] = copy.deepcopy(data["document"])
        else:
            document = self.base.to_dict()
            for name in document["parameters"]:
                if f"parameter_{name}" in self.fields:
                    document["parameters"][name] = data[f"parameter_{name}"]
            for name, clock in document["clocks"].items():
                clock["hours" if "hours" in clock else "days"] = data[f"clock_{name}"]
            for i, rule in enumerate(document["rules"]):
                rule["reason"] = data[f"rule_{i}_reason"]
                rule.pop("enabled", None)
                if not data[f"rule_{i}_enabled"]:
                    rule["enabled"] = False
        document["version"] = data["version"]
        document["name"] = data["name"]
        return document

    # --- errors from the service --------------------------------------------------------------------

    def show_error(self, error: DomainError) -> None:
        """Put the service's refusal on the fields at fault, naming the JSON path of each problem."""
        cause = error.__cause__
        if not isinstance(cause, RuleSetError):
            self.add_error(error.field if error.field in self.fields else None, error.message)
            return
        for path, message in cause.problems:
            self.add_error(self.field_for(path, message), f"{path}：{message}")

    def field_for(self, path: str, message: str = "") -> str | None:
        if path in ("version", "name"):
            return path
        if self.used_json:
            return "document"
        named = [f"parameters.{name}" for name in _NAMED_PARAMETER_RE.findall(message)]
        for where in (path, *_AT_RE.findall(message), *named):
            field = _field_of(where)
            if field in self.fields:
                return field
        return None


def _field_of(path: str) -> str | None:
    if match := _PARAMETER_RE.match(path):
        return f"parameter_{match[1]}"
    if match := _CLOCK_RE.match(path):
        return f"clock_{match[1]}"
    if match := _RULE_RE.match(path):
        return f"rule_{match[1]}_{match[2]}"
    return None


AGAINST_CHOICES = [
    ("receipt", _("The suggestion made at receipt")),
    ("current", _("The rules in force, applied again")),
]


class WhatIfForm(forms.Form):
    start = ROCDateField(label=_("Received from"))
    end = ROCDateField(label=_("Received until"))
    against = forms.ChoiceField(
        label=_("Compare with"), choices=AGAINST_CHOICES, initial="receipt", required=False
    )

    def clean_against(self) -> str:
        return str(self.cleaned_data.get("against") or "receipt")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None:
            try:
                check_period(start, end)
            except DomainError as error:
                self.add_error(error.field, error.message)
        return cleaned


# --- the screening desk's report form: one report, its subjects as a formset -------------------------

MAX_SUBJECTS = 20


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
    field.choices = choices


def _chips(placeholder: Any) -> dict[str, Any]:
    """The words of a checkbox group that `core/pickers.js` turns into a field typed by code or name,
    the chosen ones shown as chips (the template puts them on the group as data attributes)."""
    return {
        "placeholder": placeholder,
        "none": _("Nothing matches: type a code or part of a name."),
        "remove": _("Remove"),
    }


class ReportForm(forms.Form):
    received_on = ROCDateField(label=_("Received on"))
    received_time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"placeholder": "14:30", "inputmode": "numeric"})
    )
    source = forms.ChoiceField(label=_("Source"), widget=forms.Select(attrs={"autofocus": True}))
    reporter = forms.CharField(
        label=_("Reporter (protected)"),
        required=False,
        max_length=500,
        help_text=_("Name and how to reach them; never shown to the family."),
    )
    narrative = forms.CharField(
        label=_("What was reported"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, rules: RuleSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "source", [("", "—"), *((c, words.source_name(c)) for c in rules.codes.sources)])

    def received_at(self) -> datetime.datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.datetime.combine(data["received_on"], data["received_time"]))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        complete = cleaned.get("received_on") and cleaned.get("received_time")
        if complete and self.received_at() > timezone.now() + datetime.timedelta(minutes=5):
            future_day = cleaned["received_on"] > timezone.localdate()
            self.add_error(
                "received_on" if future_day else "received_time",
                _("A report cannot be received in the future."),
            )
        return cleaned


class SubjectForm(forms.Form):
    summary_label = ""  # how the page's error summary names this subject (通報對象 2)
    role = forms.ChoiceField(label=_("Role"))
    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    birth_date = BirthDateField(label=_("Birth date"), required=False)
    national_id = NationalIdField(label=_("National ID"), required=False)
    town = forms.ChoiceField(label=_("Town of residence"), required=False, widget=TownSelect)
    types = forms.MultipleChoiceField(
        label=_("Report types"),
        required=False,
        widget=forms.CheckboxSelectMultiple(),
        help_text=_("A respondent or family member left without types takes the victim's types of violence."),
    )
    flags = forms.MultipleChoiceField(label=_("Flags"), widget=forms.CheckboxSelectMultiple, required=False)
    tipvda_score = forms.IntegerField(label=_("TIPVDA score"), min_value=0, max_value=15, required=False)
    person = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)

    def __init__(self, *args: Any, rules: RuleSet, towns: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "role", [("", "—"), *((c, words.subject_role_name(c)) for c in rules.codes.roles)])
        _set_choices(self, "types", [(c, words.type_name(c)) for c in rules.codes.types])
        _set_choices(self, "flags", [(c, words.flag_name(c)) for c in rules.codes.flags])
        _set_choices(self, "town", towns)
        self.chips = {
            "types": _chips(_("Type part of a name or its code, e.g. partner")),
            "flags": _chips(_("Type part of a flag, e.g. danger")),
        }
        lookup = {  # typing a name and birth date offers the persons already on record (HTMX)
            "hx-get": reverse("intake:candidates"),
            "hx-trigger": "change",
            "hx-include": "closest fieldset",
            "hx-vals": json.dumps({"prefix": self.prefix}),
            "hx-target": f"#cand-{self.prefix}",
        }
        for name in ("name", "birth_date"):
            self.fields[name].widget.attrs.update(lookup)
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["national_id"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("role") in OWN_TYPES_ROLES and not cleaned.get("types") and "types" not in self.errors:
            self.add_error(
                "types", _("Choose at least one report type: a victim or a child names their own.")
            )
        return cleaned


class BaseSubjectFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        # Forms with problems still have the fields they cleaned: the check below runs in the same round.
        typed = [form for form in self.forms if getattr(form, "cleaned_data", None)]
        if not typed and not any(self.errors):
            raise forms.ValidationError(_("Name at least one subject."))
        # The same rule as the report document's (`facts.parse_report`), in this round of errors; not while
        # a victim's or child's own types are at fault (they are what the others would take).
        known = [form for form in typed if form.cleaned_data.get("role")]
        if any("types" in form.errors and form.cleaned_data["role"] in OWN_TYPES_ROLES for form in known):
            return
        rules = self.form_kwargs["rules"]
        settled = types_taken(
            [(f.cleaned_data["role"], f.cleaned_data.get("types") or []) for f in known], passing_types(rules)
        )
        for form, types in zip(known, settled, strict=True):
            if not types and "types" not in form.errors:
                form.add_error(
                    "types",
                    _(
                        "Choose a report type: a respondent or family member takes only the types of "
                        "violence of the report's victims and children, and this report names none."
                    ),
                )

    def shown(self) -> list[SubjectForm]:
        """The subjects to show: the first, and every one up to the last typed into. (The blank ones
        after it are left out: the page offers one more at a time behind 「新增通報對象」.)"""
        typed = [i for i, form in enumerate(self.forms) if i == 0 or (form.is_bound and form.has_changed())]
        return list(self.forms[: typed[-1] + 1]) if self.forms else []


SubjectFormSet = forms.formset_factory(
    SubjectForm,
    formset=BaseSubjectFormSet,
    extra=0,
    min_num=1,
    max_num=MAX_SUBJECTS,
    absolute_max=MAX_SUBJECTS,
    validate_max=True,
)


# --- the report page: overriding the suggested decision ----------------------------------------------

PRIORITIES = [("", "—"), ("1", _("Priority 1")), ("2", _("Priority 2"))]


class OverrideForm(forms.Form):
    """The routes and priorities the screener wants for each subject, and why the suggestion changes.

    Fields are named by the subject's row (`route-<pk>`, `priority-<pk>-<route>`): a subject's ref is
    whatever the reporting system sent. Starts from the suggestion; a failed submit keeps every tick,
    priority and the reason typed."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the routes or priorities differ from the suggestion."),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        subjects: list[Any],
        labels: dict[str, str],
        routes: list[tuple[str, str]],
        suggested: list[dict[str, Any]],
    ) -> None:
        super().__init__(data)
        self.subjects = subjects
        self.labels = labels
        self.route_codes = [code for code, _label in routes]
        self.suggested = suggested
        for subject in subjects:
            mine = {r["route"]: r.get("priority") for r in suggested if r["subject"] == subject.ref}
            self.fields[f"route-{subject.pk}"] = forms.MultipleChoiceField(
                label=labels[subject.ref],
                choices=routes,
                required=False,
                initial=list(mine),
                widget=forms.CheckboxSelectMultiple,
            )
            for code, label in routes:
                self.fields[f"priority-{subject.pk}-{code}"] = forms.ChoiceField(
                    label=f"{labels[subject.ref]} {label}",
                    choices=PRIORITIES,
                    required=False,
                    initial=str(mine[code]) if mine.get(code) else "",
                    widget=forms.Select(
                        attrs={
                            "aria-label": gettext("Priority of %(route)s for %(subject)s")
                            % {"route": label, "subject": labels[subject.ref]}
                        }
                    ),
                )

    def rows(self) -> list[dict[str, Any]]:
        """Per subject, its routes as (code, label, ticked, priority field) for the template."""
        found = []
        for subject in self.subjects:
            field = self[f"route-{subject.pk}"]
            ticked = {str(v) for v in (field.value() or [])}
            found.append(
                {
                    "subject": subject,
                    "label": self.labels[subject.ref],
                    "field": field,
                    "routes": [
                        {
                            "code": code,
                            "label": label,
                            "ticked": code in ticked,
                            "priority": self[f"priority-{subject.pk}-{code}"],
                            "id": field.auto_id if i == 0 else f"{field.auto_id}_{i}",
                        }
                        for i, (code, label) in enumerate(field.field.choices)  # type: ignore[attr-defined]
                    ],
                }
            )
        return found

    def choices(self) -> list[RouteChoice]:
        chosen = []
        for subject in self.subjects:
            for code in self.cleaned_data.get(f"route-{subject.pk}", []):
                raw = self.cleaned_data.get(f"priority-{subject.pk}-{code}") or ""
                chosen.append(RouteChoice(subject.ref, code, int(raw) if raw else None))
        return chosen

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        for subject in self.subjects:
            if not cleaned.get(f"route-{subject.pk}"):
                self.add_error(
                    f"route-{subject.pk}",
                    _("Choose at least one route for %(subject)s (no case is a route too).")
                    % {"subject": self.labels[subject.ref]},
                )
        if (
            not self.errors
            and differs(self.choices(), self.suggested)
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", _("Give the reason for changing the suggested decision."))
        return cleaned


def differs(chosen: list[RouteChoice], suggested: list[dict[str, Any]]) -> bool:
    """Whether the routes chosen (`RouteChoice`s) are not the suggestion's: a route or a priority."""
    return {(c.subject, c.route, c.priority) for c in chosen} != {
        (r["subject"], r["route"], r.get("priority")) for r in suggested
    }
