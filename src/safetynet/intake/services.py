"""Every write of the intake app: one atomic function per business action."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from safetynet.cases import services as cases
from safetynet.cases.models import Case, Clock
from safetynet.core import locks, words
from safetynet.core.errors import DomainError
from safetynet.domain.casestatus import CaseStatus
from safetynet.domain.clocks import add_months
from safetynet.domain.triage import RuleSet, RuleSetError, decide, default_rule_set, manual_route
from safetynet.geo.models import Town
from safetynet.intake.facts import InvalidReport, Problem, parse_report, person_data
from safetynet.intake.models import (
    Channel,
    Dispatch,
    DispatchOutcome,
    IdempotencyKey,
    Report,
    ReportSubject,
    RouteService,
    RuleSetVersion,
    Screening,
)
from safetynet.intake.rules import current_rule_set
from safetynet.org.models import Unit, UnitKind
from safetynet.people.models import Person
from safetynet.people.services import PersonData, register_person


@transaction.atomic
def draft_rule_set(document: dict[str, Any], *, by: Any = None, notes: str = "") -> RuleSetVersion:
    try:
        rules = RuleSet.from_dict(document)
    except RuleSetError as exc:
        raise DomainError(str(exc), field="document") from exc
    taken = rules.version == default_rule_set().version
    if taken or RuleSetVersion.objects.filter(version=rules.version).exists():
        raise DomainError(
            _("Version %(version)s already exists; give the new version another code.")
            % {"version": rules.version},
            field="version",
        )
    return RuleSetVersion.objects.create(
        version=rules.version, name=rules.name, document=rules.to_dict(), notes=notes, created_by=by
    )


@transaction.atomic
def publish_rule_set(draft: RuleSetVersion, *, by: Any = None) -> RuleSetVersion:
    """From now on, screening uses this version; earlier versions stay for history and what-if."""
    locked = RuleSetVersion.objects.select_for_update().get(pk=draft.pk)
    if locked.published_at is not None:
        raise DomainError(
            _("Version %(version)s was published on %(date)s.")
            % {"version": locked.version, "date": f"{locked.published_at:%Y-%m-%d}"},
            field="version",
        )
    locked.published_at = timezone.now()
    locked.published_by = by
    locked.save(update_fields=["published_at", "published_by"])
    return locked


@dataclass(frozen=True)
class Received:
    report: Report
    created: bool  # False when an Idempotency-Key replayed an earlier report


def _person_for(data: PersonData, chosen: Person | None) -> tuple[Person, str]:
    """The subject's person: the one the screener picked, found by national ID (blind index), or new."""
    if chosen is not None:
        return chosen, "chosen"
    if data.national_id:
        found = Person.objects.with_national_id(data.national_id).first()
        if found is not None:
            return found, "national_id"
    try:
        person = register_person(data)
    except DomainError as error:
        # Another report registered this person a moment ago (committed since our lookup): use theirs.
        raced = Person.objects.with_national_id(data.national_id).first() if data.national_id else None
        if error.field != "national_id" or raced is None:
            raise
        return raced, "national_id"
    return person, "new"


