"""Referrals: made from a case, moved through the referral task by the side allowed to, answered by the
partner in the portal or through a single-use link; past referrals recorded as history."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Collection
from typing import Any

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from safetynet.cases.models import Case, Clock
from safetynet.core.errors import DomainError, Problems
from safetynet.core.services import notify
from safetynet.domain import referral as rules
from safetynet.domain.referral import IllegalMove, ReferralStatus, Side
from safetynet.geo.models import County
from safetynet.org.models import AccessKind, Staff, Unit
from safetynet.referrals.models import (
    REFERRAL_STATUS_LABELS,
    RESPONSE_CLOCK,
    Consent,
    Holiday,
    Organization,
    Referral,
    ReferralEvent,
    ReferralLink,
    Service,
    ServiceCategory,
    ServiceStatus,
    Urgency,
)

LINK_SALT = "safetynet.referrals.link"
LINK_DAYS = 14
LATEST_ANSWER = datetime.time(23, 59, 59)
FUTURE_SLACK = datetime.timedelta(minutes=5)


def response_due(at: datetime.datetime, category: ServiceCategory) -> datetime.datetime:
    """The end of the category's N-th working day after the request (weekends and holidays skipped)."""
    day = timezone.localdate(at)
    holidays = set(Holiday.objects.filter(date__gt=day).values_list("date", flat=True))
    due = rules.add_working_days(day, category.response_days, holidays)
    return timezone.make_aware(datetime.datetime.combine(due, LATEST_ANSWER))


def partner_users(organization: Organization) -> list[Any]:
    if organization.unit_id is None:
        return []
    staff = Staff.objects.filter(
        unit_id=organization.unit_id, role__kind=AccessKind.PARTNER, user__isnull=False
    ).active_on(timezone.localdate())
    return [s.user for s in staff.select_related("user")]


def is_partner_of(user: Any, organization: Organization) -> bool:
    if user is None or organization.unit_id is None:
        return False
    return any(u.pk == user.pk for u in partner_users(organization))


