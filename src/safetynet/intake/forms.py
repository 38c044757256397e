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
from django.utils.translation import gettext_lazy as _

from safetynet.core.errors import DomainError
from safetynet.core.forms import NationalIdField, ROCDateField
from safetynet.domain.triage import RuleSet, RuleSetError
from safetynet.geo.models import Town
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
        label=_("新版本代號"),
        regex=VERSION_RE,
        max_length=40,
        help_text=_("英數字、點、底線或連字號，例：v2"),
        error_messages={"invalid": _("版本代號只能用英數字、點、底線或連字號")},
    )
    name = forms.CharField(label=_("名稱"), max_length=120)
    notes = forms.CharField(label=_("修訂說明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.CharField(
        label=_("進階：完整規則 JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "class": "code"}),
        help_text=_(
            "修改此處時以此 JSON 為準（上方參數、時限與規則欄位不採用）；版本代號與名稱仍以上方欄位為準。"
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
                    label=name, initial=", ".join(str(v) for v in value), help_text=_("以逗號分隔的整數")
                )
        for name, clock in base.clocks.items():
            unit = _("小時") if clock.hours is not None else _("日")
            self.fields[f"clock_{name}"] = forms.IntegerField(
                label=f"{clock.label}（{unit}）",
                initial=clock.hours if clock.hours is not None else clock.days,
            )
        for i, rule in enumerate(base.rules):
            self.fields[f"rule_{i}_enabled"] = forms.BooleanField(
                label=_("啟用 %(id)s") % {"id": rule.id}, required=False, initial=rule.enabled
            )
            self.fields[f"rule_{i}_reason"] = forms.CharField(
                label=_("%(id)s 理由") % {"id": rule.id},
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
                _("不是有效的 JSON：第 %(line)s 行第 %(column)s 欄（%(message)s）"),
                params={"line": exc.lineno, "column": exc.colno, "message": exc.msg},
            ) from None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("規則 JSON 必須是一個物件（{ … }）"))
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
                    self.add_error(key, _("請輸入以逗號分隔的整數，例：1, 2"))
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


AGAINST_CHOICES = [("receipt", _("通報當時的建議結果")), ("current", _("現行規則重新判斷"))]


class WhatIfForm(forms.Form):
    start = ROCDateField(label=_("受理日起"))
    end = ROCDateField(label=_("受理日迄"))
    against = forms.ChoiceField(
        label=_("比較對象"), choices=AGAINST_CHOICES, initial="receipt", required=False
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
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
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
