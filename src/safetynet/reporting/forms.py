"""The report request form: area, year, format, edition and the years of the referral statistics.
Choices are the user's own (their areas; the internal edition for managers only); the service checks
the rest and names the field at fault."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.reporting.models import Edition, Format


class ReportForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"))
    year = forms.TypedChoiceField(label=_("Plan year (ROC)"), coerce=int)
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices, initial=Format.PDF)
    edition = forms.ChoiceField(label=_("Edition"), initial=Edition.PUBLIC)
    referrals_from = forms.IntegerField(
        label=_("Referral statistics from (ROC year)"), required=False, min_value=1
    )
    referrals_to = forms.IntegerField(label=_("to (ROC year)"), required=False, min_value=1)

    def __init__(
        self, *args: Any, areas: list[tuple[str, str]], years: list[int], internal: bool, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas  # type: ignore[attr-defined]
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        editions = [(Edition.PUBLIC, _("Public (aggregates, small cells suppressed)"))]
        if internal:
            editions.append((Edition.INTERNAL, _("Internal (with workers' names)")))
        self.fields["edition"].choices = editions  # type: ignore[attr-defined]

    def referrals(self) -> tuple[int, int] | None:
        first, last = self.cleaned_data.get("referrals_from"), self.cleaned_data.get("referrals_to")
        if first is None and last is None:
            return None
        if first is None or last is None:
            self.add_error(
                "referrals_from" if first is None else "referrals_to", _("Give both years, or neither.")
            )
            return None
        return first, last