def referral_url(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def partner_url(referral: Referral) -> str:
    return reverse("referrals:partner_detail", args=[referral.pk])


def _referrer_users(referral: Referral) -> list[Any]:
    lead = referral.case.lead if referral.case is not None else None
    return [referral.referred_by, lead.user if lead is not None else None]


@transaction.atomic
def create_referral(
    case: Case,
    *,
    service: Service,
    category: ServiceCategory,
    reason: str,
    consent: str,
    by: Any,
    legal_basis: str = "",
    urgency: str = Urgency.ROUTINE,
    shares: Collection[str] = (),
    send: bool = True,
    at: datetime.datetime | None = None,
) -> Referral:
    """A referral of the case's person to `service`, in `category`; sent at once unless `send` is False."""
    at = at or timezone.now()
    if not case.is_open:
        raise DomainError(_("This case is closed: it cannot be referred."), field="case")
    if at > timezone.now() + FUTURE_SLACK:
        raise DomainError(_("The time cannot be in the future."), field="at")
    if at < case.opened_at:
        raise DomainError(_("The time is before the case was opened."), field="at")
    # Every problem of the worker's input at once: they fix the form in one round.
    problems = Problems()
    if not category.active:
        problems.add("category", _("The category “%(name)s” is no longer in use.") % {"name": category.name})
    organization = service.organization
    if not organization.active or service.status != ServiceStatus.ACTIVE:
        problems.add("service", _("%(service)s is not offered now.") % {"service": service})
    elif not service.categories.filter(pk=category.pk).exists():
        problems.add(
            "service",
            _("%(service)s is not in “%(category)s”.") % {"service": service, "category": category.name},
        )
    if not reason.strip():
        problems.add("reason", _("Say why the person is referred."))
    if urgency not in Urgency.values:
        problems.add("urgency", _("Choose the urgency."))
    if consent not in Consent.values:
        problems.add("consent", _("Record whether the person agreed."))
    if consent == Consent.NOT_NEEDED and not legal_basis.strip():
        problems.add("legal_basis", _("Without consent, write the legal basis."))
    unknown = [s for s in shares if s not in rules.SHAREABLE]
    if unknown:
        problems.add("shares", _("Items that cannot be shared: %(items)s") % {"items": ", ".join(unknown)})
    problems.check()
    referral = Referral.objects.create(
        case=case,
        area_id=case.area_id,
        route=case.route,
        unit=case.unit,
        referred_by=by,
        organization=organization,
        service=service,
        category=category,
        reason=reason.strip(),
        urgency=urgency,
        consent=consent,
        legal_basis=legal_basis.strip() if consent == Consent.NOT_NEEDED else "",
        shares=[s for s in rules.SHAREABLE if s in shares],
        status=ReferralStatus.DRAFT,
        created_at=at,
    )
    if send:
        return move_referral(referral, ReferralStatus.REQUESTED, side=Side.REFERRER, by=by, at=at)
    ReferralEvent.objects.create(
        referral=referral, from_status="", to_status=ReferralStatus.DRAFT, side=Side.REFERRER, at=at, by=by
    )
    return referral


def _illegal(exc: IllegalMove) -> DomainError:
    names = {"here": REFERRAL_STATUS_LABELS[exc.current], "there": REFERRAL_STATUS_LABELS[exc.wanted]}
    if exc.reason == "the other side makes this move":
        message = (
            _("From “%(here)s” to “%(there)s” is the partner's move.")
            if exc.side == Side.REFERRER
            else _("From “%(here)s” to “%(there)s” is the referring unit's move.")
        )
        return DomainError(message % names, field="status")
    return DomainError(_("A referral cannot move from “%(here)s” to “%(there)s”.") % names, field="status")


@transaction.atomic
def move_referral(
    referral: Referral,
    to: str,
    *,
    side: str,
    by: Any = None,
    by_name: str = "",
    note: str = "",
    at: datetime.datetime | None = None,
    via_link: bool = False,
) -> Referral:
    """Move the referral one step of the task, by `side`; the other side is told.

    `by` is the account acting (None for an answer through a link, signed `by_name`). A partner-side
    move by an account must come from a partner user of the organisation the referral is addressed to.
    """
    at = at or timezone.now()
    locked = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("organization", "category", "case__person", "case__lead__user", "referred_by")
        .get(pk=referral.pk)
    )
    try:
        wanted = rules.check_move(locked.status, to, side)
    except (IllegalMove, ValueError) as exc:
        if isinstance(exc, IllegalMove):
            raise _illegal(exc) from exc
        raise DomainError(_("There is no referral status “%(to)s”.") % {"to": to}, field="status") from exc
    if side == Side.PARTNER and not via_link and not is_partner_of(by, locked.organization):
        raise DomainError(
            _("Only users of %(org)s can answer this referral.") % {"org": locked.organization.name},
            field="status",
        )
    problems = Problems()
    if side == Side.PARTNER and via_link and not by_name.strip():
        problems.add("by_name", _("Type the name of the person answering."))
    if rules.needs_note(wanted) and not note.strip():
        outcome = wanted in (ReferralStatus.COMPLETED, ReferralStatus.FAILED)
        problems.add("note", _("Write what came of it.") if outcome else _("Say why."))
    problems.check()
    if at > timezone.now() + FUTURE_SLACK:
        raise DomainError(_("The time cannot be in the future."), field="at")
    last = locked.events.order_by("-at").values_list("at", flat=True).first()
    if last is not None and at < last:
        raise DomainError(_("The time is before the referral's last change."), field="at")
    ReferralEvent.objects.create(
        referral=locked,
        from_status=locked.status,
        to_status=wanted,
        side=side,
        at=at,
        by=by,
        by_name=by_name.strip()[:60],
        via_link=via_link,
        note=note.strip(),
    )
    fields = ["status"]
    locked.status = wanted
    if wanted == ReferralStatus.REQUESTED:
        _start_clock(locked, at)
        fields += ["requested_at", "due_at", "clock"]
    if side == Side.PARTNER and locked.responded_at is None:
        locked.responded_at = at
        fields.append("responded_at")
        _stop_clock(locked, at, met=True)
    elif wanted == ReferralStatus.CANCELED and locked.responded_at is None:
        _stop_clock(locked, at, met=False)
    if wanted in rules.FINAL:
        locked.closed_at = at
        fields.append("closed_at")
    if side == Side.PARTNER and wanted in (
        ReferralStatus.REJECTED,
        ReferralStatus.COMPLETED,
        ReferralStatus.FAILED,
    ):
        locked.outcome = note.strip()  # the partner's answer, which the referrer reads
        fields.append("outcome")
    locked.save(update_fields=fields)
    _tell_the_other_side(locked, side, at)
    return locked


