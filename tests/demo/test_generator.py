"""The demo county: the customer's staffing figures, the personas, and believable invented people.

Most tests read the demo county the session's conftest loads (seed 7, scale 0.03). Tests that need an
empty database empty it inside their own transaction, which is rolled back afterwards.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import random
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.http import HttpRequest
from django.test import Client

from safetynet.core.errors import DomainError
from safetynet.demo import households, names
from safetynet.demo.generator import NOT_EMPTY, PERSONAS, DemoDataError, seed
from safetynet.domain import nationalid
from safetynet.geo.models import County, Town
from safetynet.org.models import Agency, LeavePeriod, Role, Staff, Unit
from safetynet.people.models import Household, HouseholdMember, Person, Relation
from safetynet.workforce.models import Position, PositionYear
from safetynet.workforce.services import create_position
from tests.conftest import PASSWORD
from tests.demo.helpers import demo_end

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 12, 31)  # the end of the last demo year, 114
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def approved(area: str, year: int, **filters: object) -> int:
    rows = PositionYear.objects.filter(position__area_id=area, plan_year=year, **filters)
    return rows.aggregate(total=Sum("approved"))["total"] or 0


def filled(area: str, day: datetime.date, **filters: object) -> int:
    positions = Position.objects.filter(area_id=area, **filters).with_filled(day)
    return sum(p.filled for p in positions)


def empty_the_database() -> None:
    """Remove what the session's demo created (rolled back with the test's transaction)."""
    from safetynet.audit.models import Alert, AlertCursor, AuditEntry
    from safetynet.cases.models import (
        Assessment,
        Case,
        CaseReport,
        Clock,
        Closure,
        CoCase,
        Contact,
        ContactRevision,
        RiskMeeting,
        RiskMeetingCase,
        StatusChange,
        SupervisionCase,
        SupervisionSession,
        Transfer,
    )
    from safetynet.core.models import Notification
    from safetynet.indicators import models as indicators
    from safetynet.intake.models import Dispatch, IdempotencyKey, Report, ReportSubject, Screening
    from safetynet.people.models import RegistryEntry
    from safetynet.referrals import models as referrals
    from safetynet.workforce.models import (
        BudgetLine,
        Checkpoint,
        Milestone,
        TrainingRecord,
        TrainingSession,
        Vacancy,
    )

    # What refers to a case first (an assessment refers to its contact), then the cases.
    for model in (
        referrals.ReferralLink,
        referrals.ReferralEvent,
        referrals.Referral,
        referrals.Schedule,
        referrals.Phone,
        referrals.PartnerContact,
        referrals.ServiceAtLocation,
        referrals.Service,
        referrals.Location,
        referrals.Organization,
        Notification,
        Dispatch,
        Screening,
        RiskMeetingCase,
        RiskMeeting,
        SupervisionCase,
        SupervisionSession,
        Assessment,
        Clock,  # a clock names the contact that met it
        ContactRevision,
        Contact,
        Closure,
        Transfer,
        StatusChange,
        CaseReport,
    ):
        model.objects.all().delete()
    Case.objects.update(cocase=None)
    for model in (CoCase, Case, IdempotencyKey, ReportSubject, Report, RegistryEntry):
        model.objects.all().delete()
    LeavePeriod.objects.all().delete()
    for plan_model in (TrainingRecord, TrainingSession, Vacancy, BudgetLine, Milestone, Checkpoint):
        plan_model.objects.all().delete()
    for figures in (indicators.ReportedValue, indicators.Snapshot, indicators.DropoutRecord):
        figures.objects.all().delete()
    indicators.Target.objects.filter(area__isnull=False).delete()
    Staff.objects.update(supervisor=None)
    Staff.objects.all().delete()
    # The demo's alert: its reader's account stays (the log, append-only, names it) under another name.
    Alert.objects.all().delete()
    AlertCursor.objects.all().delete()
    users = get_user_model().objects
    logged = users.filter(pk__in=AuditEntry.objects.filter(user__isnull=False).values("user"))
    for user in logged.exclude(username__startswith="left-"):
        user.username, user.is_active = f"left-{user.pk}", False
        user.save(update_fields=["username", "is_active"])
    users.exclude(pk__in=logged.values("pk")).delete()
    Position.objects.all().delete()
    Unit.objects.all().delete()
    Agency.objects.all().delete()
    Relation.objects.all().delete()
    HouseholdMember.objects.all().delete()
    Household.objects.all().delete()
    Person.objects.all().delete()


def digest() -> str:
    from safetynet.cases.models import Assessment, Contact, SupervisionSession
    from safetynet.indicators.models import ReportedValue
    from safetynet.referrals.models import Referral
    from safetynet.workforce.models import TrainingRecord, TrainingSession, Vacancy

    persons = Person.objects.order_by("pk").values_list("name", "birth_date", "town_id")
    staff = Staff.objects.order_by("pk").values_list(
        "name", "unit__name", "role__code", "hired_on", "left_on"
    )
    ids = [p.national_id for p in Person.objects.order_by("pk")]
    # The case work (keys differ from run to run, and times follow the clock: neither is compared).
    work = (
        list(Contact.objects.order_by("pk").values_list("case__route", "kind", "minutes")),
        list(Assessment.objects.order_by("pk").values_list("case__route", "instrument", "total")),
        list(SupervisionSession.objects.order_by("pk").values_list("unit__name", "kind", "held_on")),
        list(Referral.objects.order_by("pk").values_list("category__code", "organization__name", "status")),
        list(
            TrainingRecord.objects.order_by("pk").values_list("staff__name", "course__code", "completed_on")
        ),
        list(TrainingSession.objects.order_by("pk").values_list("title", "held_on", "attendees")),
        list(Vacancy.objects.order_by("pk").values_list("position__role__code", "seats", "filled_on")),
        list(ReportedValue.objects.order_by("pk").values_list("indicator__code", "period_start", "value")),
    )
    return hashlib.sha256(repr((list(persons), list(staff), ids, work)).encode()).hexdigest()


# --- determinism and the command ----------------------------------------------------------------------


def test_it_gives_the_same_county_for_the_same_seed_and_another_for_another(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = FAST_HASHER
    runs = []
    for number in (3, 3, 4):
        empty_the_database()
        seed(seed=number, scale=0.02, password=PASSWORD)
        runs.append(digest())
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_it_refuses_a_database_that_holds_data() -> None:
    with pytest.raises(DemoDataError, match=NOT_EMPTY):
        seed(password=PASSWORD)
    with pytest.raises(CommandError, match=NOT_EMPTY):
        call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("years", "114-110"),
        ("years", "abc"),
        ("years", "99-110"),
        ("years", "110-201"),
        ("scale", "0"),
        ("scale", "-1"),
        ("scale", "nan"),
        ("scale", "much"),
    ],
)
def test_it_names_the_bad_option(option: str, value: str) -> None:
    with pytest.raises(CommandError, match=f"--{option}"):
        call_command("seed_demo", **{option: value}, stdout=io.StringIO())


def test_it_prints_counts_and_logins_but_no_person_or_password(settings, monkeypatch, capfd) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = FAST_HASHER
    monkeypatch.setenv("SAFETYNET_DEMO_PASSWORD", "printed-nowhere-123")
    empty_the_database()
    out = io.StringIO()
    call_command("seed_demo", "--scale", "0.02", "--seed", "5", stdout=out)
    # What the command writes, and whatever else reached the console meanwhile (prints, logging).
    console = capfd.readouterr()
    text = out.getvalue() + console.out + console.err
    assert f"{Person.objects.count()}" in text and "households" in text and "positions" in text
    for label in ("contacts", "assessments", "supervision", "risk meetings"):
        assert f"  {label} " in text
    for persona in PERSONAS:
        assert f"  {persona.username} " in text
    assert "printed-nowhere-123" not in text
    for person in Person.objects.all():
        assert person.name not in text
        assert not person.national_id or person.national_id not in text
    assert all(s.name not in text for s in Staff.objects.all())
    # django-axes checks every login against its request: the test client's login passes one.
    assert Client().login(request=HttpRequest(), username="worker", password="printed-nowhere-123")


def test_it_only_creates_plan_years_inside_the_years_asked(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = FAST_HASHER
    empty_the_database()
    summary = seed(seed=2, years=(111, 112), scale=0.01, password=PASSWORD)
    assert set(PositionYear.objects.values_list("plan_year", flat=True)) == {111, 112}
    assert Staff.objects.filter(hired_on__gt=datetime.date(2023, 12, 31)).count() == 0
    assert summary.accounts == len(PERSONAS)


# --- the customer's staffing figures ----------------------------------------------------------------


def test_it_reproduces_the_mental_health_social_workers_of_seed_000() -> None:
    day = datetime.date(2021, 11, 24)  # 110年11月24日, the date of the report
    assert approved("10010", 110, position__role__code="mhsw") == 9
    assert filled("10010", day, role__code="mhsw", years__plan_year=110) == 7
    assert approved("10010", 110, position__role__code="tcsw") == 3
    assert filled("10010", day, role__code="tcsw", years__plan_year=110) == 3


def test_it_reaches_seed_000s_130_strategy_3_staff_and_25_drug_case_managers_in_114() -> None:
    assert approved("10010", 114, position__strategy=3) == 130
    assert approved("10010", 114, position__role__code="drug_case_manager") == 25


@pytest.mark.parametrize(("year", "total"), [(110, 7), (111, 33), (112, 35), (113, 38), (114, 41)])
def test_it_reproduces_chiayi_citys_strategy_3_plan_of_seed_001(year: int, total: int) -> None:
    assert approved("10020", year, position__strategy=3) == total


def test_it_reproduces_chiayi_citys_strategy_2_table_of_seed_001() -> None:
    table: Counter[tuple[str, str]] = Counter()
    for row in PositionYear.objects.filter(position__area_id="10020", position__strategy=2, plan_year=111):
        table[(row.position.category, row.position.funding)] += row.approved
    assert table == {
        ("成保", "local"): 3,
        ("兒少保", "local"): 3,
        ("篩派", "local"): 1,
        ("性騷擾", "local"): 1,
        ("成保", "central"): 6,
        ("兒少保", "central"): 6,
        ("篩派", "central"): 3,
        ("成保", "outsourced"): 11,
        ("兒少保", "outsourced"): 7,
        ("性保", "outsourced"): 1,
    }
    assert approved("10020", 110, position__strategy=2) == 41
    assert approved("10020", 111, position__strategy=2) == 42


def test_it_reproduces_chiayi_citys_strategy_1_and_4_staffing() -> None:
    swc = {"position__strategy": 1}
    assert approved("10020", 110, position__role__code="supervisor", **swc) == 2
    assert approved("10020", 110, position__role__code="social_worker", **swc) == 13
    for year in (111, 112, 113, 114):
        assert approved("10020", year, position__role__code="supervisor", **swc) == 4
        assert approved("10020", year, position__role__code="social_worker", **swc) == 28
    assert approved("10020", 110, position__strategy=4, position__funding="lottery") == 1
    assert approved("10020", 110, position__strategy=4, position__funding="central") == 2
    hired = Staff.objects.filter(position__strategy=4, position__funding="central").order_by("hired_on")
    assert [s.hired_on for s in hired[:2]] == [datetime.date(2021, 4, 1)] * 2


def test_it_fills_every_chiayi_city_line_at_the_end_of_110() -> None:
    day = datetime.date(2021, 12, 31)
    for position in Position.objects.filter(area_id="10020", years__plan_year=110).with_filled(day):
        assert position.filled == position.years.get(plan_year=110).approved, position


def test_it_never_fills_more_seats_than_approved() -> None:
    for year in range(110, 115):
        day = datetime.date(year + 1911, 12, 31)
        for position in Position.objects.filter(years__plan_year=year).with_filled(day):
            assert position.filled <= position.years.get(plan_year=year).approved, (position, year)


def test_it_hires_and_loses_staff_along_the_years_and_sends_some_on_leave() -> None:
    assert not Staff.objects.filter(hired_on__gt=TODAY).exists()
    assert Staff.objects.filter(left_on__isnull=False).exists()
    assert Staff.objects.filter(hired_on__year=2022).count() > 20  # 111: the phase-2 expansion
    # A few are away on the day the demo is built, one of them in the worker's unit.
    present = demo_end().date()
    on_leave = Staff.objects.on_leave(present)
    assert 3 <= on_leave.count() < Staff.objects.active_on(present).count() // 5
    worker_unit = Staff.objects.get(user__username="worker").unit
    assert any(member.on_leave for member in worker_unit.team_on(present))


# --- organisation and personas ------------------------------------------------------------------------


def test_it_covers_each_chiayi_county_town_with_exactly_one_family_service_centre() -> None:
    centres = Unit.objects.filter(county_id="10010", kind="swc")
    assert centres.count() == 6
    covered = Counter(code for unit in centres for code in unit.towns.values_list("code", flat=True))
    assert set(covered) == set(Town.objects.filter(county_id="10010").values_list("code", flat=True))
    assert set(covered.values()) == {1}
    puzi = Unit.objects.get(name="嘉義縣朴子社會福利服務中心")
    assert {t.name for t in puzi.towns.all()} == {"朴子市", "六腳鄉", "東石鄉"}


def test_it_creates_the_agencies_and_the_units_of_both_counties() -> None:
    assert Agency.objects.get(name="衛生福利部").kind == "central"
    assert Unit.objects.get(name="嘉義家扶中心").agency.kind == "partner"
    city = Unit.objects.filter(county_id="10020")
    assert set(city.values_list("kind", flat=True)) >= {
        "swc",
        "fpc",
        "screening",
        "mhc",
        "dpc",
        "yac",
        "office",
    }
    assert Unit.objects.get(name="衛生福利部社會安全網審查小組").county is None


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.username for p in PERSONAS])
def test_it_creates_each_demo_account_with_its_unit_and_role(persona) -> None:  # type: ignore[no-untyped-def]
    staff = Staff.objects.select_related("unit", "role").get(user__username=persona.username)
    assert (staff.unit.name, staff.role.code) == (persona.unit, persona.role)
    assert staff.hired_on <= datetime.date(2021, 12, 31)
    assert staff.left_on is None
    assert not Staff.objects.filter(pk=staff.pk).on_leave(TODAY).exists()
    assert Client().login(request=HttpRequest(), username=persona.username, password=PASSWORD)


def test_it_puts_worker_and_teammate_in_one_unit_under_supervisor() -> None:
    worker, teammate, supervisor = (
        Staff.objects.get(user__username=name) for name in ("worker", "teammate", "supervisor")
    )
    assert worker.unit == teammate.unit == supervisor.unit
    assert worker.supervisor == teammate.supervisor == supervisor
    assert Staff.objects.get(user__username="otherunit").unit != worker.unit


# --- persons and households -------------------------------------------------------------------------


def test_it_gives_valid_unique_national_ids_lettered_by_county() -> None:
    persons = [p for p in Person.objects.select_related("town") if p.national_id]
    ids = [p.national_id for p in persons]
    assert len(ids) == len(set(ids))
    for person in persons:
        assert nationalid.is_valid(person.national_id)
        assert person.national_id[0] == {"10010": "Q", "10020": "I"}[person.town.county_id]
        assert nationalid.sex_of(person.national_id) == person.sex


def test_it_never_generates_a_name_on_the_deny_list() -> None:
    generated = set(Person.objects.values_list("name", flat=True)) | set(
        Staff.objects.values_list("name", flat=True)
    )
    assert not generated & names.DENY_LIST
    rng = random.Random(0)
    drawn = {names.person_name(rng, "F", family=name[0]) for name in names.DENY_LIST for _ in range(300)}
    assert not drawn & names.DENY_LIST


def test_it_makes_children_at_least_15_years_younger_than_their_parents() -> None:
    for relation in Relation.objects.filter(kind="parent").select_related("person", "other"):
        parent, child = relation.person, relation.other
        assert households.years_before(child.birth_date, 15) >= parent.birth_date
    for relation in Relation.objects.filter(kind="grandparent").select_related("person"):
        assert relation.person.age_on(TODAY) >= 60


def test_it_spreads_persons_over_the_towns_by_population() -> None:
    towns = list(Town.objects.filter(county_id__in=["10010", "10020"]).order_by("population"))
    counts = Counter(Person.objects.values_list("town_id", flat=True))
    assert set(counts) <= {t.code for t in towns}
    assert counts[towns[-1].code] > counts[towns[0].code]
    assert all(HouseholdMember.objects.filter(person=p).exists() for p in Person.objects.all())


def test_it_plans_households_with_believable_ages_and_roles() -> None:
    """Thousands of planned persons, no database: the age rules hold for every relation."""
    town = households.TownInfo("10010020", "朴子市", "嘉義縣", "Q", rural=False)
    planner = households.TownPlanner(random.Random(11), town, TODAY, households.IdMaker(random.Random(12)))
    planned = planner.households(5000)
    kinds: Counter[str] = Counter()
    for household in planned:
        members = [person for person, _ in household.members]
        assert household.members[0][1] == "head"
        assert household.address.startswith("嘉義縣朴子市")
        for source, target, kind in household.relations:
            older, younger = members[source], members[target]
            kinds[kind] += 1
            gap = households.age_on(older.birth_date, younger.birth_date)
            if kind == "parent":
                assert 22 <= gap <= 55
            if kind == "grandparent":
                assert households.age_on(older.birth_date, TODAY) >= 60
        three_generations = any(kind == "grandparent" for _, _, kind in household.relations)
        youngest = "grandparent" if three_generations else "parent"
        for _, target, kind in household.relations:
            if kind == youngest:
                assert households.age_on(members[target].birth_date, TODAY) <= 17
        for person in members:
            assert person.birth_date <= TODAY
            assert all(len(p) == 10 and p.startswith("09") for p in person.phones)
    assert kinds["parent"] and kinds["spouse"] and kinds["grandparent"]
    persons = [p for h in planned for p, _ in h.members]
    no_id = sum(1 for p in persons if not p.national_id) / len(persons)
    assert 0.01 < no_id < 0.06
    assert any(p.national_id[1] in "89" for p in persons if p.national_id)


def test_it_issues_valid_unique_ids() -> None:
    maker = households.IdMaker(random.Random(1))
    ids = [maker.make("I", random.Random(n).choice("MF"), resident=n % 10 == 0) for n in range(5000)]
    assert len(set(ids)) == len(ids)
    assert all(nationalid.is_valid(value) for value in ids)


# --- the staffing-plan service ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"area": "10020"}, "unit"),
        ({"approved_by_year": {110: -1}}, "approved_by_year"),
        ({"approved_by_year": {99: 1}}, "approved_by_year"),
        ({"approved_by_year": {}}, "approved_by_year"),
        ({"funding": "gift"}, "funding"),
    ],
)
def test_it_refuses_an_inconsistent_position(change: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {
        "area": "10010",
        "strategy": 1,
        "category": "",
        "funding": "central",
        "approved_by_year": {115: 2},
    }
    arguments.update(change)
    area = County.objects.get(code=arguments.pop("area"))
    unit = Unit.objects.get(name="嘉義縣朴子社會福利服務中心")
    with pytest.raises(DomainError) as error:
        create_position(area, unit, Role.objects.get(code="social_worker"), **arguments)  # type: ignore[arg-type]
    assert error.value.field == field
