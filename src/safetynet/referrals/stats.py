"""Referral statistics for a county and period: by category (seed 000's table), by partner, response
time, and the closed-loop rate (REFERRAL_CLOSED_LOOP: completed, or declined with feedback, ÷ sent).

A referral counts in the period of the day it was sent. Everything is computed from the referral rows
(history imported from an earlier system included), in a few grouped queries whatever the volume.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from safetynet.domain.referral import working_days_between
from safetynet.referrals.models import Holiday, Organization, Referral, ReferralStatus, ServiceCategory

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


@dataclass
class PartnerRow:
    organization: Organization
    sent: int = 0
    answered: int = 0
    on_time: int = 0
    completed: int = 0
    rejected: int = 0
    failed: int = 0
    canceled: int = 0
    open: int = 0
    days: list[int] = field(default_factory=list)

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None

    @property
    def closed_loop(self) -> Rate:
        return Rate(self.completed + self.rejected, self.sent)


@dataclass
class Summary:
    period: Period
    by_category: list[tuple[ServiceCategory, int]]
    partners: list[PartnerRow]
    total: int
    closed_loop: Rate
    answered_on_time: Rate
    median_days: float | None
    unanswered: int
    overdue: int


def closed_loop_rate(rows: QuerySet[Referral]) -> Rate:
    """REFERRAL_CLOSED_LOOP: completed, or declined with the partner's feedback, ÷ referrals sent.

    A decline always carries its reason: the service requires it, and so does the history import."""
    counts = rows.aggregate(
        sent=Count("pk"), closed=Count("pk", filter=Q(status__in=(S.COMPLETED, S.REJECTED)))
    )
    return Rate(counts["closed"], counts["sent"])


def summarize(period: Period, now: datetime.datetime | None = None) -> Summary:
    now = now or timezone.now()
    rows = period.referrals()
    categories = {c.pk: c for c in ServiceCategory.objects.all()}
    counted = dict(rows.values_list("category").annotate(n=Count("pk")).values_list("category", "n"))
    by_category = [(c, counted[c.pk]) for c in categories.values() if counted.get(c.pk)]
    holidays = set(Holiday.objects.values_list("date", flat=True))
    partners: dict[int, PartnerRow] = {}
    organizations = Organization.objects.in_bulk(
        list(rows.values_list("organization_id", flat=True).distinct())
    )
    statuses: dict[str, int] = defaultdict(int)
    on_time = answered = overdue = 0
    all_days: list[int] = []
    fields = ("organization_id", "status", "requested_at", "responded_at", "due_at")
    for organization_id, status, requested, responded, due in rows.values_list(*fields).iterator():
        row = partners.setdefault(organization_id, PartnerRow(organizations[organization_id]))
        row.sent += 1
        statuses[status] += 1
        if status in (S.COMPLETED, S.REJECTED, S.FAILED, S.CANCELED):
            setattr(row, status, getattr(row, status) + 1)
        else:
            row.open += 1
        if responded is not None:
            row.answered += 1
            answered += 1
            days = working_days_between(
                timezone.localdate(requested), timezone.localdate(responded), holidays
            )
            row.days.append(days)
            all_days.append(days)
            if due is None or responded <= due:
                row.on_time += 1
                on_time += 1
        elif status == S.REQUESTED and due is not None and now > due:
            overdue += 1
    ordered = sorted(partners.values(), key=lambda r: (-r.sent, r.organization.name))
    return Summary(
        period=period,
        by_category=by_category,
        partners=ordered,
        total=sum(counted.values()),
        closed_loop=closed_loop_rate(rows),
        answered_on_time=Rate(on_time, answered),
        median_days=statistics.median(all_days) if all_days else None,
        unanswered=statuses[S.REQUESTED],
        overdue=overdue,
    )
