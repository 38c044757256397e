"""Referral statistics for a county and period: by category (seed 000's table), by partner, response
time, and the closed-loop rate (REFERRAL_CLOSED_LOOP: completed, or declined with feedback, ÷ sent).

A referral counts in the period of the day it was sent. Everything is computed from the referral rows
(history imported from an earlier system included), in a few grouped queries whatever the volume.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone

from safetynet.domain.referral import ReferralStatus, working_days_between
from safetynet.referrals.models import OPEN_STATUSES, Holiday, Organization, Referral, ServiceCategory

S = ReferralStatus


@dataclass(frozen=True)
class Period:
    area: str
    start: datetime.date | None = None
    end: datetime.date | None = None
    route: str = ""

    def referrals(self) -> QuerySet[Referral]:
        rows = Referral.objects.sent().filter(area_id=self.area)
        if self.start:
            rows = rows.filter(requested_at__gte=_midnight(self.start))
        if self.end:
            rows = rows.filter(requested_at__lt=_midnight(self.end + datetime.timedelta(days=1)))
        if self.route:
            rows = rows.filter(route=self.route)
        return rows


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> Decimal | None:
        """A fraction, or None when nothing was sent (never a fake 0%)."""
        return Decimal(self.numerator) / Decimal(self.denominator) if self.denominator else None


CLOSED_LOOP = (S.COMPLETED, S.REJECTED)  # a decline always carries its reason (service and import require it)


@dataclass
class Tally:
    """Referrals counted by status, with the answers' timing: one partner's, or the county's."""

    statuses: Counter[str] = field(default_factory=Counter)
    answered: int = 0
    on_time: int = 0
    days: list[int] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(self.statuses.values())

    @property
    def open(self) -> int:
        return sum(self.statuses[s] for s in OPEN_STATUSES)

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None

    @property
    def closed_loop(self) -> Rate:
        """REFERRAL_CLOSED_LOOP: completed, or declined with the partner's feedback, ÷ referrals sent."""
        return Rate(sum(self.statuses[s] for s in CLOSED_LOOP), self.sent)

    @property
    def answered_on_time(self) -> Rate:
        return Rate(self.on_time, self.answered)

    def count(self, status: str, answered: bool, on_time: bool, days: int | None) -> None:
        self.statuses[status] += 1
        if answered:
            self.answered += 1
            self.on_time += on_time
            if days is not None:
                self.days.append(days)


@dataclass
class PartnerRow(Tally):
    organization: Organization | None = None


@dataclass
class Summary:
    by_category: list[tuple[ServiceCategory, int]]
    partners: list[PartnerRow]
    county: Tally
    overdue: int

    @property
    def total(self) -> int:
        return self.county.sent


def summarize(period: Period, now: datetime.datetime | None = None) -> Summary:
    now = now or timezone.now()
    rows = period.referrals()
    counted = dict(rows.values_list("category").annotate(n=Count("pk")).values_list("category", "n"))
    by_category = [(c, counted[c.pk]) for c in ServiceCategory.objects.all() if counted.get(c.pk)]
    holidays = set(Holiday.objects.values_list("date", flat=True))
    organizations = Organization.objects.in_bulk(
        list(rows.values_list("organization_id", flat=True).distinct())
    )
    partners: dict[int, PartnerRow] = {}
    county = Tally()
    overdue = 0
    fields = ("organization_id", "status", "requested_at", "responded_at", "due_at")
    for organization_id, status, requested, responded, due in rows.values_list(*fields).iterator():
        row = partners.setdefault(organization_id, PartnerRow(organization=organizations[organization_id]))
        days = None
        if responded is not None:
            days = working_days_between(
                timezone.localdate(requested), timezone.localdate(responded), holidays
            )
        elif status == S.REQUESTED and due is not None and now > due:
            overdue += 1
        on_time = responded is not None and (due is None or responded <= due)
        for tally in (row, county):
            tally.count(status, responded is not None, on_time, days)
    ordered = sorted(
        partners.values(), key=lambda r: (-r.sent, r.organization.name if r.organization else "")
    )
    return Summary(by_category=by_category, partners=ordered, county=county, overdue=overdue)
