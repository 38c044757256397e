"""Every write of the intake app: one atomic function per business action."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from safetynet.core.errors import DomainError
from safetynet.domain import nationalid
from safetynet.domain.triage import RuleSet, RuleSetError, decide, default_rule_set
from safetynet.geo.models import Town
from safetynet.intake.facts import InvalidReport, Problem, parse_report
from safetynet.intake.models import Channel, IdempotencyKey, Report, ReportSubject, RuleSetVersion
from safetynet.intake.rules import current_rule_set
from safetynet.people.models import Person
from safetynet.people.services import PersonData, register_person

UNKNOWN_NAME = "姓名不詳"


@transaction.atomic
def draft_rule_set(document: dict[str, Any], *, by: Any = None, notes: str = "") -> RuleSetVersion:
    try:
        rules = RuleSet.from_dict(document)
    except RuleSetError as exc:
        raise DomainError(str(exc), field="document") from exc
    taken = rules.version == default_rule_set().version
    if taken or RuleSetVersion.objects.filter(version=rules.version).exists():
        raise DomainError(f"版本 {rules.version} 已存在；新版本請換一個版本代號", field="version")
    return RuleSetVersion.objects.create(
        version=rules.version, name=rules.name, document=rules.to_dict(), notes=notes, created_by=by
    )


@transaction.atomic
def publish_rule_set(draft: RuleSetVersion, *, by: Any = None) -> RuleSetVersion:
    """From now on, screening uses this version; earlier versions stay for history and what-if."""
    locked = RuleSetVersion.objects.select_for_update().get(pk=draft.pk)
    if locked.published_at is not None:
        raise DomainError(f"版本 {locked.version} 已於 {locked.published_at:%Y-%m-%d} 發布", field="version")
    locked.published_at = timezone.now()
    locked.published_by = by
    locked.save(update_fields=["published_at", "published_by"])
    return locked


@dataclass(frozen=True)
class Received:
    report: Report
    created: bool  # False when an Idempotency-Key replayed an earlier report


def _person_for(raw: dict[str, Any], town: Town | None) -> tuple[Person, str]:
    """The subject's person: found by national ID (blind index), or registered now."""
    national_id = str(raw.get("national_id") or "")
    if national_id:
        found = Person.objects.with_national_id(national_id).first()
        if found is not None:
            return found, "national_id"
    birth = raw.get("birth_date")
    person = register_person(
        PersonData(
            name=str(raw.get("name") or "").strip() or UNKNOWN_NAME,
            sex=(nationalid.sex_of(national_id) if national_id else None) or "X",
            birth_date=datetime.date.fromisoformat(birth) if birth else None,
            national_id=national_id,
            town=town,
        )
    )
    return person, "new"


@transaction.atomic
def receive_report(
    data: Any, *, by: Any = None, channel: str = Channel.API, idempotency_key: str = ""
) -> Received:
    """Record a report and the screening decision the rules in force suggest for it.

    Raises `InvalidReport` (every problem with its JSON path) and changes nothing on bad input.
    """
    if idempotency_key and by is not None:
        earlier = IdempotencyKey.objects.filter(user=by, key=idempotency_key).select_related("report").first()
        if earlier is not None:
            return Received(earlier.report, created=False)
    rules = current_rule_set()
    facts = parse_report(data, rules)
    problems = [
        Problem(field, "must be text")
        for field in ("narrative", "reporter")
        if not isinstance(data.get(field, ""), str)
    ]
    if problems:
        raise InvalidReport(problems)
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
    towns = {t.code: t for t in Town.objects.filter(code__in=[s.town for s in facts.subjects if s.town])}
    for i, (raw, subject) in enumerate(zip(data["subjects"], facts.subjects, strict=True)):
        town = towns.get(subject.town) if subject.town else None
        try:
            person, matched_by = _person_for(raw, town)
        except DomainError as error:
            raise InvalidReport([Problem(f"subjects[{i}].{error.field or 'name'}", error.message)]) from error
        ReportSubject.objects.create(
            report=report,
            ref=subject.ref,
            person=person,
            matched_by=matched_by,
            role=subject.role,
            types=list(subject.types),
            town=town,
            flags=sorted(subject.flags),
            tipvda_score=subject.tipvda_score,
        )
    if idempotency_key and by is not None:
        IdempotencyKey.objects.create(user=by, key=idempotency_key, report=report)
    return Received(report, created=True)
