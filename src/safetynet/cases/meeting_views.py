"""The high-risk IPV list (TIPVDA at or above the rule set's `tipvda_high`, 8 by default) and the monthly
高危機網絡會議 that keeps or delists its cases.

Who sees what (DOMAIN §11, need-to-know):
- the county's FPC staff (caseworkers and supervisors of a 家防中心) see every listed case of the county:
  the meeting discusses them by name;
- other caseworkers and supervisors see only the listed cases they may see anyway (`cases_visible_to`),
  so a name they see is one they could read on the case page;
- managers see aggregates only: how many cases each unit has listed, how many may be delisted and how
  many were never discussed, and each meeting's decisions counted, never a name, case or note;
- partners, reviewers, screeners and administrators get 403;
- a meeting is recorded by the county's FPC supervisors.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from safetynet.audit.services import record_listing
from safetynet.cases import services
from safetynet.cases.models import (
    Assessment,
    Case,
    CaseQuerySet,
    MeetingDecision,
    RiskMeeting,
    RiskMeetingCase,
)
from safetynet.core import words
from safetynet.core.access import cases_visible_to, kinds_required, require_kind
from safetynet.core.errors import DomainError
from safetynet.core.forms import ROCDateField
from safetynet.domain import rocdate
from safetynet.org.models import AccessKind, Staff, UnitKind

K = AccessKind
LIST_KINDS = (K.CASEWORKER, K.SUPERVISOR, K.MANAGER)
NOT_DISCUSSED = ""


@dataclass(frozen=True)
class Scope:
    staff: Staff

    @property
    def county_wide(self) -> bool:
        """FPC staff read every listed case of the county; managers count them."""
        return self.staff.unit.kind == UnitKind.FPC or self.aggregates_only

    @property
    def aggregates_only(self) -> bool:
        return self.staff.role.kind == K.MANAGER

    @property
    def may_record(self) -> bool:
        return self.staff.role.kind == K.SUPERVISOR and self.staff.unit.kind == UnitKind.FPC


@dataclass
class Tally:
    """A unit's listed cases, counted for a manager."""

    unit: str
    listed: int = 0
    eligible: int = 0
    undiscussed: int = 0


def _scope(user: Any) -> Scope:
    staff = require_kind(user, LIST_KINDS)
    if staff.unit.county_id is None:
        raise Http404
    return Scope(staff)


def _cases(user: Any, scope: Scope) -> CaseQuerySet:
    """The cases of the user's county these pages read for the user (listed or not)."""
    county = Case.objects.filter(area_id=scope.staff.unit.county_id)
    return county if scope.county_wide else county.filter(pk__in=cases_visible_to(user).values("pk"))


def _rules() -> tuple[int, dict[str, str]]:
    """The rule set's TIPVDA cut-off (`tipvda_high`) and route labels, read once per request."""
    rules = words.rule_set()
    return rules.tipvda_high, rules.codes.routes