@transaction.atomic
def receive_report(
    data: Any,
    *,
    by: Any = None,
    channel: str = Channel.API,
    idempotency_key: str = "",
    persons: dict[str, Person] | None = None,
) -> Received:
    """Record a report, the screening decision the rules in force suggest and its screening clock.

    `persons` maps subject refs to persons the screener matched by hand (name and birth date).
    Raises `InvalidReport` (every problem with its JSON path) and changes nothing on bad input.
    Of two requests with the same `idempotency_key` at once, the second waits for the first and
    returns its report.
    """
    if idempotency_key and by is not None:
        locks.hold(locks.IDEMPOTENCY_KEY, by.pk, idempotency_key)
        earlier = IdempotencyKey.objects.filter(user=by, key=idempotency_key).select_related("report").first()
        if earlier is not None:
            return Received(earlier.report, created=False)
    rules = current_rule_set()
    facts = parse_report(data, rules)
    problems = [
        Problem(field, gettext_noop("must be text"))
        for field in ("narrative", "reporter")
        if not isinstance(data.get(field, ""), str)
    ]
    if problems:
        raise InvalidReport(problems)
    towns = {t.code: t for t in Town.objects.filter(code__in=[s.town for s in facts.subjects if s.town])}
    people = [  # checked by parse_report, as a person record too, before anyone was looked up
        person_data(raw, towns.get(subject.town) if subject.town else None)
        for raw, subject in zip(data["subjects"], facts.subjects, strict=True)
    ]
    decision = decide(facts, rules)
    report = Report.objects.create(
        received_at=facts.received_at,
        area_id=facts.area,
        source=facts.source,
        channel=channel,
        external_id=str(data.get("external_id") or "")[:60],
        narrative=data.get("narrative", ""),
        reporter=data.get("reporter", ""),
        received_by=by,
        rule_set=rules.version,
        suggestion=decision.to_json(),
        screening_due=decision.screening_due,
    )
    for i, (subject, as_person) in enumerate(zip(facts.subjects, people, strict=True)):
        try:
            person, matched_by = _person_for(as_person, (persons or {}).get(subject.ref))
        except DomainError as error:
            raise InvalidReport([Problem(f"subjects[{i}].{error.field or 'name'}", error.message)]) from error
        ReportSubject.objects.create(
            report=report,
            ref=subject.ref,
            person=person,
            matched_by=matched_by,
            role=subject.role,
            types=list(subject.types),
            town=as_person.town,
            flags=sorted(subject.flags),
            tipvda_score=subject.tipvda_score,
        )
    screening = rules.clocks[rules.screening_clock]
    Clock.objects.create(
        name=rules.screening_clock,
        label=screening.label,
        report=report,
        unit=screening_unit(report.area_id),
        starts_at=report.received_at,
        due_at=report.screening_due,
    )
    if idempotency_key and by is not None:
        IdempotencyKey.objects.create(user=by, key=idempotency_key, report=report)
    return Received(report, created=True)


def screening_unit(area: str) -> Unit | None:
    return Unit.objects.filter(county_id=area, kind=UnitKind.SCREENING, active=True).order_by("pk").first()


# --- screening and dispatch ------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteChoice:
    """One route the screener keeps or adds for a subject (an override lists every route it wants)."""

    subject: str
    route: str
    priority: int | None = None


def _final_routes(
    report: Report, choices: list[RouteChoice] | None, reason: str, rules: RuleSet
) -> tuple[list[dict[str, Any]], bool]:
    """The routes to dispatch, in the suggestion's JSON shape; and whether they differ from it."""
    suggested: list[dict[str, Any]] = report.suggestion.get("routes", [])
    if choices is None:
        return suggested, False
    refs = set(report.subjects.values_list("ref", flat=True))
    by_key = {(r["subject"], r["route"]): r for r in suggested}
    final: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for choice in choices:
        if choice.subject not in refs:
            raise DomainError(
                _("Subject %(subject)s is not in this report.") % {"subject": choice.subject}, field="routes"
            )
        if choice.route not in rules.codes.routes:
            raise DomainError(_("Unknown route %(route)s.") % {"route": choice.route}, field="routes")
        if choice.priority not in (None, 1, 2):
            raise DomainError(_("The priority can only be 1, 2 or empty."), field="routes")
        key = (choice.subject, choice.route)
        if key in seen:
            continue
        seen.add(key)
        kept = by_key.get(key)
        if kept is not None and kept["priority"] == choice.priority:
            final.append(kept)
            continue
        route = manual_route(
            rules,
            route=choice.route,
            subject=choice.subject,
            priority=choice.priority,
            received_at=report.received_at,
            reason=f"篩派人員修改：{reason}",
        )
        final.append(route.to_json())
    missing = refs - {r["subject"] for r in final}
    if missing:
        raise DomainError(
            _("Every report subject needs at least one route (no case is one too): %(subjects)s")
            % {"subjects": "、".join(sorted(missing))},
            field="routes",
        )
    changed = {(r["subject"], r["route"], r["priority"]) for r in final} != {
        (r["subject"], r["route"], r["priority"]) for r in suggested
    }
    if changed and not reason.strip():
        raise DomainError(_("A change to the suggested screening needs a reason."), field="reason")
    return final, changed


