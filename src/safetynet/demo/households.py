"""Invented households of a town: who lives together, their ages, names, IDs, phones and address.

Pure planning (no Django import); the generator registers the result through the people services.
Compositions follow the shape of Taiwanese households: elders living alone, couples, couples with
children, three generations under one roof, single parents. Ages are consistent with the roles:
parents were 22-55 when their children were born, children are 0-17, grandparents are 60 or older.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from safetynet.demo import names
from safetynet.domain.nationalid import check_digit

# (composition, weight): the weights give about 3.3 persons per household.
COMPOSITIONS: tuple[tuple[str, int], ...] = (
    ("single_elder", 11),
    ("single_adult", 9),
    ("elder_couple", 10),
    ("young_couple", 6),
    ("nuclear", 34),
    ("single_parent", 10),
    ("three_generations", 20),
)
SMALL_COMPOSITIONS = ("single_elder", "single_adult", "elder_couple", "young_couple")

NO_ID_SHARE = 0.03  # persons whose national ID is unknown to the county
FOREIGN_WIFE_SHARE = 0.07  # wives from abroad, holding a resident certificate number (9)
FOREIGN_HUSBAND_SHARE = 0.01  # husbands from abroad (8)
PHONE_SHARE = 0.95  # adults with a mobile phone on file

VILLAGES = (
    "中山", "中正", "民生", "民權", "光復", "復興", "仁愛", "和平", "忠孝", "信義", "新生", "興安",
    "文化", "永和", "福德", "長安", "崇文", "安和", "東興", "西平", "南華", "北興", "大同", "平和",
    "富安", "春和", "松山", "竹林", "溪北", "頂寮", "后庄", "新厝", "港墘", "山腳",
)  # fmt: skip
ROADS = (
    "中正路", "中山路", "民生路", "民權路", "民族路", "光復路", "復興路", "自由路", "和平路", "仁愛路",
    "忠孝路", "信義路", "成功路", "建國路", "新生路", "文化路", "公園路", "博愛路", "興業路", "長春路",
)  # fmt: skip


@dataclass
class PlannedPerson:
    name: str
    sex: str
    birth_date: datetime.date
    national_id: str = ""
    phones: list[str] = field(default_factory=list)


@dataclass
class PlannedHousehold:
    """Members as (person, household role); members[0] is the head. Relations as (from, to, kind)."""

    town_code: str
    address: str
    members: list[tuple[PlannedPerson, str]] = field(default_factory=list)
    relations: list[tuple[int, int, str]] = field(default_factory=list)

    def add(self, person: PlannedPerson, role: str) -> int:
        self.members.append((person, role))
        return len(self.members) - 1


@dataclass(frozen=True)
class TownInfo:
    code: str
    name: str
    county_name: str
    id_letter: str  # the area letter of the national IDs issued here (Q 嘉義縣, I 嘉義市)
    rural: bool  # villages are 村 in 鄉, 里 elsewhere


class IdMaker:
    """Valid, unique synthetic national IDs (letter, sex digit, 7 random digits, check digit)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.issued: set[str] = set()

    def make(self, letter: str, sex: str, *, resident: bool = False) -> str:
        second = ("8" if sex == "M" else "9") if resident else ("1" if sex == "M" else "2")
        while True:
            prefix = f"{letter}{second}{self.rng.randrange(10**7):07d}"
            value = f"{prefix}{check_digit(prefix)}"
            if value not in self.issued:
                self.issued.add(value)
                return value


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def born_at_age(rng: random.Random, on: datetime.date, age: int) -> datetime.date:
    """A birth date for someone exactly `age` years old on `on`."""
    latest = years_before(on, age)
    earliest = years_before(on, age + 1) + datetime.timedelta(days=1)
    return earliest + datetime.timedelta(days=rng.randint(0, (latest - earliest).days))


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class TownPlanner:
    """Plans the households of one town."""

    def __init__(self, rng: random.Random, town: TownInfo, today: datetime.date, ids: IdMaker) -> None:
        self.rng = rng
        self.town = town
        self.today = today
        self.ids = ids
        suffix = "村" if town.rural else "里"
        self.villages = [v + suffix for v in rng.sample(VILLAGES, rng.randint(6, 12))]

    def households(self, persons: int) -> list[PlannedHousehold]:
        """Households until the town holds at least `persons` persons."""
        planned: list[PlannedHousehold] = []
        count = 0
        while count < persons:
            kinds, weights = zip(*COMPOSITIONS, strict=True)
            kind = self.rng.choices(kinds, weights)[0]
            if persons - count <= 2 and kind not in SMALL_COMPOSITIONS:
                kind = self.rng.choice(SMALL_COMPOSITIONS)
            household = getattr(self, f"_{kind}")()
            planned.append(household)
            count += len(household.members)
        return planned

    # --- pieces ---------------------------------------------------------------------------------

    def _address(self) -> str:
        rng = self.rng
        number = f"{rng.randint(1, 350)}號"
        if rng.random() < 0.3:
            number = f"{rng.randint(1, 120)}巷{number}"
        if not self.town.rural and rng.random() < 0.25:
            number += f"{rng.randint(2, 12)}樓"
        village = rng.choice(self.villages)
        return f"{self.town.county_name}{self.town.name}{village}{rng.randint(1, 24)}鄰{rng.choice(ROADS)}{number}"

    def _person(
        self, sex: str, born: datetime.date, *, family: str | None = None, foreign: bool = False
    ) -> PlannedPerson:
        rng = self.rng
        name = names.foreign_spouse_name(rng, sex) if foreign else names.person_name(rng, sex, family=family)
        person = PlannedPerson(name=name, sex=sex, birth_date=born)
        if rng.random() >= NO_ID_SHARE:
            person.national_id = self.ids.make(self.town.id_letter, sex, resident=foreign)
        if age_on(born, self.today) >= 18 and rng.random() < PHONE_SHARE:
            person.phones = [f"09{rng.randrange(10**8):08d}"]
        return person

    def _adult(self, sex: str, low: int, high: int) -> PlannedPerson:
        return self._person(sex, born_at_age(self.rng, self.today, self.rng.randint(low, high)))

    def _children_births(self) -> list[datetime.date]:
        rng = self.rng
        ages = [rng.randint(0, 17)]
        for _ in range(rng.choices((0, 1, 2), (40, 45, 15))[0]):
            younger = ages[-1] - rng.randint(1, 5)
            if younger < 0:
                break
            ages.append(younger)
        return [born_at_age(rng, self.today, age) for age in ages]

    def _parents_of(self, births: list[datetime.date]) -> tuple[datetime.date, datetime.date]:
        """Birth dates of a mother and a father who were 22-55 at each of these births."""
        rng = self.rng
        span = age_on(births[0], births[-1])
        ceiling = min(40, 54 - span)
        mother_age = rng.randint(22, ceiling)
        father_age = max(22, min(54 - span, mother_age + rng.randint(-2, 7)))
        return born_at_age(rng, births[0], mother_age), born_at_age(rng, births[0], father_age)

    def _couple(
        self, household: PlannedHousehold, husband: PlannedPerson, wife: PlannedPerson, husband_heads: bool
    ) -> tuple[int, int]:
        if husband_heads:
            h, w = household.add(husband, "head"), household.add(wife, "spouse")
        else:
            w, h = household.add(wife, "head"), household.add(husband, "spouse")
        household.relations.append((h, w, "spouse"))
        return h, w

    def _foreign(self) -> tuple[bool, bool]:
        """Whether the wife, or else the husband, of a couple comes from abroad."""
        draw = self.rng.random()
        return (
            draw < FOREIGN_WIFE_SHARE,
            FOREIGN_WIFE_SHARE <= draw < FOREIGN_WIFE_SHARE + FOREIGN_HUSBAND_SHARE,
        )

    # --- compositions -----------------------------------------------------------------------------

    def _single_elder(self) -> PlannedHousehold:
        household = PlannedHousehold(self.town.code, self._address())
        sex = "F" if self.rng.random() < 0.62 else "M"
        household.add(self._adult(sex, 65, 95), "head")
        return household

    def _single_adult(self) -> PlannedHousehold:
        household = PlannedHousehold(self.town.code, self._address())
        household.add(self._adult(self.rng.choice("MF"), 22, 64), "head")
        return household

    def _elder_couple(self) -> PlannedHousehold:
        rng = self.rng
        household = PlannedHousehold(self.town.code, self._address())
        husband_age = rng.randint(62, 90)
        wife_age = max(58, husband_age - rng.randint(-1, 7))
        husband = self._person("M", born_at_age(rng, self.today, husband_age))
        wife = self._person("F", born_at_age(rng, self.today, wife_age))
        self._couple(household, husband, wife, rng.random() < 0.85)
        return household

    def _young_couple(self) -> PlannedHousehold:
        rng = self.rng
        household = PlannedHousehold(self.town.code, self._address())
        husband_age = rng.randint(24, 45)
        wife_age = max(22, husband_age - rng.randint(-2, 6))
        foreign_wife, foreign_husband = self._foreign()
        husband = self._person("M", born_at_age(rng, self.today, husband_age), foreign=foreign_husband)
        wife = self._person("F", born_at_age(rng, self.today, wife_age), foreign=foreign_wife)
        self._couple(household, husband, wife, rng.random() < 0.85)
        return household

    def _nuclear(self) -> PlannedHousehold:
        rng = self.rng
        household = PlannedHousehold(self.town.code, self._address())
        births = self._children_births()
        mother_born, father_born = self._parents_of(births)
        foreign_wife, foreign_husband = self._foreign()
        father = self._person("M", father_born, foreign=foreign_husband)
        mother = self._person("F", mother_born, foreign=foreign_wife)
        h, w = self._couple(household, father, mother, rng.random() < 0.85)
        # Children mostly carry the father's surname; a husband from abroad's children the mother's.
        takes_mothers = foreign_husband or (not foreign_wife and rng.random() < 0.05)
        family = mother.name[0] if takes_mothers else father.name[0]
        for born in births:
            child = household.add(self._person(rng.choice("MF"), born, family=family), "child")
            household.relations += [(h, child, "parent"), (w, child, "parent")]
        return household

    def _single_parent(self) -> PlannedHousehold:
        rng = self.rng
        household = PlannedHousehold(self.town.code, self._address())
        births = self._children_births()
        mother_born, father_born = self._parents_of(births)
        if rng.random() < 0.75:
            parent = self._person("F", mother_born)
            family = parent.name[0] if rng.random() < 0.4 else names.surname(rng)
        else:
            parent = self._person("M", father_born)
            family = parent.name[0]
        head = household.add(parent, "head")
        for born in births:
            child = household.add(self._person(rng.choice("MF"), born, family=family), "child")
            household.relations.append((head, child, "parent"))
        return household

    def _three_generations(self) -> PlannedHousehold:
        """Grandparents, their son (or daughter) with spouse, and grandchildren."""
        rng = self.rng
        household = PlannedHousehold(self.town.code, self._address())
        births = self._children_births()
        mother_born, father_born = self._parents_of(births)
        sons_parents = rng.random() < 0.8  # most often the husband's parents
        foreign_wife = sons_parents and rng.random() < FOREIGN_WIFE_SHARE
        father = self._person("M", father_born)
        mother = self._person("F", mother_born, foreign=foreign_wife)
        adult_child = father if sons_parents else mother
        adult_age = age_on(adult_child.birth_date, self.today)
        grandparents: list[PlannedPerson] = []
        with_grandfather = rng.random() < 0.6
        if with_grandfather:
            age = rng.randint(max(22, 61 - adult_age), 40)
            born = born_at_age(rng, adult_child.birth_date, age)
            grandparents.append(self._person("M", born, family=adult_child.name[0]))
        age = rng.randint(max(22, 61 - adult_age), 40)
        grandparents.append(self._person("F", born_at_age(rng, adult_child.birth_date, age)))
        children = [self._person(rng.choice("MF"), born, family=father.name[0]) for born in births]

        grandparents_head = rng.random() < (0.45 if sons_parents else 0.3)
        if grandparents_head:
            g = [household.add(grandparents[0], "head")]
            if len(grandparents) == 2:
                g.append(household.add(grandparents[1], "spouse"))
            a = household.add(adult_child, "child")
            b = household.add(mother if sons_parents else father, "other")
            kids = [household.add(child, "grandchild") for child in children]
        else:
            h, w = self._couple(household, father, mother, True)
            a, b = (h, w) if sons_parents else (w, h)
            g = [household.add(gp, "parent" if sons_parents else "other") for gp in grandparents]
            kids = [household.add(child, "child") for child in children]
        if len(g) == 2:
            household.relations.append((g[0], g[1], "spouse"))
        if grandparents_head:
            household.relations.append((a, b, "spouse") if sons_parents else (b, a, "spouse"))
        for grandparent in g:
            household.relations.append((grandparent, a, "parent"))
            household.relations += [(grandparent, kid, "grandparent") for kid in kids]
        for parent in (a, b):
            household.relations += [(parent, kid, "parent") for kid in kids]
        return household
