"""The demo's partner network and its referrals, through the same importers and services as real ones.

- The directory: seed 000's partners (data/partners.csv), imported by `safetynet import partners`'s
  importer; the demo's partner account (嘉義家扶中心) answers for its organisation.
- History: seed 000's table of the 心理衛生社工's referrals 107-109 (精神安置機構 35 … 慈善協會及慈善團體
  307, total 450), written as the file an earlier system would export and imported by `safetynet import
  referrals`'s importer, so the statistics page computes the table from records.
- Live referrals (`ReferralWork`): workers refer some of their cases to a partner's service during the
  case, and the partner answers — in the portal for the organisation with accounts, otherwise through
  a single-use link — accepts or rejects, serves, and completes or fails, each at its own time.
"""

from __future__ import annotations

import csv
import datetime
import random
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from safetynet.cases.models import Case
from safetynet.core.errors import DomainError
from safetynet.core.imports import run_import
from safetynet.demo.casework import CaseFile
from safetynet.domain.referral import ReferralStatus, Side
from safetynet.org.models import Unit
from safetynet.referrals import services
from safetynet.referrals.imports import partners_importer, referrals_importer
from safetynet.referrals.models import (
    Consent,
    Organization,
    Referral,
    Service,
    ServiceCategory,
    ServiceStatus,
    Urgency,
)

DATA = Path(__file__).resolve().parent / "data"
TAIPEI = ZoneInfo("Asia/Taipei")
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
PARTNER_ORGANIZATION = "嘉義家扶中心"  # the demo's `partner` account works there

# Seed 000: 107-109強化社會安全網心理衛生社工服務轉介數, by category, and who received them.
SEED_000_TABLE = {
    "psychiatric_placement": (35, ("大恩精神護理之家", "尚安康復之家", "嘉義榮民醫院")),
    "home_psychiatric_assessment": (1, ("嘉義縣社區心理衛生中心",)),
    "employment": (30, ("朴子就業中心", "嘉義就業中心")),
    "vocational_rehabilitation": (13, ("朴子就業中心", "嘉義就業中心", "嘉義縣身心障礙者聯合協會")),
    "long_term_care": (26, ("嘉義縣長期照顧中心",)),
    "missing_person_search": (7, ("嘉義縣警察局",)),
    "family_service_centre": (26, ("嘉義縣社會局",)),
    "emergency_relief": (5, ("嘉義縣社會局", "嘉義縣慈善團體聯合協會")),
    "charity": (
        307,
        (
            "嘉義縣慈善團體聯合協會",
            "九華山地藏庵",
            "福添福社會福利基金會",
            "雙福社會福利基金會",
            "世界展望會",
            "嘉義家扶中心",
            "日安社福中心",
            "嘉義縣身心障礙者聯合協會",
        ),
    ),
}
HISTORY_AREA = "10010"
HISTORY_UNIT = "嘉義縣社區心理衛生中心"
HISTORY_YEARS = (107, 109)
HISTORY_YEAR_SHARE = (0.27, 0.33, 0.40)  # the service grew over phase 1
# How past referrals ended: mostly completed; a few declined or not carried through.
HISTORY_OUTCOMES = (("completed", 86), ("rejected", 8), ("failed", 4), ("canceled", 2))
OUTCOME_TEXT = {
    "completed": ("已提供服務並回覆轉介單位", "已媒合資源，個案持續使用中", "已完成評估與服務"),
    "rejected": ("不符服務資格", "個案已由其他單位服務", "額滿，建議轉介他處"),
    "failed": ("個案失聯，未能提供服務", "個案拒絕接受服務"),
    "canceled": ("個案需求已改變，撤回轉介",),
}


def load_directory() -> int:
    """Import the partner directory and let the demo's partner account answer for its organisation."""
    count = run_import(partners_importer(), DATA / "partners.csv")
    unit = Unit.objects.filter(name=PARTNER_ORGANIZATION).first()
    organization = Organization.objects.filter(name=PARTNER_ORGANIZATION).first()
    if unit is not None and organization is not None:
        services.link_partner_unit(organization, unit)
    return count


