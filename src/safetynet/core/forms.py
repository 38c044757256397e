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


class OneTimeCodeInput(forms.TextInput):
    """A code typed from a phone's authenticator app: the number pad, and the OS may fill it in."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "autofocus": True,
            "class": "code",
        }
        super().__init__({**base, **(attrs or {})})


class TwoFactorForm(forms.Form):
    """The second sign-in step: the app's six-digit code, or (under "lost your phone?") a backup code."""

    # Long enough for a backup code typed here instead.
    code = forms.CharField(label=_("Six-digit code"), required=False, max_length=20, widget=OneTimeCodeInput)
    backup_code = forms.CharField(
        label=_("Backup code"),
        required=False,
        max_length=20,
        widget=forms.TextInput({"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device: Any = None

    def clean(self) -> dict[str, Any]:
        from safetynet.core import two_factor

        cleaned = super().clean() or {}
        typed = cleaned.get("code") or cleaned.get("backup_code") or ""
        if not typed:
            raise forms.ValidationError(_("Type the code your authenticator app shows."), code="required")
        self.device, throttled = two_factor.verify(self.user, typed)
        if self.device is None:
            if throttled:
                raise forms.ValidationError(
                    _("Too many wrong codes. Wait a minute, then type the code the app shows now."),
                    code="throttled",
                )
            raise forms.ValidationError(
                _("That code is not right, or was used already. Type the code the app shows now."),
                code="invalid",
            )
        return cleaned


class EnrolmentForm(forms.Form):
    """Confirms a new authenticator app: the code it shows for the secret just scanned."""

    code = forms.CharField(label=_("Six-digit code"), max_length=10, widget=OneTimeCodeInput)

    def __init__(self, *args: Any, key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key = key

    def clean_code(self) -> str:
        from safetynet.core import two_factor

        code: str = self.cleaned_data["code"]
        if not two_factor.code_matches(self.key, code):
            raise forms.ValidationError(
                _(
                    "That is not the code the app shows for this account. Check the app's clock, and try again."
                ),
                code="invalid",
            )
        return two_factor.normalise(code)
