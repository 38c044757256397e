"""The hooks the report flow calls for the planned incidents: their households, their screening and
dispatch, and the course of their cases (visits, closure, transfer, referrals)."""

from __future__ import annotations

import contextlib
import datetime
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from safetynet.cases import services as cases
from safetynet.cases.models import Clock, Closure
from safetynet.demo import households, names, partners
from safetynet.demo.casework import CaseFile, Casework, office_hours
from safetynet.demo.incidents import Incident, Someone, Subject
from safetynet.demo.workday.planned import (
    COCASE,
    DAY,
    FAMILY,
    HOUR,
    SERVED,
    TAIPEI,
    UNSCREENED,
    Family,
    PersonaCase,
    PlannedClosure,
    PlannedReferral,
    plan,
    working_moment,
)
from safetynet.domain import rocdate
from safetynet.domain.casestatus import CaseStatus
from safetynet.domain.referral import Side
from safetynet.geo.models import Town, TownKind
from safetynet.intake import services as intake
from safetynet.intake.models import Report
from safetynet.org import services as org
from safetynet.org.models import DispatchMode, Staff, Unit
from safetynet.people import services as people
from safetynet.people.models import HouseholdMember, MemberRole, Person, RelationKind
from safetynet.referrals import services as referral_services
from safetynet.referrals.models import Consent, Referral, Service, ServiceCategory

if TYPE_CHECKING:
    from safetynet.demo.reports.people import People

PRIORITY_REASON = "通報指出幼兒連日獨自在家且家中斷炊，提高為優先處理"
SERVING_REASON = "完成初評，開案提供服務"
TRANSFER_REASON = "案家已於{moved}遷居{town}，依居住地原則移由貴中心續處；已完成家庭脆弱性評估，訪視紀錄如附"
MOVE_NOTE = "案母來電告知已搬遷至{town}，新址與聯絡電話已更新；說明將移轉居住地社福中心服務"
SHARES = ["name", "sex", "age", "phone", "town"]
PERSONA_LEADS = ("worker", "teammate", "otherunit")
RURAL = (TownKind.TOWNSHIP, TownKind.MOUNTAIN)
REPORTERS = {
    "POLICE": "派出所員警",
    "113": "113保護專線社工",
    "EDUCATION": "學校輔導教師",
    "MEDICAL": "醫院社工",
    "SOCIAL": "村里幹事",
}


Schedule = Callable[[datetime.datetime, Callable[[], None]], None]
DrawSubjects = Callable[[str, str, datetime.date], tuple[list[Subject], str]]
DrawFlags = Callable[[str, str, Someone, datetime.date], tuple[list[str], int | None]]
ReceivedAt = Callable[[datetime.date, str], datetime.datetime]


