"""A person's (or a household's) timeline: reports, cases, status moves, closures, contacts and
assessments across units, filtered by what the viewer may see (DOMAIN §11, need-to-know).

What a viewer sees, decided here once:
- the person page itself is already scoped (`get_person_for`); the timeline adds nothing a viewer could
  not read on the case pages they may open;
- a case the viewer may see (`cases_visible_to`: lead, co-workers, co-case workers, the unit's
  supervisors) appears in full: the case (route, unit, lead, status, opened), its status moves and
  closure requests, its contacts (kind, date, minutes, who, and the note), its assessments (instrument,
  band, total, date), and the reports behind it (received date, types, the person's role — never the
  narrative, which stays on the case page);
- a report reaches the timeline only through a case the viewer may see, or for the screening desk
  through `reports_visible_to` (its county's reports); other reports are left out entirely, so a report
  type such as 性侵害 (SA) never shows outside the people already serving or screening it;
- a case the viewer may not see appears once, outside the dated rows, as "a case outside your
  caseload" with its route and status only: no unit, worker, date, report, contact, assessment or note.
  That is the minimum a worker needs to know someone else serves the person (and to ask about a
  co-case) without learning why;
- on a household page, only members the viewer may see as persons (`persons_visible_to`) are merged.

Each source is a function from the `Context` to `Entry` rows, reading only `context.visible` cases;
referrals to partners are one of them.
Query count is bounded: one query per source plus a few to scope, whatever the number of cases.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from safetynet.cases.models import Assessment, Case, CaseReport, Closure, Contact, StatusChange
from safetynet.core import words
from safetynet.core.access import cases_visible_to, reports_visible_to
from safetynet.core.dates import roc
from safetynet.intake.models import ReportSubject, SubjectRole
from safetynet.people.models import Person
from safetynet.referrals.models import Referral


@dataclass(frozen=True)
class Entry:
    """One dated row of the timeline."""

    at: datetime.datetime
    kind: str  # report | case | status | closure | contact | assessment | referral
    person: Person
    title: str
    detail: str = ""
    note: str = ""
    by: str = ""
    case: Case | None = None
    url: str = ""


@dataclass(frozen=True)
class OtherCase:
    """A case the viewer may not see: only that it exists, its route and its status."""

    person: Person
    route: str
    status: str


@dataclass
class Context:
    user: Any
    persons: dict[int, Person]
    visible: dict[int, Case]  # the persons' cases the viewer may see, by pk


@dataclass
class Timeline:
    entries: list[Entry] = field(default_factory=list)
    elsewhere: list[OtherCase] = field(default_factory=list)


Source = Callable[[Context], Iterable[Entry]]


def _name(user: Any) -> str:
    """Who wrote an entry, by name (never the username); nothing for the system's own entries."""
    return "" if user is None else words.staff_name(user)


def _case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def case_entries(ctx: Context) -> Iterable[Entry]:
    for case in ctx.visible.values():
        parts = [
            case.unit.name,
            case.lead.name if case.lead else _("no lead yet"),
            case.get_status_display(),
        ]
        if case.closed_at:
            parts.append(_("closed %(date)s") % {"date": roc(case.closed_at)})
        yield Entry(
            at=case.opened_at,
            kind="case",
            person=ctx.persons[case.person_id],
            title=_("Case opened: %(route)s") % {"route": words.route_name(case.route)},
            detail=" · ".join(parts),
            case=case,
            url=_case_url(case),
        )


def status_entries(ctx: Context) -> Iterable[Entry]:
    rows = (
        StatusChange.objects.filter(case_id__in=list(ctx.visible))
        .exclude(from_status="")
        .select_related("by__staff")
    )
    for row in rows:
        case = ctx.visible[row.case_id]
        yield Entry(
            at=row.at,
            kind="status",
            person=ctx.persons[case.person_id],
            title=f"{row.get_from_status_display()} → {row.get_to_status_display()}",
            detail=row.reason,
            by=_name(row.by),
            case=case,
            url=_case_url(case),
        )


def closure_entries(ctx: Context) -> Iterable[Entry]:
    rows = Closure.objects.filter(case_id__in=list(ctx.visible)).select_related("requested_by__staff")
    for row in rows:
        case = ctx.visible[row.case_id]
        state = (
            _("waiting for the supervisor")
            if row.approved is None
            else _("approved")
            if row.approved
            else _("declined")
        )
        yield Entry(
            at=row.requested_at,
            kind="closure",
            person=ctx.persons[case.person_id],
            title=_("Closure requested: %(reason)s") % {"reason": words.term(row.get_reason_display())},
            detail=state,
            by=_name(row.requested_by),
            case=case,
            url=_case_url(case),
        )


