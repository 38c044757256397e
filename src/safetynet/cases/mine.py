"""我的個案: the cases a worker leads or co-works (a supervisor: the unit's), filtered, sorted and paged.

The scope is `core.access.cases_in_scope` (as `own_cases` writes it): the worker's own work (lead,
co-worker, the other cases of their co-cases) or the supervisor's unit, never a break-glass opening.
Every person on the list is served by a case the viewer may open, so names are shown as the case page
shows them — a sexual-assault victim's too: whoever is not on one of her cases never gets the row.

Filters come from the query string and are never an error: a value the form does not know is dropped,
and the page says which filters it ignored. One query (`listed_cases`) gives the page, the XLSX
download and `GET /api/v1/cases`, so the three cannot disagree on what a person may list.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import IContains
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import CASE_STATUS_LABELS, OPEN_STATUSES, Case, Clock, RiskLevel
from safetynet.cases.selectors import VISIT_CLOCKS
from safetynet.core import words
from safetynet.core.access import cases_in_scope
from safetynet.geo.models import Town
from safetynet.org.models import AccessKind, Staff
from safetynet.people.models import Person

PAGE_SIZE = 50
EXPORT_LIMIT = 10_000
CLOCK_BATCH = 2_000
# Person.name keeps 60 characters: a longer search cannot match anything.
QUERY_LENGTH = 60
# Route codes that never open a case: a transfer to another county, and the rule set's "no case".
NO_CASE_ROUTES = ("XFER", "NONE")
NOT_ASSESSED = "none"
UNASSIGNED = "none"

STATUS_GROUPS: dict[str, Q] = {
    "open": Q(status__in=OPEN_STATUSES),
    "closed": ~Q(status__in=OPEN_STATUSES),
    "all": Q(),
}
SORTS: dict[str, Any] = {
    "due": _("Next due"),
    "opened": _("Opened, newest first"),
    "name": _("Name"),
}
# The query-string keys the list reads; any other is named in the note.
KEYS = ("q", "status", "route", "risk", "town", "worker", "overdue", "sort", "page")


def _running_clocks() -> QuerySet[Clock]:
    return Clock.objects.filter(met_at__isnull=True, cancelled_at__isnull=True)


class ListForm(forms.Form):
    """The filters of the list; choices are built for the viewer (their county's towns, their unit's workers)."""

    q = forms.CharField(label=_("Person's name"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    route = forms.ChoiceField(label=_("Route"), required=False)
    risk = forms.ChoiceField(label=_("Risk"), required=False)
    town = forms.ChoiceField(label=_("Town"), required=False)
    worker = forms.ChoiceField(label=_("Worker"), required=False)
    overdue = forms.ChoiceField(
        label=_("Overdue visits only"), required=False, choices=[("", ""), ("1", "1")]
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, data: Mapping[str, Any], *, staff: Staff) -> None:
        super().__init__(data)
        self._choose(
            "status",
            [
                ("open", _("Still open")),
                ("closed", _("Closed or not opened")),
                ("all", _("All")),
                *CASE_STATUS_LABELS.choices,
            ],
        )
        routes = [code for code in words.codes().routes if code not in NO_CASE_ROUTES]
        self._choose("route", [("", _("Every route")), *((code, words.route_name(code)) for code in routes)])
        self._choose(
            "risk",
            [
                ("", _("Any risk")),
                *((value, words.term(label)) for value, label in RiskLevel.choices),
                (NOT_ASSESSED, _("Not assessed")),
            ],
        )
        towns = Town.objects.filter(county_id=staff.unit.county_id).order_by("code")
        self._choose("town", [("", _("Every town")), *((t.code, words.local_name(t)) for t in towns)])
        self._choose("sort", list(SORTS.items()))
        if staff.role.kind != AccessKind.SUPERVISOR:
            del self.fields["worker"]
            return
        workers = (
            Staff.objects.filter(unit_id=staff.unit_id, role__kind=AccessKind.CASEWORKER)
            .exclude(left_on__lt=timezone.localdate())
            .order_by("name", "pk")
        )
        self._choose(
            "worker",
            [
                ("", _("Every worker")),
                (UNASSIGNED, _("Waiting for a worker")),
                *((str(s.pk), s.name) for s in workers),
            ],
        )

    def _choose(self, name: str, choices: list[tuple[str, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices


@dataclass(frozen=True)
class Filters:
    status: str = "open"
    route: str = ""
    risk: str = ""
    town: str = ""
    worker: str = ""
    overdue: bool = False
    q: str = ""
    sort: str = "due"

    def query(self, page: int | None = None) -> str:
        """The filters as a query string, defaults left out: for the pager and the download link."""
        values = {key: value for key, value in asdict(self).items() if value != DEFAULTS[key]}
        if values.pop("overdue", False):
            values["overdue"] = "1"
        if page is not None:
            values["page"] = page
        return urlencode(values)

    def logged(self) -> dict[str, Any]:
        """The filters as the access log keeps them: whether a name was searched, never the name."""
        values = {key: value for key, value in asdict(self).items() if value != DEFAULTS[key]}
        if values.pop("q", ""):
            values["searched"] = True
        return values


DEFAULTS = asdict(Filters())


@dataclass
class Listing:
    """What the query string asked for, what of it was ignored, and the cases it gives."""

    staff: Staff
    form: ListForm
    filters: Filters
    page_number: int = 1
    ignored: list[str] = field(default_factory=list)
    shortened: bool = False

    @classmethod
    def read(cls, staff: Staff, params: Mapping[str, Any], *, paged: bool = True) -> Listing:
        """Read the filters; unknown keys and values are noted and dropped, never refused."""
        data = {key: _clean(params.get(key, "")) for key in KEYS if key in params}
        shortened = len(data.get("q", "")) > QUERY_LENGTH
        if shortened:
            data["q"] = data["q"][:QUERY_LENGTH]
        form = ListForm(data, staff=staff)
        form.is_valid()
        ignored = [str(form.fields[name].label) for name in form.errors if name in form.fields]
        ignored += [_clean(key)[:40] for key in params if key not in (*form.fields, "page")]
        page_number = _page(data.get("page", "1")) if paged else 1
        if page_number == 0:
            ignored.append(str(_("Page")))
            page_number = 1
        clean = form.cleaned_data
        filters = Filters(
            status=clean.get("status") or "open",
            route=clean.get("route") or "",
            risk=clean.get("risk") or "",
            town=clean.get("town") or "",
            worker=clean.get("worker") or "",
            overdue=clean.get("overdue") == "1",
            q=(clean.get("q") or "").strip(),
            sort=clean.get("sort") or "due",
        )
        return cls(staff, form, filters, page_number, ignored, shortened)

    def cases(self, now: datetime.datetime) -> QuerySet[Case]:
        return listed_cases(self.staff, self.filters, now)


def own_cases(staff: Staff) -> QuerySet[Case]:
    """`core.access.cases_in_scope(staff)`: a supervisor's unit, a worker's cases (lead, co-worker, the
    other cases of their co-cases). A worker's are written as one union of keys, which PostgreSQL reaches
    through the lead, co-worker and co-case indexes; the OR of the access layer's form reads every case
    of the table (half a second among a million cases). tests/cases/test_mine.py holds the two equal."""
    if staff.role.kind == AccessKind.SUPERVISOR:
        return cases_in_scope(staff)
    led = Case.objects.filter(lead=staff).order_by().values("pk")
    co_worked = Case.co_workers.through.objects.filter(staff=staff).order_by().values("case_id")
    cocases = Case.objects.filter(pk__in=led.union(co_worked), cocase__isnull=False).order_by()
    shared = Case.objects.filter(cocase_id__in=cocases.values("cocase_id")).order_by().values("pk")
    return Case.objects.filter(pk__in=led.union(co_worked, shared))


def listed_cases(staff: Staff, f: Filters, now: datetime.datetime) -> QuerySet[Case]:
    """The viewer's cases under the filters, in the chosen order (ties: newest opened first)."""
    cases = own_cases(staff).filter(STATUS_GROUPS.get(f.status, Q(status=f.status)))
    if f.route:
        cases = cases.filter(route=f.route)
    if f.risk == NOT_ASSESSED:
        cases = cases.filter(risk_level="")
    elif f.risk:
        cases = cases.filter(risk_level=f.risk)
    if f.town:
        cases = cases.filter(person__town_id=f.town)
    if f.worker == UNASSIGNED:
        cases = cases.filter(lead__isnull=True)
    elif f.worker:
        cases = cases.filter(lead_id=int(f.worker))
    # The name is looked up for the viewer's cases alone: joined instead, PostgreSQL may read every
    # person of the table first (a parallel scan) or walk the name index hoping to meet the unit's.
    name = Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("name")[:1])
    if f.q:
        cases = cases.filter(IContains(name, f.q))
    if f.overdue:
        late = _running_clocks().filter(case=OuterRef("pk"), name__in=VISIT_CLOCKS, due_at__lt=now)
        cases = cases.filter(Exists(late))
    if f.sort == "name":
        return cases.order_by(name.asc(), "-opened_at", "-pk")
    if f.sort == "opened":
        return cases.order_by("-opened_at", "-pk")
    first_due = _running_clocks().filter(case=OuterRef("pk")).order_by("due_at").values("due_at")[:1]
    return cases.annotate(next_due=Subquery(first_due)).order_by(
        F("next_due").asc(nulls_last=True), "-opened_at", "-pk"
    )