class WorkingDay:
    """The planned incidents, and what becomes of them: hooks the report flow calls (`safetynet.demo.reports`)."""

    def __init__(
        self, rng: random.Random, end: datetime.datetime, pool: People, schedule: Schedule, casework: Casework
    ) -> None:
        self.rng = rng
        self.end = end
        self.pool = pool
        self.schedule = schedule
        self.casework = casework
        accounts = Staff.objects.filter(user__username__in=PERSONA_LEADS).select_related("user", "unit")
        self.staff: dict[str, Staff] = {s.user.username: s for s in accounts if s.user is not None}
        self.towns = {
            t.code: t for t in Town.objects.filter(county_id__in=list(pool.towns)).select_related("county")
        }
        self.moved_to: Town | None = None  # where the transferred family went

    def unit_towns(self, unit: Unit) -> list[str]:
        return sorted(code for code in unit.towns.values_list("code", flat=True) if code in self.towns)

    # --- the incidents ----------------------------------------------------------------------------

    def incidents(
        self,
        start: datetime.datetime,
        draw_subjects: DrawSubjects,
        draw_flags: DrawFlags,
        received_at: ReceivedAt,
    ) -> dict[datetime.date, list[Incident]]:
        """The planned reports from `start` on, by the day they come in."""
        planned: dict[datetime.date, list[Incident]] = defaultdict(list)
        worker = self.staff.get("worker")
        home = self.unit_towns(worker.unit) if worker is not None else []
        if worker is None or not home:
            return planned
        area = worker.unit.county_id or ""
        family: PersonaCase | None = None
        for number, spec in enumerate(plan()):
            lead = self.staff.get(spec.lead) if spec.lead else None
            if spec.lead and lead is None:
                continue
            towns = self.unit_towns(lead.unit) if lead is not None else home
            town = (towns or home)[number % len(towns or home)]
            if spec.mark == UNSCREENED:
                received = self.end - DAY * spec.ago - datetime.timedelta(seconds=self.rng.randrange(900))
            else:
                # Screened before the end, however late in the day it came.
                received = min(
                    received_at((self.end - DAY * spec.ago).date(), spec.source), self.end - 3 * HOUR
                )
            if received < start:
                continue
            on = received.date()
            persona = PersonaCase(spec)
            relation = ""
            if spec.mark == UNSCREENED:
                subjects, relation = draw_subjects(spec.kind, area, on)
            elif spec.mark == COCASE:
                if family is None or family.family is None:
                    continue
                child, father = family.family.persons[family.family.child], family.family.persons[0]
                subjects = [
                    Subject("s1", "child", ["CP"], child, ["caregiver_perpetrator"]),
                    Subject("s2", "respondent", ["CP"], father),
                ]
            else:
                persona.family = self._family(town, on, spec.members)
                child = persona.family.persons[persona.family.child]
                flags, _ = draw_flags("VF", "child", child, on)
                subjects = [Subject("s1", "child", ["VF"], child, flags)]
                if spec.mark == FAMILY:
                    family = persona
            incident = Incident(
                area,
                spec.kind,
                received,
                spec.source,
                subjects,
                relation,
                persona=spec.mark,
                plan=persona,
                narrative=spec.narrative,
                reporter=REPORTERS.get(spec.source, ""),
            )
            planned[on].append(incident)
        return planned

    def _family(self, town: str, on: datetime.date, members: int) -> Family:
        """A parent and the child the report names; or parents, two children and a grandmother."""
        rng = self.rng
        family = Family(town, self._address(town))

        def person(sex: str, low: int, high: int, surname: str | None = None) -> Someone:
            born = households.born_at_age(rng, on, rng.randint(low, high))
            national_id = self.pool.ids.make(self.pool.letters[town[:5]], sex)
            return Someone(names.person_name(rng, sex, family=surname), sex, born, national_id, town)

        def phone() -> list[str]:
            return [f"09{rng.randrange(10**8):08d}"]

        if members < 5:
            family.members = [
                (person("F", 29, 45), MemberRole.HEAD, phone()),
                (person(rng.choice("MF"), 2, 14), MemberRole.CHILD, []),
            ]
            family.relations = [(0, 1, RelationKind.PARENT)]
            return family
        surname = names.surname(rng)
        family.members = [
            (person("M", 36, 45, surname), MemberRole.HEAD, phone()),
            (person("F", 32, 40), MemberRole.SPOUSE, phone()),
            (person(rng.choice("MF"), 7, 10, surname), MemberRole.CHILD, []),
            (person(rng.choice("MF"), 3, 5, surname), MemberRole.CHILD, []),
            (person("F", 64, 74), MemberRole.PARENT, phone()),
        ]
        family.relations = [
            (0, 1, RelationKind.SPOUSE),
            (0, 2, RelationKind.PARENT),
            (1, 2, RelationKind.PARENT),
            (0, 3, RelationKind.PARENT),
            (1, 3, RelationKind.PARENT),
            (2, 3, RelationKind.SIBLING),
            (4, 0, RelationKind.PARENT),
        ]
        family.child = 2
        return family

    def _address(self, code: str) -> str:
        rng, town = self.rng, self.towns[code]
        village = rng.choice(households.VILLAGES) + ("村" if town.kind in RURAL else "里")
        number = (
            f"{rng.randint(1, 120)}巷{rng.randint(1, 60)}號"
            if rng.random() < 0.4
            else f"{rng.randint(1, 350)}號"
        )
        return f"{town.county.name}{town.name}{village}{rng.randint(1, 24)}鄰{rng.choice(households.ROADS)}{number}"

    # --- receiving and screening ------------------------------------------------------------------

    def receiving(self, incident: Incident) -> None:
        """Before the report comes in: its household, on record as the worker would record it."""
        family = incident.plan.family if incident.plan is not None else None
        if family is None or family.registered:
            return
        town = self.towns[family.town]
        persons = [
            people.register_person(
                people.PersonData(
                    name=s.name,
                    sex=s.sex,
                    birth_date=s.born,
                    national_id=s.national_id,
                    phones=phones,
                    town=town,
                    address=family.address,
                )
            )
            for s, _, phones in family.members
        ]
        household = people.create_household(persons[0], town=town, address=family.address)
        for person, (_, role, _) in zip(persons[1:], family.members[1:], strict=True):
            people.add_household_member(household, person, role)
        for source, target, kind in family.relations:
            people.relate_persons(persons[source], persons[target], kind)
        for someone, person in zip(family.persons, persons, strict=True):
            someone.pk = person.pk
        family.registered = True

    def screening(self, report: Report, incident: Incident) -> tuple[list[intake.RouteChoice] | None, str]:
        """The screener's decision: the suggestion, or its route raised to the planned priority."""
        spec = incident.plan.spec if incident.plan is not None else None
        if spec is None or spec.priority is None:
            return None, ""
        routes: list[dict[str, Any]] = report.suggestion.get("routes", [])
        choices = [
            intake.RouteChoice(
                r["subject"], r["route"], spec.priority if r["route"] == "SWC" else r.get("priority")
            )
            for r in routes
        ]
        return choices, PRIORITY_REASON

    def lead(self, incident: Incident) -> Staff | None:
        spec = incident.plan.spec if incident.plan is not None else None
        return self.staff.get(spec.lead) if spec is not None and spec.lead else None

    @contextlib.contextmanager
    def dispatching(self, incident: Incident) -> Iterator[None]:
        """A case planned for a demo account waits for its supervisor, who gives it to that account,
        even in a unit that assigns at once (民雄社福中心): its mode is set back right after."""
        lead = self.lead(incident)
        if lead is None or lead.unit.dispatch_mode == DispatchMode.CONFIRM:
            yield
            return
        unit = Unit.objects.get(pk=lead.unit_id)
        mode = unit.dispatch_mode
        org.set_dispatch_mode(unit, DispatchMode.CONFIRM)
        try:
            yield
        finally:
            org.set_dispatch_mode(unit, mode)

    # --- the cases --------------------------------------------------------------------------------

    def plan_case(
        self,
        file: CaseFile,
        incident: Incident,
        first_at: datetime.datetime | None,
        report_at: datetime.datetime | None,
    ) -> None:
        """What the case's worker does: the first visit when the flow planned it, then the planned course."""
        assert incident.plan is not None  # noqa: S101 - the flow calls this for planned incidents only
        persona = incident.plan
        spec = persona.spec
        file.follow_up = spec.mark == COCASE  # 家防中心's own visits, as the flow plans them
        file.refer = False  # only the planned referrals
        # The worker goes in office hours (the flow's other cases keep the times it drew).
        first_at = self._office(first_at, after=file.case.assigned_at or file.case.opened_at)
        report_at = self._office(report_at, after=first_at + 2 * HOUR) if first_at and report_at else None
        self.casework.follow(file, first_at=first_at, report_at=report_at)
        if first_at is None:
            return  # not seen yet: 評估中
        if spec.referral is not None:
            self._plan_referral(file, spec.referral, after=first_at)
        if spec.mark == COCASE:
            decided = first_at + HOUR * self.rng.uniform(2, 30)
            if decided < self.end:
                self.schedule(decided, lambda: self._serve(file, decided))
        if spec.mark not in SERVED:
            return
        start = max(t for t in (first_at, report_at) if t is not None) + 10 * datetime.timedelta(minutes=1)
        if start < self.end:
            self.schedule(start, lambda: self._course(file, persona, start))

    def _office(
        self, moment: datetime.datetime | None, *, after: datetime.datetime
    ) -> datetime.datetime | None:
        """`moment` moved into office hours on a working day, not before `after`; None past the end."""
        if moment is None:
            return None
        when = office_hours(moment, self.rng)
        day = after.astimezone(TAIPEI).date()
        while when <= after:
            day += DAY
            if day.weekday() < 5:
                when = office_hours(
                    datetime.datetime.combine(day, datetime.time(12), tzinfo=TAIPEI), self.rng
                )
        return when if when < self.end else None

    def _serve(self, file: CaseFile, at: datetime.datetime) -> None:
        file.case.refresh_from_db(fields=["status"])
        if file.case.status == CaseStatus.ASSESSING:
            cases.change_status(file.case, CaseStatus.SERVING, by=file.by, at=at, reason=SERVING_REASON)

    def _course(self, file: CaseFile, persona: PersonaCase, at: datetime.datetime) -> None:
        """After the first visit and assessment: served, visited on time, then closure or transfer asked,
        or visited last so that the next visit falls due in the days after the end."""
        rng, spec = self.rng, persona.spec
        self._serve(file, at)
        planned = self.casework.running(file.case).get("visit")
        interval = planned[1] - planned[0] if planned is not None else 30 * DAY
        if spec.closure is not None:
            asked = working_moment(self.end, spec.closure.asked, rng)
            last = asked - DAY * rng.uniform(3, 6)
            self.schedule(asked, lambda: self._ask_closure(file, spec.closure, asked))  # type: ignore[arg-type]
            file.stop = asked
        elif spec.transfer:
            asked = working_moment(self.end, spec.transfer, rng)
            moved = working_moment(self.end, spec.transfer + 1, rng)
            last = moved - DAY * rng.uniform(2, 5)
            self.schedule(moved, lambda: self._move(file, persona, moved))
            self.schedule(asked, lambda: self._ask_transfer(file, moved, asked))
            file.stop = asked
        else:
            last = self.end + DAY * (spec.due_in or 0) - interval
        last = max(office_hours(last, rng), at + 2 * HOUR)
        for visit in self._visits(at, last, interval):
            self.schedule(visit, lambda v=visit: self._visit(file, v))  # type: ignore[misc]

    def _visit(self, file: CaseFile, at: datetime.datetime) -> None:
        self.casework.visit(file, at)

    def _visits(
        self, after: datetime.datetime, last: datetime.datetime, interval: datetime.timedelta
    ) -> list[datetime.datetime]:
        """Visits from `after` to `last`, each before the previous one's next visit falls due."""
        times = [last]
        moment = last
        while True:
            moment -= interval * self.rng.uniform(0.75, 0.95)
            if moment <= after + interval * 0.3:
                break
            times.append(office_hours(moment, self.rng))
        return sorted(t for t in times if t > after)

    def _ask_closure(self, file: CaseFile, closure: PlannedClosure, at: datetime.datetime) -> None:
        running = Clock.objects.running().filter(case=file.case).exists()
        asked = cases.request_closure(
            file.case,
            reason=closure.reason,
            checklist=list(closure.checklist),
            summary=closure.summary,
            open_clocks_reason=closure.open_clocks if running else "",
            by=file.by,
            at=at,
        )
        if closure.approved is not None:
            decided = max(working_moment(self.end, closure.approved, self.rng), at + HOUR)
            self.schedule(decided, partial(self._approve, asked, decided))

    @staticmethod
    def _approve(closure: Closure, at: datetime.datetime) -> None:
        supervisors = cases.supervisors_of(closure.case.unit)
        if supervisors:
            cases.decide_closure(closure, approve=True, by=supervisors[0], at=at)

    def _move(self, file: CaseFile, persona: PersonaCase, at: datetime.datetime) -> None:
        """The family moves to the worker's unit's area: their address, their household, a call."""
        family, worker = persona.family, self.staff.get("worker")
        if family is None or worker is None:
            return
        town = self.towns[self.unit_towns(worker.unit)[0]]
        address = self._address(town.code)
        moved = [Person.objects.get(pk=s.pk) for s in family.persons]
        for person in moved:
            people.update_person(
                person,
                people.PersonData(
                    name=person.name,
                    sex=person.sex,
                    birth_date=person.birth_date,
                    national_id=person.national_id,
                    phones=[p for p in person.phones.split(",") if p],
                    town=town,
                    address=address,
                ),
            )
        left = HouseholdMember.objects.filter(person__in=moved, left_on__isnull=True).order_by("pk")
        for member in left:
            people.remove_household_member(member, left_on=at.astimezone(TAIPEI).date())
        household = people.create_household(moved[0], town=town, address=address)
        for person, (_, role, _) in zip(moved[1:], family.members[1:], strict=True):
            people.add_household_member(household, person, role, joined_on=at.astimezone(TAIPEI).date())
        cases.record_contact(
            file.case,
            kind="phone",
            occurred_at=at,
            minutes=15,
            place="電話",
            with_whom="案母",
            note=MOVE_NOTE.format(town=town.name),
            next_step="辦理移轉",
            by=file.by,
            at=at + HOUR,
        )
        self.moved_to = town

    def _ask_transfer(self, file: CaseFile, moved: datetime.datetime, at: datetime.datetime) -> None:
        worker = self.staff.get("worker")
        town = self.moved_to
        if worker is None or town is None:
            return
        reason = TRANSFER_REASON.format(
            moved=rocdate.format(moved.astimezone(TAIPEI).date(), "slash"), town=town.name
        )
        cases.request_transfer(file.case, to_unit=worker.unit, reason=reason, by=file.by, at=at)

    # --- referrals --------------------------------------------------------------------------------

    def _plan_referral(self, file: CaseFile, planned: PlannedReferral, *, after: datetime.datetime) -> None:
        sent = max(working_moment(self.end, planned.sent, self.rng), after + HOUR)
        if sent < self.end:
            self.schedule(sent, lambda: self._refer(file, planned, sent))

    def _refer(self, file: CaseFile, planned: PlannedReferral, sent: datetime.datetime) -> None:
        service = (
            Service.objects.filter(organization__name=planned.organization, categories__code=planned.category)
            .select_related("organization")
            .first()
        )
        category = ServiceCategory.objects.filter(code=planned.category).first()
        if service is None or category is None:
            return
        referral = referral_services.create_referral(
            file.case,
            service=service,
            category=category,
            reason=partners.REASONS.get(planned.category, "需合作單位協助"),
            consent=Consent.WRITTEN,
            shares=SHARES,
            by=file.by,
            at=sent,
        )
        portal = referral_services.partner_users(service.organization)
        moment = sent
        for state, days, note in planned.moves:
            moment = max(working_moment(self.end, days, self.rng), moment + HOUR)
            if portal and moment < self.end:
                self.schedule(moment, partial(self._answer, referral, state, note, portal[0], moment))

    @staticmethod
    def _answer(referral: Referral, state: str, note: str, by: Any, at: datetime.datetime) -> None:
        referral_services.move_referral(referral, state, side=Side.PARTNER, by=by, note=note, at=at)
