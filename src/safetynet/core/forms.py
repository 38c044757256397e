"""Form fields for the way people here write: ROC dates and national IDs as typed."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.domain import nationalid, rocdate


class ROCDateInput(forms.TextInput):
    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "placeholder": "例：110/11/24",
            "inputmode": "numeric",
            "autocomplete": "off",
            "class": "roc-date",
        }
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime.date):
            return rocdate.format(value, "slash")
        text: str | None = super().format_value(value)
        return text


class ROCDateField(forms.Field):
    """Accepts 110/11/24, 110.11.24, 110年11月24日, 1101124 …; cleans to `datetime.date`."""

    widget = ROCDateInput

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return rocdate.parse(str(value))
        except ValueError as exc:
            raise forms.ValidationError(
                _("Not a valid ROC date (%(reason)s). Write it like 110/11/24."),
                code="invalid",
                params={"reason": str(exc)},
            ) from exc


class NationalIdField(forms.CharField):
    """Normalises as typed (full-width, lower case, spaces) and names the rule that failed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return ""
        try:
            return nationalid.validate(value)
        except nationalid.InvalidNationalId as exc:
            if exc.rule == "format":
                raise forms.ValidationError(
                    _("National ID format is wrong: a letter, then 1, 2, 8, 9 or A-D, then 8 digits."),
                    code="format",
                ) from exc
            raise forms.ValidationError(
                _("National ID checksum does not match: check for a mistyped digit."), code="checksum"
            ) from exc


def apply_domain_error(form: forms.Form, error: Exception) -> None:
    """Show a service's `DomainError` on the field it names (or on the whole form)."""
    field = getattr(error, "field", None)
    message = getattr(error, "message", str(error))
    form.add_error(field if field in form.fields else None, message)