def contact_entries(ctx: Context) -> Iterable[Entry]:
    rows = cast(
        "QuerySet[Contact]",
        Contact.objects.valid().filter(case_id__in=list(ctx.visible)).select_related("by__staff"),
    )
    for row in rows:
        case = ctx.visible[row.case_id]
        yield Entry(
            at=row.occurred_at,
            kind="contact",
            person=ctx.persons[case.person_id],
            title=words.term(row.get_kind_display()),
            detail=_("%(minutes)s min") % {"minutes": row.minutes}
            + (f" · {row.with_whom}" if row.with_whom else ""),
            note=row.note,
            by=_name(row.by),
            case=case,
            url=_case_url(case),
        )


def assessment_entries(ctx: Context) -> Iterable[Entry]:
    rows = cast(
        "QuerySet[Assessment]",
        Assessment.objects.valid().filter(case_id__in=list(ctx.visible)).select_related("by__staff"),
    )
    for row in rows:
        case = ctx.visible[row.case_id]
        total = "" if row.total is None else _("total %(total)s") % {"total": row.total}
        yield Entry(
            at=row.assessed_at,
            kind="assessment",
            person=ctx.persons[case.person_id],
            title=f"{words.instrument_name(row.instrument)}{': ' if words.english() else '：'}"
            f"{words.assessment_label(row) or row.band}",
            detail=total,
            by=_name(row.by),
            case=case,
            url=_case_url(case),
        )


def report_entries(ctx: Context) -> Iterable[Entry]:
    """The persons' reports reached through a visible case, or by the screening desk of the county."""
    through_cases = CaseReport.objects.filter(case_id__in=list(ctx.visible)).values("report_id")
    subjects = ReportSubject.objects.filter(person_id__in=list(ctx.persons)).select_related("report")
    desk = reports_visible_to(ctx.user).values("pk")
    rows = subjects.filter(report_id__in=through_cases) | subjects.filter(report_id__in=desk)
    for row in rows.distinct().order_by("report__received_at", "pk"):
        types = words.type_names(row.types or [])
        role = words.term(SubjectRole(row.role).label) if row.role in SubjectRole.values else row.role
        yield Entry(
            at=row.report.received_at,
            kind="report",
            person=ctx.persons[row.person_id],
            title=_("Report received: %(types)s") % {"types": types or "—"},
            detail=role,
        )


def referral_entries(ctx: Context) -> Iterable[Entry]:
    """Referrals of the visible cases to partners: where to, and where the loop stands."""
    rows = Referral.objects.filter(case_id__in=list(ctx.visible)).select_related(
        "organization", "category", "referred_by__staff"
    )
    for row in rows:
        case = ctx.visible[row.case_id or 0]
        partner = row.organization.alternate_name or row.organization.name
        yield Entry(
            at=row.requested_at or row.created_at,
            kind="referral",
            person=ctx.persons[case.person_id],
            title=_("Referral: %(category)s to %(partner)s")
            % {"category": row.category.name, "partner": partner},
            detail=row.get_status_display(),
            note=row.outcome,
            by=_name(row.referred_by),
            case=case,
            url=reverse("referrals:detail", args=[row.pk]),
        )


SOURCES: list[Source] = [
    report_entries,
    case_entries,
    status_entries,
    closure_entries,
    contact_entries,
    assessment_entries,
    referral_entries,
]


def build(user: Any, persons: Sequence[Person]) -> Timeline:
    """The merged timeline of `persons` (already checked visible to `user`), the newest first."""
    by_pk = {p.pk: p for p in persons}
    if not by_pk:
        return Timeline()
    cases = list(
        Case.objects.filter(person_id__in=list(by_pk))
        .select_related("unit", "lead")
        .order_by("opened_at", "pk")
    )
    seen = set(cases_visible_to(user).filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True))
    ctx = Context(
        user=user,
        persons=by_pk,
        visible={c.pk: c for c in cases if c.pk in seen},
    )
    entries = [entry for source in SOURCES for entry in source(ctx)]
    entries.sort(key=lambda e: e.at, reverse=True)
    elsewhere = [
        OtherCase(by_pk[c.person_id], words.route_name(c.route), c.get_status_display())
        for c in cases
        if c.pk not in seen
    ]
    return Timeline(entries=entries, elsewhere=elsewhere)
