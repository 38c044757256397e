"""The report flow's state, shared by its steps (`subjects`, `screening`, `progress`, `checkpoint`)."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from safetynet.demo import partners
from safetynet.demo.casework import Casework
from safetynet.demo.incidents import Incident
from safetynet.demo.reports.flowdata import FlowData
from safetynet.demo.reports.people import People
from safetynet.demo.reports.scheduler import Scheduler
from safetynet.demo.workday import WorkingDay
from safetynet.intake.models import RouteService
from safetynet.intake.rules import current_rule_set
from safetynet.org import services as org
from safetynet.org.models import AccessKind, Staff, Unit, UnitKind


@dataclass
class FlowSummary:
    reports: int = 0
    screened: int = 0
    overridden: int = 0
    cases: int = 0
    reopened: int = 0
    assigned_by_supervisor: int = 0
    registry_entries: int = 0
    carried_over: int = 0
    closed_for_caseload: int = 0
    carried_at_checkpoint: int = 0
    closed_at_checkpoint: int = 0
    risk_meetings: int = 0
    supervision_sessions: int = 0


class Flow:
    """What the flow's steps share: the county as the flow knows it, the event queue, the plans made."""

    def __init__(
        self,
        rng: random.Random,
        data: FlowData,
        years: tuple[int, int],
        scale: float,
        today: datetime.date,
        end: datetime.datetime,
        id_letters: dict[str, str],
        referral_rng: random.Random | None = None,
    ) -> None:
        self.rng = rng
        self.data = data
        self.years = years
        self.scale = scale
        self.today = today
        self.end = end
        self.counties = sorted({area for area, _ in data.volumes})
        self.people = People(rng, id_letters, self.counties)
        self.summary = FlowSummary()
        self.scheduler = Scheduler(end)
        self.at = self.scheduler.at  # do an action at a moment, unless that is after the demo's end
        self.history: dict[tuple[str, str], list[Incident]] = defaultdict(list)
        self.services = {s.route: s for s in RouteService.objects.order_by("pk")}
        self.tipvda_high = current_rule_set().tipvda_high
        self.units = {u.pk: u for u in Unit.objects.filter(county_id__in=self.counties).order_by("pk")}
        # Every worker records under their own account; the demo's extra staff get one that cannot sign in.
        for staff in Staff.objects.filter(
            user__isnull=True, unit__county_id__in=self.counties
        ).select_related("role"):
            org.create_account(staff, username=f"staff{staff.pk:05d}", password=None)
        accounts = Staff.objects.filter(user__isnull=False).select_related("user", "role", "unit")
        self.screeners: dict[str, Any] = {}
        self.supervisors: dict[int, Any] = {}
        # A closure is approved by a supervisor of the unit employed today (the service checks it).
        day = timezone.localdate()
        for staff in accounts.order_by("pk"):
            if staff.role.kind == AccessKind.SCREENER and staff.unit.kind == UnitKind.SCREENING:
                self.screeners.setdefault(staff.unit.county_id or "", staff.user)
            if staff.role.kind == AccessKind.SUPERVISOR and staff.is_active(day):
                self.supervisors.setdefault(staff.unit_id, staff.user)
        self.staff_users = {s.pk: s.user for s in accounts}
        self.last_days = {s.pk: s.left_on for s in accounts}
        referrals = partners.ReferralWork(referral_rng, self.at, self.end) if referral_rng else None
        self.casework = Casework(rng, self.at, self.end, referrals)
        self.workday = WorkingDay(rng, self.end, self.people, self.at, self.casework)
        # What the checkpoint balance needs to count as the indicator engine will (see `checkpoint.balance_at_checkpoint`).
        self.not_opening: set[int] = set()  # cases whose move to 未成案 is planned
        self.reserved: dict[int, Staff] = {}  # waiting cases and the worker the supervisor gives them to
        self.closed_early: set[int] = set()  # closed for the checkpoint: the flow's plan for them lapses
        self.closing_at: dict[int, datetime.datetime] = {}  # planned closures
        self.protected: set[int] = set()  # counted on the checkpoint
        self.checkpointed = False
