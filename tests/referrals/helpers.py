"""Shared makers for the referral tests: a fresh case of the demo worker, the demo's partner service."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.cases.models import Case
from safetynet.cases.services import assign_case
from safetynet.domain.referral import ReferralStatus, Side
from safetynet.intake.services import receive_report, screen_report
from safetynet.org.models import Staff
from safetynet.referrals import services
from safetynet.referrals.models import Referral, Service, ServiceCategory

S = ReferralStatus


def user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


def worker_case(days_ago: float = 5, types: tuple[str, ...] = ("VF",), role: str = "child") -> Case:
    """A 朴子 report screened and assigned to the demo worker `days_ago` days ago."""
    received = timezone.now() - datetime.timedelta(days=days_ago)
    document = {
        "received_at": timezone.localtime(received).isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [{"ref": "s", "role": role, "types": list(types), "town": "10010020", "name": "林小美"}],
    }
    report = receive_report(document, by=user("screener")).report
    screen_report(report, by=user("screener"), at=received + datetime.timedelta(hours=1))
    case = report.case_links.get(case__route="SWC").case
    return assign_case(
        case,
        Staff.objects.get(user__username="worker"),
        by=user("supervisor"),
        at=received + datetime.timedelta(hours=2),
    )


def partner_service() -> Service:
    """The demo partner's (嘉義家扶中心) family-support service."""
    return Service.objects.get(organization__name="嘉義家扶中心", name="兒少及家庭扶助")


def category(code: str = "family_support") -> ServiceCategory:
    return ServiceCategory.objects.get(code=code)


def refer(
    case: Case | None = None, *, send: bool = True, service: Service | None = None, **extra: Any
) -> Referral:
    options: dict[str, Any] = {
        "service": service or partner_service(),
        "category": category(),
        "reason": "家庭經濟困難，需兒少扶助",
        "consent": "written",
        "shares": ["name", "age", "phone"],
        "by": user("worker"),
        "send": send,
    }
    options.update(extra)
    return services.create_referral(case or worker_case(), **options)


def partner_move(referral: Referral, to: S, note: str = "") -> Referral:
    return services.move_referral(referral, to, side=Side.PARTNER, by=user("partner"), note=note or "說明")


# A way to each state: the moves after sending (made by the partner unless noted).
PATHS: dict[S, list[tuple[S, Side]]] = {
    S.REQUESTED: [],
    S.ACCEPTED: [(S.ACCEPTED, Side.PARTNER)],
    S.REJECTED: [(S.REJECTED, Side.PARTNER)],
    S.IN_PROGRESS: [(S.ACCEPTED, Side.PARTNER), (S.IN_PROGRESS, Side.PARTNER)],
    S.ON_HOLD: [(S.ACCEPTED, Side.PARTNER), (S.IN_PROGRESS, Side.PARTNER), (S.ON_HOLD, Side.PARTNER)],
    S.COMPLETED: [(S.ACCEPTED, Side.PARTNER), (S.IN_PROGRESS, Side.PARTNER), (S.COMPLETED, Side.PARTNER)],
    S.FAILED: [(S.ACCEPTED, Side.PARTNER), (S.IN_PROGRESS, Side.PARTNER), (S.FAILED, Side.PARTNER)],
    S.CANCELED: [(S.CANCELED, Side.REFERRER)],
}


def move(referral: Referral, to: S, side: Side, note: str = "說明") -> Referral:
    by = user("partner") if side == Side.PARTNER else user("worker")
    return services.move_referral(referral, to, side=side, by=by, note=note)


def referral_in(state: S, case: Case | None = None) -> Referral:
    if state == S.DRAFT:
        return refer(case, send=False)
    referral = refer(case)
    for to, side in PATHS[state]:
        referral = move(referral, to, side)
    assert referral.status == state
    return referral