def _rows(user: Any, cases: list[Case], high: int) -> list[dict[str, Any]]:
    """One row per listed case: latest TIPVDA, whether a re-test below the cut-off allows delisting,
    the last meeting decision, and whether the viewer may open the case."""
    ids = [c.pk for c in cases]
    tests: dict[int, list[Assessment]] = {}
    tipvda = cast(
        "QuerySet[Assessment]",
        Assessment.objects.valid().filter(case_id__in=ids, instrument="tipvda"),
    )
    for a in tipvda.order_by("-assessed_at", "-pk"):
        tests.setdefault(a.case_id, []).append(a)
    last: dict[int, RiskMeetingCase] = {}
    for d in (
        RiskMeetingCase.objects.filter(case_id__in=ids)
        .select_related("meeting")
        .order_by("-meeting__held_on", "-meeting_id")
    ):
        last.setdefault(d.case_id, d)
    visible = set(cases_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    rows = []
    for case in cases:
        mine = tests.get(case.pk, [])
        since = [a for a in mine if case.high_risk_since is None or a.assessed_at >= case.high_risk_since]
        latest = mine[0] if mine else None
        eligible = bool(since) and since[0].total is not None and since[0].total < high
        rows.append(
            {
                "case": case,
                "linked": case.pk in visible,
                "since": timezone.localdate(case.high_risk_since) if case.high_risk_since else None,
                "latest": latest,
                "eligible": eligible,
                "last": last.get(case.pk),
            }
        )
    return rows


def _tallies(rows: list[dict[str, Any]]) -> tuple[list[Tally], Tally]:
    """The rows counted by unit and in all, for a manager: no name, case number or note leaves here."""
    by_unit: dict[str, Tally] = {}
    total = Tally("")
    for row in rows:
        name = row["case"].unit.name
        for tally in (by_unit.setdefault(name, Tally(name)), total):
            tally.listed += 1
            tally.eligible += row["eligible"]
            tally.undiscussed += row["last"] is None
    return sorted(by_unit.values(), key=lambda t: t.unit), total


def _listed(user: Any, scope: Scope) -> list[Case]:
    """Open listed cases: a closed case has nothing left for the meeting to decide."""
    return list(
        _cases(user, scope)
        .open()
        .filter(high_risk=True)
        .select_related("person", "unit", "lead")
        .order_by("high_risk_since", "pk")
    )


@kinds_required(*LIST_KINDS)
@require_safe
def high_risk(request: HttpRequest) -> HttpResponse:
    """The county's high-risk IPV list for the monthly network meeting, with the past meetings."""
    scope = _scope(request.user)
    high, routes = _rules()
    rows = _rows(request.user, _listed(request.user, scope), high)
    tallies, total = _tallies(rows) if scope.aggregates_only else (None, None)
    if not scope.aggregates_only:
        record_listing(request.user, "cases.case", [row["case"].person_id for row in rows])
    meetings = (
        RiskMeeting.objects.filter(area_id=scope.staff.unit.county_id)
        .annotate(decided=Count("decisions"))
        .order_by("-held_on", "-pk")[:24]
    )
    return render(
        request,
        "cases/high_risk.html",
        {
            "rows": [] if scope.aggregates_only else rows,
            "tallies": tallies,
            "total": total,
            "listed": len(rows),
            "meetings": meetings,
            "scope": scope,
            "high": high,
            "routes": routes,
        },
    )


class MeetingForm(forms.Form):
    """The meeting's date, title and attendees, and for each listed case a decision and a note."""

    held_on = ROCDateField(label=gettext_lazy("Date"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    attendees = forms.CharField(
        label=gettext_lazy("Attendees (units and people)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, cases: list[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cases = cases
        choices = [
            (MeetingDecision.KEEP.value, MeetingDecision.KEEP.label),
            (MeetingDecision.DELIST.value, MeetingDecision.DELIST.label),
            (NOT_DISCUSSED, _("Not discussed")),
        ]
        for case in cases:
            self.fields[f"decision-{case.pk}"] = forms.ChoiceField(
                label=_("Decision"),
                choices=choices,
                required=False,
                initial=NOT_DISCUSSED,
                widget=forms.RadioSelect,
            )
            self.fields[f"note-{case.pk}"] = forms.CharField(
                label=_("Note"), required=False, max_length=2000, widget=forms.TextInput
            )

    def decisions(self) -> list[services.Decision]:
        data = self.cleaned_data
        return [
            services.Decision(case, data[f"decision-{case.pk}"], data.get(f"note-{case.pk}") or "")
            for case in self.cases
            if data.get(f"decision-{case.pk}")
        ]


def default_title(day: datetime.date) -> str:
    return _("High-risk network meeting %(year)s/%(month)s") % {
        "year": rocdate.to_roc_year(day),
        "month": day.month,
    }


@kinds_required(K.SUPERVISOR)
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    """Record the month's meeting: a decision per listed case; a refused delisting saves nothing."""
    scope = _scope(request.user)
    if not scope.may_record:
        raise PermissionDenied
    high, routes = _rules()
    cases = _listed(request.user, scope)
    today = timezone.localdate()
    form = MeetingForm(
        request.POST or None, cases=cases, initial={"held_on": today, "title": default_title(today)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.record_risk_meeting(
                area=scope.staff.unit.county_id or "",
                held_on=form.cleaned_data["held_on"],
                title=form.cleaned_data["title"],
                attendees=form.cleaned_data["attendees"],
                decisions=form.decisions(),
                by=request.user,
            )
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("cases:meeting", pk=meeting.pk)
    record_listing(request.user, "cases.case", [case.person_id for case in cases])
    rows = [
        {
            **row,
            "decision": form[f"decision-{row['case'].pk}"],
            "note": form[f"note-{row['case'].pk}"],
        }
        for row in _rows(request.user, cases, high)
    ]
    return render(
        request,
        "cases/meeting_form.html",
        {"form": form, "rows": rows, "high": high, "routes": routes},
    )


@kinds_required(*LIST_KINDS)
@require_safe
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting: the decisions on the cases the viewer may see, and every decision counted."""
    scope = _scope(request.user)
    found = RiskMeeting.objects.filter(area_id=scope.staff.unit.county_id, pk=pk).first()
    if found is None:
        raise Http404
    decisions = list(
        found.decisions.select_related("case__person", "case__unit", "case__lead").order_by("case__pk")
    )
    named = [] if scope.aggregates_only else decisions
    allowed = set(
        _cases(request.user, scope).filter(pk__in=[d.case_id for d in named]).values_list("pk", flat=True)
    )
    shown = [d for d in named if d.case_id in allowed]
    visible = set(cases_visible_to(request.user).filter(pk__in=allowed).values_list("pk", flat=True))
    rows = [{"decision": d, "case": d.case, "linked": d.case_id in visible} for d in shown]
    record_listing(request.user, "cases.case", [d.case.person_id for d in shown])
    counted = [
        (label, sum(d.decision == value for d in decisions)) for value, label in MeetingDecision.choices
    ]
    return render(
        request,
        "cases/meeting_detail.html",
        {
            "meeting": found,
            "rows": rows,
            "others": len(decisions) - len(shown),
            "counted": counted,
            "scope": scope,
            "routes": _rules()[1],
        },
    )
