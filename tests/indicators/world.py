"""A small hand-built county for the indicator tests: 苗栗縣 (10005), where the demo puts nothing, so
every count an indicator makes there is a row the test wrote and can count by hand."""

from __future__ import annotations

import datetime
import itertools
import zoneinfo
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.cases.models import Case, Contact, SupervisionSession
from safetynet.domain.casestatus import CaseStatus
from safetynet.intake.models import Dispatch, DispatchOutcome, Report, ReportSubject, Screening
from safetynet.org.models import Agency, AgencyKind, Role, Staff, Unit
from safetynet.people.models import Person, RegistryEntry
from safetynet.referrals.models import Organization, Referral, ServiceCategory

AREA = "10005"
TAIPEI = zoneinfo.ZoneInfo("Asia/Taipei")
TODAY = datetime.date(2026, 12, 1)
_serial = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=TAIPEI)


def user() -> Any:
    return get_user_model().objects.get(username="admin")


def unit(kind: str = "mhc") -> Unit:
    agency, _ = Agency.objects.get_or_create(
        name="苗栗縣政府測試機關", defaults={"kind": AgencyKind.LOCAL, "county_id": AREA}
    )
    return Unit.objects.create(agency=agency, name=f"測試單位{next(_serial)}", kind=kind, county_id=AREA)


def staff(
    where: Unit, role: str, hired: datetime.date, left: datetime.date | None = None, **extra: Any
) -> Staff:
    return Staff.objects.create(
        name=f"測試人員{next(_serial)}",
        unit=where,
        role=Role.objects.get(code=role),
        hired_on=hired,
        left_on=left,
        **extra,
    )


def person() -> Person:
    return Person.objects.create(name=f"測試個案{next(_serial)}", sex="M")


def case(
    where: Unit,
    route: str,
    opened: datetime.datetime,
    *,
    lead: Staff | None = None,
    who: Person | None = None,
    closed: datetime.datetime | None = None,
    status: str | None = None,
) -> Case:
    if status is None:
        status = CaseStatus.CLOSED if closed else CaseStatus.SERVING
    return Case.objects.create(
        route=route,
        person=who or person(),
        area_id=AREA,
        unit=where,
        lead=lead,
        status=status,
        opened_at=opened,
        closed_at=closed,
    )


def contact(of: Case, kind: str, when: datetime.datetime, *, in_error: bool = False) -> Contact:
    return Contact.objects.create(
        case=of,
        kind=kind,
        occurred_at=when,
        minutes=30,
        by=user(),
        recorded_at=when,
        entered_in_error_at=when if in_error else None,
    )


def report(
    received: datetime.datetime,
    types: list[str],
    *,
    who: Person | None = None,
    role: str = "victim",
    screened_after: datetime.timedelta | None = datetime.timedelta(hours=2),
    legacy: bool = False,
) -> ReportSubject:
    """A report with one subject, screened `screened_after` its receipt (None: not screened)."""
    row = Report.objects.create(
        received_at=received,
        area_id=AREA,
        source="SOCIAL",
        channel="web",
        rule_set="v1",
        suggestion={},
        screening_due=received + datetime.timedelta(hours=24),
    )
    subject = ReportSubject.objects.create(
        report=row, ref="s1", person=who or person(), matched_by="new", role=role, types=types
    )
    if screened_after is not None:
        Screening.objects.create(report=row, routes=[], decided_at=received + screened_after, legacy=legacy)
    return subject


def dispatch(
    subject: ReportSubject,
    route: str,
    *,
    outcome: str = DispatchOutcome.ASSIGNED,
    to: Case | None = None,
    after: datetime.timedelta = datetime.timedelta(hours=3),
) -> Dispatch:
    return Dispatch.objects.create(
        screening=subject.report.screening,
        subject=subject,
        route=route,
        outcome=outcome,
        case=to,
        created_at=subject.report.received_at + after,
    )


def registry(who: Person, kind: str, event: datetime.date | None = None) -> RegistryEntry:
    return RegistryEntry.objects.create(
        registry=kind, national_id="", national_id_index=f"test-{next(_serial)}", person=who, event_date=event
    )


def supervision(where: Unit, kind: str, held: datetime.date) -> SupervisionSession:
    return SupervisionSession.objects.create(
        unit=where,
        kind=kind,
        held_on=held,
        supervisor_name="外聘督導",
        recorded_by=user(),
        recorded_at=timezone.now(),
    )


def referral(status: str, requested: datetime.datetime) -> Referral:
    return Referral.objects.create(
        area_id=AREA,
        organization=Organization.objects.order_by("pk").first(),
        category=ServiceCategory.objects.order_by("pk").first(),
        status=status,
        created_at=requested,
        requested_at=requested,
        legacy=True,  # a referral needs a case or to be history; the count is the same
    )