@dataclass(frozen=True)
class Row:
    case: Case
    clock: Clock | None
    overdue: bool


def rows(cases: Iterable[Case], now: datetime.datetime) -> list[Row]:
    """Each case with its next running clock (the earliest due): one query for all of them."""
    listed = list(cases)
    first: dict[int, Clock] = {}
    keys = [c.pk for c in listed]
    # A download's thousands of keys in slices a statement can carry (SQLite counts its parameters).
    for start in range(0, len(keys), CLOCK_BATCH):
        clocks = _running_clocks().filter(case_id__in=keys[start : start + CLOCK_BATCH])
        for clock in clocks.order_by("case_id", "due_at", "pk").only("case_id", "label", "due_at"):
            assert clock.case_id is not None  # noqa: S101 - narrows the type for mypy
            first.setdefault(clock.case_id, clock)
    return [
        Row(case, first.get(case.pk), case.pk in first and first[case.pk].due_at < now) for case in listed
    ]


def keyed(cases: QuerySet[Case]) -> QuerySet[Any]:
    """The keys of the listed cases, in the list's order: what is paged or sliced, so that the database
    orders the viewer's cases alone and joins nothing until the page is known (`load`)."""
    return cases.values_list("pk", flat=True)


# What a row shows, and no more: a list has no use for national IDs, phones, addresses or plans (all
# encrypted), so they are neither read nor decrypted.
ROW_FIELDS = (
    "route",
    "status",
    "risk_level",
    "opened_at",
    "person__name",
    "person__town__name",
    "lead__name",
)


def load(keys: Iterable[int]) -> list[Case]:
    """The cases of a page (or a download), with their person, town and lead, in the order given."""
    wanted = list(keys)
    found = Case.objects.select_related("person__town", "lead").only(*ROW_FIELDS).in_bulk(wanted)
    return [found[key] for key in wanted if key in found]


def _clean(value: Any) -> str:
    """A query-string value as text PostgreSQL can take (no NUL)."""
    return str(value).replace("\x00", "")


def _page(text: str) -> int:
    """The page asked for; 0 for one that is not a page number. A number past the end is the last page."""
    text = text.strip()
    if not text.isdigit() or not text.isascii():
        return 0
    if len(text) > 9:
        return 10**9
    return int(text)
