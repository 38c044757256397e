"""A little access that trips an alert, so that the alerts page of the demo is not empty.

A worker of 朴子社福中心 (not one of the demo accounts; `supervisor` supervises them) opens the
records of more persons of the unit's towns, with no case, report or referral of theirs, than the
`unrelated_reads` rule allows in a day — through the same access layer as the person page — and the
watch reads the log, as its job does every five minutes: `supervisor` finds one alert to review.
"""

from __future__ import annotations

from safetynet.audit import services as audit
from safetynet.audit.models import AlertKind, AlertRule
from safetynet.audit.watch import related_persons
from safetynet.core.access import get_person_for, protected_person_ids
from safetynet.org.models import AccessKind, Staff
from safetynet.people.models import Person

UNIT = "嘉義縣朴子社會福利服務中心"
OVER_THE_THRESHOLD = 4


def curious_worker() -> Staff | None:
    return (
        Staff.objects.filter(
            unit__name=UNIT,
            role__kind=AccessKind.CASEWORKER,
            supervisor__user__username="supervisor",
            left_on__isnull=True,
            user__isnull=False,
        )
        .exclude(user__username__in=["worker", "teammate"])
        .select_related("user", "unit")
        .order_by("pk")
        .first()
    )


def trip_an_alert() -> int:
    """The reads and one pass of the watch; the number of alerts it opened."""
    staff = curious_worker()
    rule = AlertRule.objects.filter(kind=AlertKind.UNRELATED_READS, active=True).first()
    if staff is None or rule is None:
        return 0
    nearby = (
        Person.objects.filter(town__in=staff.unit.towns.all())
        .exclude(pk__in=protected_person_ids())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    candidates = list(nearby[:400])
    served = related_persons(staff.user_id, set(candidates))  # type: ignore[arg-type]
    strangers = [pk for pk in candidates if pk not in served][: rule.threshold + OVER_THE_THRESHOLD]
    for pk in strangers:
        get_person_for(staff.user, pk)
    return audit.watch_access_log()
