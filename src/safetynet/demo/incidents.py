"""What a demo report is about: the persons it names, their roles and flags, and when it comes in.

The report flow (`safetynet.demo.reports`) draws incidents day by day; the demo accounts' working day
(`safetynet.demo.workday`) plans a few fixed ones. Both hand them to the same receiving and screening.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from safetynet.demo.households import age_on

if TYPE_CHECKING:
    from safetynet.demo.workday import PersonaCase
    from safetynet.org.models import Staff


@dataclass(eq=False)
class Someone:
    """A person a report can name: on record (`pk`), or invented for this report (pk 0 until received)."""

    name: str
    sex: str
    born: datetime.date
    national_id: str
    town: str
    pk: int = 0

    @property
    def county(self) -> str:
        return self.town[:5]

    def age(self, on: datetime.date) -> int:
        return age_on(self.born, on) if self.born <= on else -1


@dataclass
class Subject:
    ref: str
    role: str
    types: list[str]
    person: Someone
    flags: list[str] = field(default_factory=list)
    tipvda: int | None = None

    def document(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "ref": self.ref,
            "role": self.role,
            "types": self.types,
            "town": self.person.town,
            "name": self.person.name,
            "birth_date": self.person.born.isoformat(),
            "national_id": self.person.national_id,
        }
        if self.flags:
            entry["flags"] = self.flags
        if self.tipvda is not None:
            entry["tipvda_score"] = self.tipvda
        return entry


@dataclass
class Incident:
    area: str
    kind: str  # the main report type
    received: datetime.datetime
    source: str
    subjects: list[Subject]
    relation: str = ""  # between subjects[0] and subjects[1] when both are new: RelationKind
    persona: str = ""  # a demo account's incident: its mark (see `safetynet.demo.workday`)
    plan: PersonaCase | None = None  # and what becomes of it
    carry_for: Staff | None = None  # a case carried over for this worker's caseload (seed 000)
    open_through: datetime.datetime | None = None  # carried for the checkpoint: open then, closed later
    kept_open: bool = False  # a fixed report of the last weeks whose case is still open at the end
    narrative: str = ""
    reporter: str = ""