def _start_clock(referral: Referral, at: datetime.datetime) -> None:
    assert referral.case is not None  # noqa: S101 - a live referral always has its case
    referral.requested_at = at
    referral.due_at = response_due(at, referral.category)
    referral.clock = Clock.objects.create(
        name=RESPONSE_CLOCK,
        label=f"轉介回覆（{referral.category.name}・{referral.organization.alternate_name or referral.organization.name}）",
        case=referral.case,
        unit=referral.case.unit,
        starts_at=at,
        due_at=referral.due_at,
    )


def _stop_clock(referral: Referral, at: datetime.datetime, *, met: bool) -> None:
    """The partner's first answer meets the response clock; a referral withdrawn before it cancels it."""
    if referral.clock_id is None:
        return
    running = Clock.objects.running().filter(pk=referral.clock_id)
    if met:
        running.update(met_at=at)
    else:
        running.update(cancelled_at=at, cancel_reason="轉介已撤回")


def _tell_the_other_side(referral: Referral, side: str, at: datetime.datetime) -> None:
    category = referral.category.name
    if side == Side.REFERRER:
        if referral.status in (ReferralStatus.REQUESTED, ReferralStatus.CANCELED):
            notify(
                partner_users(referral.organization),
                kind="referral",
                template=(
                    N_("New referral: %(reason)s (%(unit)s)")
                    if referral.status == ReferralStatus.REQUESTED
                    else N_("Referral withdrawn: %(reason)s (%(unit)s)")
                ),
                params={"reason": category, "unit": referral.unit.name if referral.unit else ""},
                url=partner_url(referral),
                at=at,
            )
        return
    person = referral.case.person.name if referral.case is not None else ""
    notify(
        _referrer_users(referral),
        kind="referral",
        template=N_("%(organization)s: %(status)s (%(reason)s · %(name)s)"),
        params={
            "organization": referral.organization.name,
            "status": referral.status,  # a code, read in the reader's language (`core.notices`)
            "reason": category,
            "name": person,
        },
        url=referral_url(referral),
        at=at,
    )


# --- single-use links ----------------------------------------------------------------------------


class LinkRefused(DomainError):
    """A link that cannot be used; `reason` is invalid | expired | used | closed."""

    def __init__(self, reason: str) -> None:
        messages = {
            "invalid": _("This link is not valid."),
            "expired": _("This link has expired: ask the referring unit for a new one."),
            "used": _("This link has been used: each link answers once."),
            "closed": _("This referral is finished: no answer is needed."),
        }
        super().__init__(messages[reason], field="link")
        self.reason = reason


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


@transaction.atomic
def issue_link(
    referral: Referral, *, by: Any, days: int = LINK_DAYS, at: datetime.datetime | None = None
) -> tuple[ReferralLink, str]:
    """A link for the partner to answer this referral once; the token is returned, never stored."""
    at = at or timezone.now()
    if referral.status not in rules.OPEN:
        raise DomainError(_("Only a referral sent and not finished can have an answer link."), field="status")
    if not 1 <= days <= 60:
        raise DomainError(_("A link lasts 1 to 60 days."), field="days")
    nonce = secrets.token_urlsafe(24)
    token = signing.dumps({"r": referral.pk, "n": nonce}, salt=LINK_SALT)
    link = ReferralLink.objects.create(
        referral=referral,
        nonce_digest=_digest(nonce),
        created_at=at,
        created_by=by,
        expires_at=at + datetime.timedelta(days=days),
    )
    return link, token


