"""Records the team keeps together: supervision sessions (督導) and the high-risk network meeting."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.cases.models import (
    Assessment,
    Case,
    MeetingDecision,
    RiskMeeting,
    RiskMeetingCase,
    SupervisionCase,
    SupervisionKind,
    SupervisionSession,
)
from safetynet.cases.services.common import HIGH_RISK_LIST, lock
from safetynet.core.errors import DomainError
from safetynet.intake.rules import current_rule_set
from safetynet.org.models import Staff, Unit


@dataclass(frozen=True)
class CaseNote:
    case: Case
    note: str = ""


@transaction.atomic
def record_supervision(
    *,
    unit: Unit,
    kind: str,
    held_on: datetime.date,
    supervisor_name: str,
    attendees: Iterable[Staff],
    cases: Sequence[CaseNote] = (),
    minutes: int | None = None,
    notes: str = "",
    by: Any,
    at: datetime.datetime | None = None,
) -> SupervisionSession:
    """A 內督 or 外督 session: date, who led it, who attended, the cases discussed with a note on each."""
    at = at or timezone.now()
    if kind not in SupervisionKind.values:
        raise DomainError(_("Choose internal or external supervision."), field="kind")
    if held_on > timezone.localdate(at):
        raise DomainError(_("The date must not be in the future."), field="held_on")
    if not supervisor_name.strip():
        raise DomainError(_("Fill in who supervised."), field="supervisor_name")
    people = list(attendees)
    if not people:
        raise DomainError(_("Choose the attendees."), field="attendees")
    if any(p.unit_id != unit.pk for p in people):
        raise DomainError(_("The attendees must be staff of the unit."), field="attendees")
    if minutes is not None and not 1 <= minutes <= 24 * 60:
        raise DomainError(_("The duration is 1 to 1440 minutes."), field="minutes")
    if any(c.case.unit_id != unit.pk for c in cases):
        raise DomainError(_("The cases discussed must be cases of the unit."), field="cases")
    session = SupervisionSession.objects.create(
        unit=unit,
        kind=kind,
        held_on=held_on,
        minutes=minutes,
        supervisor_name=supervisor_name.strip(),
        notes=notes.strip(),
        recorded_by=by,
        recorded_at=at,
    )
    session.attendees.set(people)
    SupervisionCase.objects.bulk_create(
        SupervisionCase(session=session, case=c.case, note=c.note.strip())
        for c in {c.case.pk: c for c in cases}.values()
    )
    return session


@dataclass(frozen=True)
class Decision:
    case: Case
    decision: str
    note: str = ""


@transaction.atomic
def record_risk_meeting(
    *,
    area: str,
    held_on: datetime.date,
    title: str,
    decisions: Sequence[Decision],
    by: Any,
    attendees: str = "",
    at: datetime.datetime | None = None,
) -> RiskMeeting:
    """The monthly 高危機網絡會議: a decision per listed case; a case is delisted only after a re-test
    below the high-risk score (the rule set's `tipvda_high`) since it was listed, and the meeting's decision."""
    at = at or timezone.now()
    tipvda_high = current_rule_set().tipvda_high
    if held_on > timezone.localdate(at):
        raise DomainError(_("The date must not be in the future."), field="held_on")
    if not title.strip():
        raise DomainError(_("Fill in the meeting's title."), field="title")
    if not decisions:
        raise DomainError(_("Decide on at least one case."), field="decisions")
    if len({item.case.pk for item in decisions}) != len(decisions):
        raise DomainError(_("A case can have only one decision."), field="decisions")
    meeting = RiskMeeting.objects.create(
        area_id=area,
        held_on=held_on,
        title=title.strip(),
        attendees=attendees.strip(),
        recorded_by=by,
        recorded_at=at,
    )
    for item in decisions:
        case = lock(item.case)
        field = f"decision-{case.pk}"
        if item.decision not in MeetingDecision.values:
            raise DomainError(_("Choose a decision."), field=field)
        if case.area_id != area or not case.high_risk:
            raise DomainError(
                _("Case %(id)s is not on the county's high-risk list.") % {"id": case.pk}, field=field
            )
        if item.decision == MeetingDecision.DELIST:
            tests = cast("QuerySet[Assessment]", case.assessments.valid().filter(instrument="tipvda"))
            if case.high_risk_since is not None:
                tests = tests.filter(assessed_at__gte=case.high_risk_since)
            retest = tests.order_by("-assessed_at", "-pk").first()
            if retest is None or retest.total is None or retest.total >= tipvda_high:
                raise DomainError(
                    _(
                        "Case %(id)s has no TIPVDA re-test below %(high)s since it was listed: "
                        "it cannot be delisted."
                    )
                    % {"id": case.pk, "high": tipvda_high},
                    field=field,
                )
            case.high_risk = False
            case.lists = [code for code in case.lists if code != HIGH_RISK_LIST]
            case.save(update_fields=["high_risk", "lists"])
        RiskMeetingCase.objects.create(
            meeting=meeting, case=case, decision=item.decision, note=item.note.strip()
        )
    return meeting