class AlreadyScreened(DomainError):
    def __init__(self, screening: Screening) -> None:
        who = words.staff_name(screening.decided_by) if screening.decided_by else _("an import")
        when = f"{timezone.localtime(screening.decided_at):%Y-%m-%d %H:%M}"
        super().__init__(
            _("This report was already screened by %(who)s on %(when)s.") % {"who": who, "when": when},
            field="report",
        )
        self.screening = screening


@transaction.atomic
def screen_report(
    report: Report,
    *,
    by: Any,
    routes: list[RouteChoice] | None = None,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> Screening:
    """Confirm the suggested decision (`routes=None`) or override it with a reason, then dispatch.

    The report row is locked first, so of two screeners confirming at once one wins and the other gets
    `AlreadyScreened`, naming who decided; nothing is doubled.
    """
    locked = Report.objects.select_for_update().get(pk=report.pk)
    earlier = Screening.objects.filter(report=locked).select_related("decided_by").first()
    if earlier is not None:
        raise AlreadyScreened(earlier)
    at = at or timezone.now()
    rules = current_rule_set()
    final, changed = _final_routes(locked, routes, reason, rules)
    screening = Screening.objects.create(
        report=locked, routes=final, overridden=changed, reason=reason.strip(), decided_at=at, decided_by=by
    )
    report.screening = screening  # the caller's instance knows it too (it may have read "none" before)
    Clock.objects.filter(report=locked, case__isnull=True, met_at__isnull=True).update(met_at=at, met_by=by)
    subjects = {s.ref: s for s in locked.subjects.select_related("person", "town__county")}
    # Every subject's person at once, in one order: two reports naming the same two persons wait for
    # each other instead of deadlocking (`dispatch_route` locks each again, which costs nothing).
    persons = sorted({s.person_id for s in subjects.values()})
    list(
        Person.objects.select_for_update().filter(pk__in=persons).order_by("pk").values_list("pk", flat=True)
    )
    for route in final:
        dispatch_route(screening, subjects[route["subject"]], route, rules, at=at)
    return screening


def dispatch_route(
    screening: Screening,
    subject: ReportSubject,
    route: dict[str, Any],
    rules: RuleSet,
    *,
    at: datetime.datetime,
) -> Dispatch:
    """One route of one subject: a transfer, no case, a re-report of an open case, or a new case."""
    report, code = screening.report, route["route"]
    record = {
        "screening": screening,
        "subject": subject,
        "route": code,
        "created_at": at,
        "reason": route.get("reason", ""),
    }
    if code == "XFER":
        county = subject.town.county if subject.town else None
        return Dispatch.objects.create(outcome=DispatchOutcome.TRANSFER, to_county=county, **record)
    if code == rules.no_case.route:
        return Dispatch.objects.create(outcome=DispatchOutcome.NONE, **record)
    # The person is locked before looking for their open case: of two reports about them screened at
    # once, the second waits for the first to commit and then finds the case it opened (續報).
    list(Person.objects.select_for_update().filter(pk=subject.person_id).values_list("pk", flat=True))
    open_case = Case.objects.open().filter(person=subject.person, route=code, area_id=report.area_id).first()
    if open_case is not None:
        cases.attach_report(open_case, report, lists=route.get("lists") or [], at=at)
        return Dispatch.objects.create(
            outcome=DispatchOutcome.RE_REPORT, case=open_case, unit=open_case.unit, **record
        )
    closed = closed_within_window(subject.person_id, code, report, rules.rereport_window_months)
    if closed is not None:
        cases.reopen_for_report(closed, report, at=at)
        return Dispatch.objects.create(
            outcome=DispatchOutcome.REOPENED, case=closed, unit=closed.unit, **record
        )
    service = RouteService.objects.filter(route=code).first()
    unit = _serving_unit(service, report.area_id, subject) if service else None
    if service is None or unit is None:
        record["reason"] = f"本縣市沒有承辦「{rules.codes.routes.get(code, code)}」的單位，請人工聯繫"
        return Dispatch.objects.create(outcome=DispatchOutcome.NO_UNIT, **record)
    clocks = [
        cases.ClockSpec(
            c["name"],
            rules.clocks[c["name"]].label if c["name"] in rules.clocks else c["name"],
            datetime.datetime.fromisoformat(c["due"]),
        )
        for c in route.get("clocks", [])
        if c["name"] != rules.screening_clock
    ]
    case = cases.open_case(
        route=code,
        person=subject.person,
        unit=unit,
        report=report,
        roles=service.roles,
        priority=route.get("priority"),
        grade=route.get("grade") or "",
        classification=route.get("classification") or "",
        lists=route.get("lists") or [],
        clocks=clocks,
        at=at,
    )
    outcome = DispatchOutcome.ASSIGNED if case.lead_id else DispatchOutcome.QUEUED
    return Dispatch.objects.create(outcome=outcome, case=case, unit=unit, **record)


def closed_within_window(person_id: int, route: str, report: Report, months: int) -> Case | None:
    """The person's case of this route closed within the re-report window (the rule set's
    `rereport_window_months`) before the report came in: the case the report reopens."""
    since = add_months(report.received_at, -months)
    return (
        Case.objects.filter(
            person_id=person_id,
            route=route,
            area_id=report.area_id,
            status=CaseStatus.CLOSED,
            closed_at__gte=since,
            closed_at__lte=report.received_at,
        )
        .order_by("-closed_at")
        .first()
    )


def _serving_unit(service: RouteService, area: str, subject: ReportSubject) -> Unit | None:
    units = Unit.objects.filter(county_id=area, kind=service.unit_kind, active=True)
    if service.by_town:
        if subject.town is None:
            return None
        units = units.covering(subject.town)
    return units.order_by("pk").first()


# --- legacy history --------------------------------------------------------------------------------

LEGACY_REASON = "歷史資料匯入"


@transaction.atomic
def record_legacy_screening(
    report: Report,
    *,
    routes: dict[str, list[str]],
    screened_at: datetime.datetime,
    by: Any = None,
) -> Screening:
    """Record a screening decided in an earlier system, as history: nothing is dispatched to anyone.

    `routes` maps subject refs to route codes. The report's screening clock is met at `screened_at`.
    """
    locked = Report.objects.select_for_update().get(pk=report.pk)
    earlier = Screening.objects.filter(report=locked).select_related("decided_by").first()
    if earlier is not None:
        raise AlreadyScreened(earlier)
    if timezone.is_naive(screened_at):
        raise DomainError(_("The screening time needs a time zone."), field="screened_at")
    if screened_at < locked.received_at:
        raise DomainError(_("The screening time is before the time of receipt."), field="screened_at")
    if screened_at > timezone.now() + datetime.timedelta(minutes=5):
        raise DomainError(_("The screening time is in the future."), field="screened_at")
    known = current_rule_set().codes.routes
    subjects = {s.ref: s for s in locked.subjects.order_by("pk")}
    final: list[dict[str, Any]] = []
    for ref, codes in routes.items():
        if ref not in subjects:
            raise DomainError(
                _("Subject %(subject)s is not in this report.") % {"subject": ref}, field="route"
            )
        for code in dict.fromkeys(codes):
            if code not in known:
                raise DomainError(_("Unknown route %(route)s.") % {"route": code}, field="route")
            final.append(
                {
                    "route": code,
                    "subject": ref,
                    "priority": None,
                    "clocks": [],
                    "grade": None,
                    "classification": None,
                    "lists": [],
                    "attach_to_open_case": False,
                    "reason": LEGACY_REASON,
                    "rules": [],
                }
            )
    missing = set(subjects) - {r["subject"] for r in final}
    if missing:
        raise DomainError(
            _("Every report subject needs at least one route (no case is one too): %(subjects)s")
            % {"subjects": "、".join(sorted(missing))},
            field="route",
        )
    suggested = {(r["subject"], r["route"]) for r in locked.suggestion.get("routes", [])}
    screening = Screening.objects.create(
        report=locked,
        routes=final,
        overridden={(r["subject"], r["route"]) for r in final} != suggested,
        reason=LEGACY_REASON,
        decided_at=screened_at,
        decided_by=by,
        legacy=True,
    )
    Clock.objects.filter(report=locked, case__isnull=True, met_at__isnull=True).update(
        met_at=screened_at, met_by=by
    )
    for route in final:
        Dispatch.objects.create(
            screening=screening,
            subject=subjects[route["subject"]],
            route=route["route"],
            outcome=DispatchOutcome.RECORDED,
            reason=LEGACY_REASON,
            created_at=screened_at,
        )
    return screening
