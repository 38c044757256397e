"""The minimum a partner reads of the referred person (DOMAIN §11): what the referrer shared, and of a
sexual-assault victim only the masked name, sex, age and town."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from safetynet.domain.referral import PersonFacts, partner_view
from safetynet.intake.models import ReportSubject, SubjectRole
from safetynet.people.models import Person
from safetynet.referrals.models import Referral

PROTECTED_TYPES = frozenset({"SA"})  # 性侵害: the victim's identity stays inside the 家防中心
PROTECTED_ROLES = (SubjectRole.VICTIM, SubjectRole.CHILD)


def protected_identity(person: Person) -> bool:
    """Whether the person is the victim of a sexual-assault report (their identity is masked outside FPC)."""
    rows = ReportSubject.objects.filter(person=person, role__in=PROTECTED_ROLES).values_list(
        "types", flat=True
    )
    return any(PROTECTED_TYPES & set(types or ()) for types in rows)


def person_for_partner(referral: Referral, on: datetime.date) -> Mapping[str, str]:
    if referral.case is None:
        return {}
    person = referral.case.person
    facts = PersonFacts(
        name=person.name,
        sex=person.get_sex_display(),
        birth_date=person.birth_date,
        phone=", ".join(person.phone_list),
        address=person.address,
        town=person.town.full_name if person.town else "",
    )
    return partner_view(facts, referral.shares, protected=protected_identity(person), on=on)