def _history_rows(rng: random.Random) -> list[dict[str, str]]:
    first, last = HISTORY_YEARS
    rows = []
    number = 0
    for category, (count, partners) in SEED_000_TABLE.items():
        for _ in range(count):
            year = rng.choices(range(first, last + 1), HISTORY_YEAR_SHARE)[0]
            start = datetime.date(year + 1911, 1, 1)
            referred = start + DAY * rng.randrange(365)
            while referred.weekday() >= 5:
                referred -= DAY
            status = rng.choices([s for s, _ in HISTORY_OUTCOMES], [w for _, w in HISTORY_OUTCOMES])[0]
            responded = referred + DAY * max(1, round(rng.lognormvariate(1.0, 0.6)))
            number += 1
            rows.append(
                {
                    "referred_on": referred.isoformat(),
                    "area": HISTORY_AREA,
                    "case_external_id": f"MH{year}{number:05d}",
                    "category": category,
                    "partner": rng.choice(partners),
                    "status": status,
                    "responded_on": responded.isoformat(),
                    "outcome": rng.choice(OUTCOME_TEXT[status]),
                    "route": "MHSW",
                    "unit": HISTORY_UNIT,
                }
            )
    rows.sort(key=lambda r: r["referred_on"])
    return rows


def import_history(rng: random.Random) -> int:
    """Seed 000's 107-109 referral table, imported as an earlier system's export."""
    rows = _history_rows(rng)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "referrals-107-109.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        return run_import(referrals_importer(), path)


# --- live referrals ------------------------------------------------------------------------------

Schedule = Callable[[datetime.datetime, Callable[[], None]], None]

# Per route: the share of cases referred once during the case, and the categories they go to.
REFERRALS_BY_ROUTE: dict[str, tuple[float, dict[str, int]]] = {
    "MHSW": (
        0.45,
        {
            "charity": 50, "psychiatric_placement": 6, "employment": 6, "long_term_care": 5,
            "family_service_centre": 5, "psychiatric_care": 4, "vocational_rehabilitation": 3,
            "emergency_relief": 2, "missing_person_search": 1,
        },
    ),
    "CV": (0.2, {"psychiatric_care": 40, "long_term_care": 20, "charity": 20, "employment": 10, "emergency_relief": 10}),
    "SWC": (
        0.3,
        {"family_support": 30, "charity": 30, "emergency_relief": 20, "employment": 10, "new_immigrant": 5, "legal_aid": 5},
    ),
    "FPC": (0.2, {"legal_aid": 40, "family_support": 30, "psychiatric_care": 10, "charity": 10, "emergency_relief": 10}),
    "TCSW": (0.1, {"employment": 40, "aftercare": 30, "psychiatric_care": 30}),
    "DRUG": (0.4, {"addiction_recovery": 40, "employment": 30, "aftercare": 30}),
    "YAC": (0.1, {"family_support": 60, "employment": 40}),
}  # fmt: skip
REASONS = {
    "charity": "家庭經濟困難，需物資或生活扶助",
    "psychiatric_placement": "病情需長期照護，家屬照顧能力不足，評估安置",
    "employment": "有工作意願，需就業媒合",
    "long_term_care": "身體功能退化，需長照需要評估",
    "family_service_centre": "家庭功能薄弱，需社福中心評估",
    "psychiatric_care": "精神症狀明顯，需就醫評估",
    "vocational_rehabilitation": "領有身心障礙證明，需職業重建",
    "emergency_relief": "主要照顧者驟逝或失業，需急難救助",
    "missing_person_search": "個案失聯且有自傷之虞，請協尋",
    "family_support": "兒少照顧資源不足，需家庭支持",
    "new_immigrant": "新住民家庭，需通譯與資源連結",
    "legal_aid": "需保護令或離婚訴訟之法律協助",
    "aftercare": "甫出監，需安置與就業輔導",
    "addiction_recovery": "有戒癮意願，需戒治與安置資源",
    "home_psychiatric_assessment": "疑似精神疾病未就醫，需到宅評估",
}
REJECTIONS = ("不符服務資格", "本期名額已滿，建議轉介他處", "個案已由本單位其他方案服務")
OUTCOMES = ("已提供服務，個案穩定", "已媒合資源並結案", "已核定補助並完成訪視")
FAILURES = ("個案失聯，無法提供服務", "個案拒絕接受服務")
LEGAL_BASIS = "為保護當事人生命、身體安全所必要（個人資料保護法第6條第1項）"
ANSWERERS = ("王社工", "李組長", "陳專員", "林主任", "張個管師")
ACCEPT_SHARE = 0.88
UNANSWERED_SHARE = 0.04  # the partner never answers: the worker withdraws it after a while
LATE_ANSWER_SHARE = 0.1
OUTCOME_SHARES = (("completed", 80), ("failed", 8), ("hold", 6), ("open", 6))
# A referral left in service (or on hold) is one of the last months': older ones have been reported
# back by the end, so that a partner's portal does not list years-old referrals as being served.
STILL_SERVED = datetime.timedelta(days=120)


