"""Form fields for the way people here write (ROC dates and national IDs as typed), and the fields that
pick records by id (use these, never Django's own: they refuse an id no database stores)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.db import connections, models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safetynet.core.errors import DomainError
from safetynet.domain import nationalid, rocdate


def roc_date_problem(error: ValueError) -> str:
    """Why a typed date is not an ROC date, in the language of the page."""
    if not isinstance(error, rocdate.RocDateError):
        return str(error)
    code, params = error.code, error.params
    if code == "empty":
        return gettext("Type a date, like 110/11/24.")
    if code == "western_year" and int(str(params.get("roc_year", 0))) <= 0:
        return (
            gettext("%(text)s looks like a Western year: type the ROC year (ROC year = AD year − 1911).")
            % params
        )
    if code == "western_year":
        return (
            gettext(
                "%(text)s looks like a Western year: type the ROC year (AD %(ad_year)s is ROC %(roc_year)s), "
                "like 110/11/24."
            )
            % params
        )
    if code == "year":
        return gettext("%(text)s: there is no ROC year %(year)s.") % params
    if code == "month":
        return gettext("%(text)s: there is no month %(month)s.") % params
    if code == "day":
        return gettext("%(text)s: that month has %(days)s days.") % params
    return gettext("%(text)s is not a date: write it like 110/11/24, 110.11.24 or 1101124.") % {
        "text": params.get("text", "")
    }


class ROCDateInput(forms.TextInput):
    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "placeholder": _("e.g. 110/11/24"),
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
            raise forms.ValidationError(roc_date_problem(exc), code="invalid") from exc


class BirthDateField(ROCDateField):
    """An ROC birth date: never after today."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, datetime.date) and value > timezone.localdate():
            raise forms.ValidationError(_("A birth date cannot be in the future."), code="future")


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
    """Show a service's `DomainError` on the fields it names (or on the whole form): every problem."""
    single = (getattr(error, "field", None), getattr(error, "message", str(error)))
    found = getattr(error, "problems", None)
    # One problem: the error's own field, which a view may have pointed at its form's field.
    problems = found if found and len(found) > 1 else [single]
    for field, message in problems:
        form.add_error(field if field in form.fields else None, message)


def year_asked(params: Any, years: list[int], default: int) -> int:
    """The year `year` names when it is one of `years`; else `default` (a page is never refused for
    a year it does not have)."""
    try:
        year = int(params.get("year", default))
    except (TypeError, ValueError):
        return default
    return year if year in years else default


def submitted(request: HttpRequest, form: forms.Form, save: Callable[[dict[str, Any]], str]) -> bool:
    """A form sent and saved: when it is valid, `save` acts on its data through the services and says
    what it did (shown on the next page); a service's refusal goes on the form (`apply_domain_error`).
    False when the form is to be shown again."""
    if not form.is_valid():
        return False
    try:
        message = save(form.cleaned_data)
    except DomainError as error:
        apply_domain_error(form, error)
        return False
    messages.success(request, message)
    return True


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


class SecondStepResetForm(forms.Form):
    """Why an administrator resets someone's second step; sent twice: written, then confirmed."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("For example: phone lost, reported by the person in person on 115/03/02."),
    )


# The largest id a table stores (a signed 64-bit integer on SQLite and PostgreSQL), for plain integer
# fields that name a record.
MAX_ID = 2**63 - 1


def _refuse_ids_out_of_range(field: forms.ModelChoiceField, values: Iterable[Any]) -> None:  # type: ignore[type-arg]
    """An id beyond the key's column is not one of the choices. Django would hand it to the database
    driver, which cannot even send it (SQLite: OverflowError, a 500) in an `IN (…)` lookup."""
    queryset = field.queryset
    if queryset is None:
        return
    meta = queryset.model._meta
    key = meta.get_field(field.to_field_name) if field.to_field_name else meta.pk
    if not isinstance(key, models.IntegerField):  # AutoField and BigAutoField are integer fields too
        return
    low, high = connections[queryset.db].ops.integer_field_range(key.get_internal_type())
    for value in values:
        try:
            number = int(str(value).strip())
        except ValueError:
            continue  # not a whole number: Django's own check names it
        if (low is not None and number < low) or (high is not None and number > high):
            raise forms.ValidationError(
                field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )


class ModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Django's, refusing an id beyond what the key's column stores as not one of the choices."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values:
            _refuse_ids_out_of_range(self, [value])
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Django's, refusing ids beyond what the key's column stores as not among the choices."""

    def _check_values(self, value: Any) -> Any:
        _refuse_ids_out_of_range(self, value)
        return super()._check_values(value)  # type: ignore[misc]  # Django's, not in its stubs
