"""The family around a case, as the case page shows it for a home visit: who lives with the person, and
which other cases serve them or their household, in any unit, with whom to call about each.

Need-to-know holds: a household member the viewer may not see (`persons_visible_to`) is shown only as
being there, with nothing of theirs, their cases included; another case is shown by its route, unit,
status and lead worker with a phone to reach them, never its records, and is linked only if the viewer
may open it (`cases_visible_to`). Everything is read in a fixed number of queries, however large the
family (`family_of`).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from safetynet.cases.models import OPEN_STATUSES, Case
from safetynet.core.access import cases_visible_to, persons_visible_to
from safetynet.people.models import INVERSE_LABEL, HouseholdMember, Person, Relation, RelationKind


def tel_href(number: str, extension: str = "") -> str:
    """A `tel:` link a phone dials: the digits (and a leading +), then the extension after a pause."""
    digits = re.sub(r"[^0-9+]", "", number)
    return f"tel:{digits},{extension}" if extension else f"tel:{digits}"


@dataclass(frozen=True)
class Reach:
    """A phone to reach a worker: their unit's number and, if they have one, their extension."""

    phone: str
    extension: str = ""

    @property
    def href(self) -> str:
        return tel_href(self.phone, self.extension)


@dataclass(frozen=True)
class Member:
    """A household member; `person` is None for one the viewer may not see (shown without details)."""

    person: Person | None
    role: str  # 稱謂 in the household (zh-Hant label)
    relation: str  # to the case's person, from the recorded relations (zh-Hant label), or ""
    age: int | None


@dataclass(frozen=True)
class OtherCase:
    """Another case of the person or of a household member: that it exists and whom to call."""

    case: Case
    person: Person
    own_person: bool  # a case of the page's person (else of a household member)
    relation: str  # the member's 稱謂 or relation, for a member's case
    openable: bool  # the viewer may open it: linked
    cocase: bool  # served together with the page's case (共案)
    cocase_lead: bool
    reach: Reach | None


@dataclass
class Family:
    members: list[Member] = field(default_factory=list)
    cases: list[OtherCase] = field(default_factory=list)
    # The page's case's co-case partners, any status (the shared timeline reads their records).
    cocases: list[Case] = field(default_factory=list)
    # The person's current household (the first, if in two), where members and relations are added.
    household_id: int | None = None

    @property
    def hidden_members(self) -> int:
        return sum(1 for m in self.members if m.person is None)

    def named_persons(self) -> list[int]:
        """The persons the family block names, for the access log."""
        return [m.person.pk for m in self.members if m.person is not None]


def _relations(person: Person, others: list[int]) -> dict[int, str]:
    """How each of `others` stands to `person` (父母, 子女, 配偶 …), from the relations recorded."""
    found: dict[int, str] = {}
    rows = Relation.objects.filter(
        Q(person=person, other_id__in=others) | Q(person_id__in=others, other=person)
    ).values_list("person_id", "other_id", "kind")
    for source, target, kind in rows:
        if source == person.pk:  # the case's person is `kind` of the member: read it from the member's side
            found.setdefault(target, str(INVERSE_LABEL.get(RelationKind(kind), RelationKind(kind).label)))
        else:
            found.setdefault(source, str(RelationKind(kind).label))
    return found


def family_of(user: Any, case: Case, today: datetime.date) -> Family:
    """The household and the family's other cases around `case`, as `user` may see them (6 queries)."""
    person = case.person
    family = Family()
    households = list(
        HouseholdMember.objects.filter(person=person, left_on__isnull=True)
        .order_by("household_id")
        .values_list("household_id", flat=True)
    )
    family.household_id = households[0] if households else None
    members = list(
        HouseholdMember.objects.filter(household__in=households, left_on__isnull=True)
        .exclude(person=person)
        .select_related("person")
        .order_by("household_id", "id")
    )
    member_ids = list(dict.fromkeys(m.person_id for m in members))
    visible: set[int] = set()
    relations: dict[int, str] = {}
    if member_ids:
        visible = set(persons_visible_to(user).filter(pk__in=member_ids).values_list("pk", flat=True))
        relations = _relations(person, sorted(visible))
    seen: set[int] = set()
    for m in members:
        if m.person_id in seen:
            continue  # in two current households with the person: once is enough
        seen.add(m.person_id)
        shown = m.person_id in visible
        family.members.append(
            Member(
                person=m.person if shown else None,
                role=m.get_role_display() if shown else "",
                relation=relations.get(m.person_id, "") if shown else "",
                age=m.person.age_on(today) if shown else None,
            )
        )
    roles = {m.person.pk: m.relation or m.role for m in family.members if m.person is not None}
    wanted = Q(person=person, status__in=OPEN_STATUSES) | Q(
        person_id__in=sorted(visible), status__in=OPEN_STATUSES
    )
    if case.cocase_id:
        wanted |= Q(cocase_id=case.cocase_id)
    others = list(
        Case.objects.filter(wanted)
        .exclude(pk=case.pk)
        .select_related("person", "unit", "lead")
        .order_by("opened_at", "pk")
    )
    openable: set[int] = set()
    if others:
        openable = set(
            cases_visible_to(user).filter(pk__in=[c.pk for c in others]).values_list("pk", flat=True)
        )
    lead_case = case.cocase.lead_id if case.cocase_id and case.cocase else None
    for other in others:
        together = bool(case.cocase_id) and other.cocase_id == case.cocase_id
        if together:
            family.cocases.append(other)
        phone = other.unit.phone.strip()
        family.cases.append(
            OtherCase(
                case=other,
                person=other.person,
                own_person=other.person_id == person.pk,
                relation=roles.get(other.person_id, ""),
                openable=other.pk in openable,
                cocase=together,
                cocase_lead=together and other.pk == lead_case,
                reach=Reach(phone, other.lead.phone_extension if other.lead else "") if phone else None,
            )
        )
    # The page's own person first, then the household's, each by when it opened.
    family.cases.sort(key=lambda o: (not o.own_person, o.case.opened_at, o.case.pk))
    return family