def open_link(token: str, *, now: datetime.datetime | None = None, lock: bool = False) -> ReferralLink:
    """The link a token names, if it can still answer; `LinkRefused` otherwise."""
    now = now or timezone.now()
    try:
        payload = signing.loads(token, salt=LINK_SALT)
        pk, nonce = int(payload["r"]), str(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkRefused("invalid") from None
    links = ReferralLink.objects.select_related("referral__organization", "referral__category")
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(nonce_digest=_digest(nonce), referral_id=pk).first()
    if link is None:
        raise LinkRefused("invalid")
    if link.used_at is not None:
        raise LinkRefused("used")
    if now >= link.expires_at:
        raise LinkRefused("expired")
    if link.referral.status not in rules.OPEN:
        raise LinkRefused("closed")
    return link


@transaction.atomic
def answer_by_link(
    token: str, to: str, *, by_name: str, note: str = "", at: datetime.datetime | None = None
) -> Referral:
    """The partner's one answer through a link: a partner-side move; the link is spent."""
    at = at or timezone.now()
    link = open_link(token, now=at, lock=True)
    referral = move_referral(
        link.referral, to, side=Side.PARTNER, by_name=by_name, note=note, at=at, via_link=True
    )
    link.used_at = at
    link.save(update_fields=["used_at"])
    return referral


# --- history -------------------------------------------------------------------------------------

HISTORY_NOTE = "歷史資料匯入"


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@transaction.atomic
def record_past_referral(
    *,
    area: County,
    organization: Organization,
    category: ServiceCategory,
    referred_on: datetime.date,
    status: str,
    responded_on: datetime.date | None = None,
    outcome: str = "",
    case: Case | None = None,
    case_external_id: str = "",
    route: str = "",
    unit: Unit | None = None,
) -> Referral:
    """A referral made before this system (an import): its request and where it ended, as history."""
    if status not in {s.value for s in ReferralStatus} or status == ReferralStatus.DRAFT:
        raise DomainError(_("The status must be one after sending."), field="status")
    if referred_on > timezone.localdate():
        raise DomainError(_("The referral date cannot be in the future."), field="referred_on")
    answered = status != ReferralStatus.REQUESTED
    if answered and responded_on is None:
        raise DomainError(_("An answered referral needs the date of the answer."), field="responded_on")
    if status in rules.OUTCOME_REQUIRED and not outcome.strip():
        raise DomainError(
            _("An answered referral needs its outcome or the reason it was declined."), field="outcome"
        )
    if responded_on is not None and responded_on < referred_on:
        raise DomainError(_("The answer is dated before the referral."), field="responded_on")
    requested = _noon(referred_on)
    responded = _noon(responded_on) if answered and responded_on is not None else None
    referral = Referral.objects.create(
        case=case,
        case_external_id=case_external_id.strip(),
        area=area,
        route=route or (case.route if case else ""),
        unit=unit or (case.unit if case else None),
        organization=organization,
        category=category,
        status=status,
        created_at=requested,
        requested_at=requested,
        due_at=response_due(requested, category),
        responded_at=responded,
        closed_at=responded if status in rules.FINAL else None,
        outcome=outcome.strip(),
        legacy=True,
    )
    events = [
        ReferralEvent(referral=referral, to_status=ReferralStatus.REQUESTED, side=Side.REFERRER, at=requested)
    ]
    if responded is not None:
        side = Side.REFERRER if status == ReferralStatus.CANCELED else Side.PARTNER
        events.append(
            ReferralEvent(
                referral=referral,
                from_status=ReferralStatus.REQUESTED,
                to_status=status,
                side=side,
                at=responded,
                note=outcome.strip() or HISTORY_NOTE,
            )
        )
    ReferralEvent.objects.bulk_create(events)
    return referral
