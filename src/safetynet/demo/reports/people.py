"""The persons reports can name, by county, and the persons held back from new reports."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from safetynet.demo import names
from safetynet.demo.households import IdMaker, born_at_age
from safetynet.demo.incidents import Someone
from safetynet.geo.models import Town
from safetynet.people.models import Person, Relation, RelationKind

T = TypeVar("T")


class People:
    """The persons reports can name, by county, with the pairs (couples, parent and child) among them."""

    def __init__(self, rng: random.Random, id_letters: dict[str, str], counties: Iterable[str]) -> None:
        self.rng = rng
        self.letters = id_letters
        self.by_county: dict[str, list[Someone]] = defaultdict(list)
        self.couples: dict[str, list[tuple[Someone, Someone]]] = defaultdict(list)
        self.parents: dict[str, list[tuple[Someone, Someone]]] = defaultdict(list)  # (parent, child)
        self.by_pk: dict[int, Someone] = {}
        self.held: dict[int, tuple[datetime.date, datetime.date]] = {}  # pk → days no new report names them
        self.psychiatric: dict[str, int] = {}  # national ID → registry level
        self.registered: dict[str, list[Someone]] = defaultdict(list)  # on the psychiatric registry
        towns = Town.objects.filter(county_id__in=list(counties)).order_by("code")
        self.towns: dict[str, tuple[list[str], list[int]]] = {}
        for county in counties:
            mine = [t for t in towns if t.county_id == county]
            self.towns[county] = ([t.code for t in mine], [t.population or 1 for t in mine])
        ids: list[str] = []
        for person in Person.objects.filter(town__county_id__in=list(counties)).order_by("pk"):
            ids.append(person.national_id)
            if not person.national_id or person.birth_date is None or person.town_id is None:
                continue  # a report without the ID would register a second person
            someone = Someone(
                person.name, person.sex, person.birth_date, person.national_id, person.town_id, person.pk
            )
            self.by_pk[person.pk] = someone
            self.by_county[someone.county].append(someone)
        self.ids = IdMaker(rng)
        self.ids.issued.update(i for i in ids if i)
        relations = Relation.objects.filter(kind__in=[RelationKind.SPOUSE, RelationKind.PARENT]).order_by(
            "pk"
        )
        for person_id, other_id, kind in relations.values_list("person_id", "other_id", "kind"):
            a, b = self.by_pk.get(person_id), self.by_pk.get(other_id)
            if a is None or b is None:
                continue
            (self.couples if kind == RelationKind.SPOUSE else self.parents)[a.county].append((a, b))

    def new(self, county: str, sex: str, born: datetime.date, town: str = "") -> Someone:
        codes, weights = self.towns[county]
        town = town or self.rng.choices(codes, weights)[0]
        national_id = self.ids.make(self.letters[county], sex)
        return Someone(names.person_name(self.rng, sex), sex, born, national_id, town)

    def new_aged(
        self, county: str, sex: str, low: int, high: int, on: datetime.date, town: str = ""
    ) -> Someone:
        return self.new(county, sex, born_at_age(self.rng, on, self.rng.randint(low, high)), town)

    def hold(self, pk: int, first: datetime.date, last: datetime.date) -> None:
        """No new report names the person from `first` to `last` (see `checkpoint.balance_at_checkpoint`)."""
        earlier = self.held.get(pk)
        self.held[pk] = (min(first, earlier[0]), max(last, earlier[1])) if earlier else (first, last)

    def free(self, on: datetime.date, *persons: Someone) -> bool:
        """No report on `on` may name one of the persons held back."""
        return not any(p.pk in self.held and self.held[p.pk][0] <= on <= self.held[p.pk][1] for p in persons)

    def pick(self, pool: Sequence[T], fits: Callable[[T], bool], tries: int = 25) -> T | None:
        """A random member of `pool` that fits, by rejection (pools are large, most members fit)."""
        if not pool:
            return None
        for _ in range(tries):
            choice = self.rng.choice(pool)
            if fits(choice):
                return choice
        return None

    def register(self, someone: Someone, pk: int) -> None:
        someone.pk = pk
        self.by_pk[pk] = someone
        self.by_county[someone.county].append(someone)