@dataclass
class _Live:
    referral: Referral
    by: Any  # the referring worker's account
    portal: Any  # the partner's account, or None: it answers through single-use links


class ReferralWork:
    """Workers refer some of their cases; partners answer, serve and report back, in time order."""

    def __init__(self, rng: random.Random, schedule: Schedule, end: datetime.datetime) -> None:
        self.rng = rng
        self.schedule = schedule
        self.end = end
        self.services: dict[str, list[tuple[Service, set[str]]]] = defaultdict(list)
        for service in Service.objects.filter(status=ServiceStatus.ACTIVE).prefetch_related(
            "categories", "towns", "locations"
        ):
            covered = {t.code for t in service.towns.all()} | {
                loc.town_id for loc in service.locations.all() if loc.town_id
            }
            for category in service.categories.all():
                self.services[category.code].append((service, covered))
        self.categories = {c.code: c for c in ServiceCategory.objects.all()}
        self.portals: dict[int, Any] = {}
        for organization in Organization.objects.filter(unit__isnull=False):
            users = services.partner_users(organization)
            if users:
                self.portals[organization.pk] = users[0]
        self.made = 0

    def plan(self, file: CaseFile, first_at: datetime.datetime) -> None:
        """Maybe refer the case once, some days after its first contact, while its worker still works it."""
        case = file.case
        share, categories = REFERRALS_BY_ROUTE.get(case.route, (0.0, {}))
        if file.by is None or not file.refer or self.rng.random() >= share:
            return
        code = self.rng.choices(list(categories), list(categories.values()))[0]
        at = _office(first_at + DAY * self.rng.uniform(1, 30), self.rng)
        stops = [self.end, *(t for t in (file.stop,) if t is not None)]
        if file.last_day is not None:
            stops.append(datetime.datetime.combine(file.last_day, datetime.time(9), tzinfo=TAIPEI))
        if first_at < at < min(stops):
            self.schedule(at, lambda: self._refer(case, file.by, code, at))

    def _refer(self, case: Case, by: Any, code: str, at: datetime.datetime) -> None:
        case.refresh_from_db(fields=["status"])
        offered = self.services.get(code, [])
        if not case.is_open or not offered:
            return
        town = case.person.town_id
        near = [s for s, covered in offered if town in covered] or [s for s, _ in offered]
        service = self.rng.choice(near)
        rng = self.rng
        consent = rng.choices((Consent.WRITTEN, Consent.VERBAL, Consent.NOT_NEEDED), (60, 35, 5))[0]
        shares = ["name", "sex", "age", "phone", "town"] + (["address"] if rng.random() < 0.4 else [])
        try:
            referral = services.create_referral(
                case,
                service=service,
                category=self.categories[code],
                reason=REASONS.get(code, "需合作單位協助"),
                consent=consent,
                legal_basis=LEGAL_BASIS if consent == Consent.NOT_NEEDED else "",
                urgency=rng.choices((Urgency.ROUTINE, Urgency.URGENT, Urgency.ASAP), (80, 15, 5))[0],
                shares=shares,
                by=by,
                at=at,
            )
        except DomainError:
            return  # e.g. the case was closed at that very moment
        self.made += 1
        live = _Live(referral, by, self.portals.get(service.organization_id))
        assert referral.due_at is not None  # noqa: S101 - sent
        if rng.random() < UNANSWERED_SHARE:
            withdraw = _office(referral.due_at + DAY * rng.uniform(5, 20), rng)
            self._later(
                withdraw,
                lambda: self._move(
                    live, ReferralStatus.CANCELED, withdraw, "合作單位未回覆，改轉介他處", Side.REFERRER
                ),
            )
            return
        window = referral.due_at - at
        if rng.random() < LATE_ANSWER_SHARE:
            answer = referral.due_at + DAY * rng.uniform(1, 6)
        else:
            answer = at + window * rng.uniform(0.1, 0.95)
        answer = max(_office(answer, rng), at + HOUR)
        if rng.random() < ACCEPT_SHARE:
            self._later(answer, lambda: self._accept(live, answer))
        else:
            self._later(
                answer, lambda: self._move(live, ReferralStatus.REJECTED, answer, rng.choice(REJECTIONS))
            )

    def _later(self, at: datetime.datetime, action: Callable[[], object]) -> None:
        def run() -> None:
            action()

        if at <= self.end:
            self.schedule(at, run)

    def _move(
        self, live: _Live, to: str, at: datetime.datetime, note: str = "", side: Side = Side.PARTNER
    ) -> bool:
        """The move by its side: the worker, the partner's account, or the partner through a fresh link."""
        try:
            if side == Side.REFERRER:
                services.move_referral(live.referral, to, side=side, by=live.by, note=note, at=at)
            elif live.portal is not None:
                services.move_referral(live.referral, to, side=side, by=live.portal, note=note, at=at)
            else:
                issued = max(at - HOUR * self.rng.uniform(2, 24), live.referral.requested_at or at)
                _, token = services.issue_link(live.referral, by=live.by, at=issued)
                services.answer_by_link(token, to, by_name=self.rng.choice(ANSWERERS), note=note, at=at)
        except DomainError:
            return False  # withdrawn meanwhile, or the case's worker already closed the loop
        return True

    def _accept(self, live: _Live, at: datetime.datetime) -> None:
        rng = self.rng
        if not self._move(live, ReferralStatus.ACCEPTED, at):
            return
        # Not before the answer: `_office` takes a weekend back to its Friday, and a move earlier than
        # the last is refused (the referral would stay accepted for good).
        start = max(_office(at + DAY * rng.uniform(0.5, 6), rng), at + HOUR)
        outcome = rng.choices([o for o, _ in OUTCOME_SHARES], [w for _, w in OUTCOME_SHARES])[0]
        finish = max(_office(start + DAY * rng.uniform(7, 60), rng), start + HOUR)
        if outcome in ("hold", "open") and finish < self.end - STILL_SERVED:
            outcome = "completed"

        def serve() -> None:
            if not self._move(live, ReferralStatus.IN_PROGRESS, start):
                return
            if outcome == "completed":
                self._later(
                    finish, lambda: self._move(live, ReferralStatus.COMPLETED, finish, rng.choice(OUTCOMES))
                )
            elif outcome == "failed":
                self._later(
                    finish, lambda: self._move(live, ReferralStatus.FAILED, finish, rng.choice(FAILURES))
                )
            elif outcome == "hold":
                self._later(
                    finish, lambda: self._move(live, ReferralStatus.ON_HOLD, finish, "個案住院中，暫停服務")
                )

        self._later(start, serve)


def _office(moment: datetime.datetime, rng: random.Random) -> datetime.datetime:
    """The same day in office hours, or the Friday before a weekend."""
    day = moment.astimezone(TAIPEI).date()
    while day.weekday() >= 5:
        day -= DAY
    return datetime.datetime.combine(
        day, datetime.time(rng.choice((9, 10, 11, 14, 15, 16)), rng.randrange(0, 60, 5)), tzinfo=TAIPEI
    )
