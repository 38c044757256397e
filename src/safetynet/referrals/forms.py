"""Forms of referrals. They check the shape of the input; the services decide what is allowed and their
`DomainError` lands on the field it names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from safetynet.core.forms import ModelChoiceField, ROCDateField
from safetynet.domain.referral import SHAREABLE, ReferralStatus, needs_note
from safetynet.referrals.models import (
    REFERRAL_STATUS_LABELS,
    Consent,
    Service,
    ServiceCategory,
    ServiceStatus,
    Urgency,
)

SHARE_LABELS = {
    "name": _("Name"),
    "sex": _("Sex"),
    "age": _("Age"),
    "birth_date": _("Birth date"),
    "phone": _("Phone"),
    "address": _("Address"),
    "town": _("Town"),
}
DEFAULT_SHARES = ["name", "sex", "age", "phone", "town"]
# The badge of each status on the pages (ok / warn / bad).
STATUS_BADGE = {
    ReferralStatus.DRAFT: "",
    ReferralStatus.REQUESTED: "warn",
    ReferralStatus.ACCEPTED: "ok",
    ReferralStatus.IN_PROGRESS: "ok",
    ReferralStatus.ON_HOLD: "warn",
    ReferralStatus.COMPLETED: "ok",
    ReferralStatus.REJECTED: "bad",
    ReferralStatus.FAILED: "bad",
    ReferralStatus.CANCELED: "",
}
# What each move is called on its button, for the side that makes it.
MOVE_LABELS = {
    ReferralStatus.REQUESTED: _("Send to the partner"),
    ReferralStatus.ACCEPTED: _("Accept"),
    ReferralStatus.REJECTED: _("Decline the referral"),
    ReferralStatus.IN_PROGRESS: _("Start the service"),
    ReferralStatus.ON_HOLD: _("Put on hold"),
    ReferralStatus.COMPLETED: _("Completed: record the outcome"),
    ReferralStatus.FAILED: _("Could not be done"),
    ReferralStatus.CANCELED: _("Cancel the referral"),
}

# Moves that end the referral ask first: they cannot be undone.
MOVE_CONFIRM = {
    ReferralStatus.REJECTED: _("Decline this referral? The referring unit reads your reason; this is final."),
    ReferralStatus.COMPLETED: _("Record the referral as completed? This ends it."),
    ReferralStatus.FAILED: _("Record that the service could not be done? This ends the referral."),
    ReferralStatus.CANCELED: _("Cancel this referral? The other side is told, and it cannot be sent again."),
}


def services_for(category: ServiceCategory | None) -> QuerySet[Service]:
    """Active services of active partners in `category`, by organisation."""
    rows = Service.objects.filter(status=ServiceStatus.ACTIVE, organization__active=True).select_related(
        "organization"
    )
    if category is None:
        return rows.none()
    return rows.filter(categories=category).order_by("organization__name", "name")


class ServiceChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.organization.alternate_name or obj.organization.name}・{obj.name}"


class ReferralForm(forms.Form):
    category = ModelChoiceField(
        label=_("Referral category"),
        queryset=ServiceCategory.objects.filter(active=True),
        empty_label=_("Choose…"),
    )
    service = ServiceChoiceField(label=_("Partner and service"), queryset=Service.objects.none())
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason for the referral"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the partner needs to know to help; the partner reads it."),
    )
    consent = forms.ChoiceField(label=_("Consent"), choices=Consent.choices, widget=forms.RadioSelect)
    legal_basis = forms.CharField(
        label=_("Legal basis (when consent is not needed)"), max_length=200, required=False
    )
    shares = forms.MultipleChoiceField(
        label=_("What the partner may see of the person"),
        choices=[(s, SHARE_LABELS[s]) for s in SHAREABLE],
        initial=DEFAULT_SHARES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Never the national ID. A sexual-assault victim reaches the partner masked."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = None
        raw = self.data.get("category") if self.is_bound else self.initial.get("category")
        if raw:
            category = ServiceCategory.objects.filter(
                pk=raw if str(raw).isdigit() else 0, active=True
            ).first()
        service_field = self.fields["service"]
        assert isinstance(service_field, forms.ModelChoiceField)  # noqa: S101 - mypy
        service_field.queryset = services_for(category)


class MoveForm(forms.Form):
    """One move of the referral: the state it goes to and, where one is due, the note."""

    to = forms.ChoiceField(label=_("Next step"), choices=REFERRAL_STATUS_LABELS.choices)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to") and needs_note(data["to"]) and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why, or what came of it."))
        return data

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The note's id names its move (`move-declined-note`), as the page's text area for that move does.
        data = args[0] if args else kwargs.get("data")
        wanted = str((data or {}).get("to", ""))
        known = wanted in {s.value for s in ReferralStatus}
        kwargs.setdefault("auto_id", f"move-{wanted if known else 'x'}-%s")
        super().__init__(*args, **kwargs)


class LinkAnswerForm(MoveForm):
    by_name = forms.CharField(label=_("Your name"), max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_%s")
        super().__init__(*args, **kwargs)


class StatsForm(forms.Form):
    area = forms.ChoiceField(label=_("County"), choices=[])
    start = ROCDateField(label=_("From"), required=False)
    end = ROCDateField(label=_("To"), required=False)
    route = forms.ChoiceField(label=_("Referring service"), choices=[], required=False)

    def __init__(
        self, *args: Any, areas: list[tuple[str, str]], routes: list[tuple[str, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        area_field = self.fields["area"]
        route_field = self.fields["route"]
        assert isinstance(area_field, forms.ChoiceField) and isinstance(route_field, forms.ChoiceField)  # noqa: S101 - mypy
        area_field.choices = areas
        route_field.choices = [("", _("All")), *routes]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end is before the start."))
        return data
