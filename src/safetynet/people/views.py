"""Persons, households and relations.

A worker adds to a household, or relates to a person, whoever they may see (`persons_visible_to`),
found by name, ROC birth date or national ID (searched through its blind index, shown masked), or
registers someone not on record in the same step. A failed submit comes back with everything typed and
every problem at the top; moving someone out asks first.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safetynet.audit.models import Action
from safetynet.audit.services import record, record_listing
from safetynet.cases.models import OPEN_STATUSES
from safetynet.core import words
from safetynet.core.access import (
    PERSON_KINDS,
    cases_visible_to,
    check_person_work,
    get_household_for,
    get_person_for,
    get_person_for_work,
    households_visible_to,
    kinds_required,
    persons_for_work,
    persons_visible_to,
    staff_of,
)
from safetynet.core.errors import DomainError
from safetynet.core.forms import apply_domain_error, submitted
from safetynet.domain import nationalid
from safetynet.geo.models import Town
from safetynet.people import services, timeline
from safetynet.people.forms import (
    MemberForm,
    NewMemberForm,
    NewRelationForm,
    PersonForm,
    PersonSearchForm,
    RelationForm,
)
from safetynet.people.models import (
    INVERSE_LABEL,
    Household,
    HouseholdMember,
    Person,
    RelationKind,
    national_id_index,
)

PICK_ROWS = 10  # search results offered to pick from; more asks for a narrower search


def _towns_for(request: HttpRequest) -> QuerySet[Town]:
    """The towns a worker may register persons in: their unit's service area."""
    staff = staff_of(request.user)
    return staff.unit.towns.all() if staff else Town.objects.none()


def search_persons(form: PersonSearchForm, persons: QuerySet[Person]) -> tuple[QuerySet[Person], bool]:
    """`persons` narrowed by the search form: a valid national ID exactly (through its blind index), else
    a part of the name; an ROC birth date. False when nothing was asked."""
    searched = False
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q and nationalid.is_valid(q):
            persons = persons.filter(national_id_index=national_id_index(q))
            searched = True
        elif q:
            persons = persons.filter(name__contains=q)
            searched = True
        if form.cleaned_data["birth_date"]:
            persons = persons.filter(birth_date=form.cleaned_data["birth_date"])
            searched = True
    return persons, searched


def by_national_id(form: PersonSearchForm) -> bool:
    """Whether the search asked for a whole national ID (the watch counts those that found nobody)."""
    return form.is_valid() and nationalid.is_valid(form.cleaned_data["q"].strip())


def log_search(user: Any, shown: list[Person], results: int, *, national_id: bool = False) -> None:
    """The persons a search put on screen, and whether it was by national ID; never the query itself."""
    detail: dict[str, Any] = {"results": results}
    if national_id:
        detail["by"] = "national_id"
    record(
        Action.SEARCH,
        user=user,
        object_type="people.person",
        persons=[person.pk for person in shown],
        detail=detail,
    )


def _relation_candidates(person: Person, visible: QuerySet[Person]) -> QuerySet[Person]:
    """Anyone the worker may see, but the person themselves."""
    return visible.exclude(pk=person.pk)


def _member_candidates(household: Household, visible: QuerySet[Person]) -> QuerySet[Person]:
    """Anyone the worker may see who is not a member of the household now."""
    current = HouseholdMember.objects.filter(household=household, left_on__isnull=True).values("person")
    return visible.exclude(pk__in=current)


def _with_households(persons: QuerySet[Person]) -> QuerySet[Person]:
    """Persons with the households they live in now, which the pick rows name."""
    return persons.select_related("town").prefetch_related(
        Prefetch(
            "memberships",
            queryset=HouseholdMember.objects.filter(left_on__isnull=True).order_by("pk"),
            to_attr="current_memberships",
        )
    )


def _picks(
    request: HttpRequest, candidates: QuerySet[Person], field: str, chosen: Any = None
) -> dict[str, Any]:
    """What the pick list shows: the results of the search asked for (`?q=&birth_date=`), logged as a
    search; after a refused submit, the person chosen, still chosen."""
    form = PersonSearchForm(request.GET or None, auto_id="search-%s")
    found, searched = search_persons(form, candidates)
    rows: list[Person] = []
    more = 0
    if searched:
        rows = list(_with_households(found).order_by("name", "birth_date", "pk")[: PICK_ROWS + 1])
        if len(rows) > PICK_ROWS:
            total = found.count()
            rows, more = rows[:PICK_ROWS], total - PICK_ROWS
        log_search(request.user, rows, len(rows) + more, national_id=by_national_id(form))
    elif chosen:
        rows = list(_with_households(candidates.filter(pk=chosen.pk)))
    today = timezone.localdate()
    for person in rows:
        person.age = person.age_on(today)  # type: ignore[attr-defined]
    return {
        "search_form": form,
        "picks": rows,
        "more": more,
        "searched": searched,
        "pick_field": field,
        "chosen": chosen.pk if chosen else None,
    }


def _chosen(form: MemberForm | RelationForm, field: str) -> Person | None:
    """The person a refused submit had chosen, to offer again already chosen."""
    cleaned = getattr(form, "cleaned_data", None) or {}
    found = cleaned.get(field)
    return found if isinstance(found, Person) else None


@kinds_required(*PERSON_KINDS)
@require_safe
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    persons, searched = search_persons(form, persons_visible_to(request.user).select_related("town"))
    page = Paginator(persons.order_by("name", "id"), 25).get_page(request.GET.get("page"))
    if searched:
        log_search(request.user, list(page), page.paginator.count, national_id=by_national_id(form))
    else:  # the list of everyone the worker may see, a page at a time: names on screen all the same
        record_listing(request.user, "people.person", [person.pk for person in page])
    template = "people/_person_rows.html" if getattr(request, "htmx", False) else "people/person_list.html"
    return render(request, template, {"form": form, "page": page, "searched": searched})


@kinds_required(*PERSON_KINDS)
@require_http_methods(["GET", "HEAD", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, towns=_towns_for(request))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.register_person(form.to_data())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Person registered."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@kinds_required(*PERSON_KINDS)
@require_http_methods(["GET", "HEAD", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_work(request.user, pk)
    form = PersonForm(request.POST or None, towns=_towns_for(request), initial=PersonForm.initial_for(person))

    def save(data: dict[str, Any]) -> str:
        services.update_person(person, form.to_data())
        return _("Changes saved.")

    if request.method == "POST" and submitted(request, form, save):
        return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


def _relations(person: Person, visible: QuerySet[Person]) -> list[dict[str, Any]]:
    """Who each related person is to this one: "子女：林珮儀" on the parent's page, "父母" on the child's."""
    out = person.relations_out.select_related("other").filter(other__in=visible)
    into = person.relations_in.select_related("person").filter(person__in=visible)
    rows = [
        # This person is `kind` of the other: the other is its inverse to them (the parent's child).
        {"other": r.other, "label": words.term(INVERSE_LABEL.get(RelationKind(r.kind), r.get_kind_display()))}
        for r in out
    ] + [{"other": r.person, "label": words.term(r.get_kind_display())} for r in into]
    return sorted(
        rows, key=lambda row: (row["other"].birth_date is None, row["other"].birth_date, row["other"].pk)
    )


def _person_page(
    request: HttpRequest,
    person: Person,
    *,
    relation_form: RelationForm | None = None,
    new_form: NewRelationForm | None = None,
) -> HttpResponse:
    visible = persons_visible_to(request.user)
    candidates = _relation_candidates(person, persons_for_work(request.user))
    relation_form = relation_form or RelationForm(persons=candidates)
    chosen = _chosen(relation_form, "other")
    today = timezone.localdate()
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "age": person.age_on(today),
            "today": today,
            "memberships": person.memberships.select_related("household__town").order_by("left_on", "-id"),
            "relations": _relations(person, visible),
            "relation_form": relation_form,
            "new_form": new_form or NewRelationForm(towns=_towns_for(request), town=person.town),
            "new_open": new_form is not None,
            "timeline": timeline.build(request.user, [person]),
            **_picks(request, candidates, "other", chosen),
        },
    )


@kinds_required(*PERSON_KINDS)
@require_safe
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, get_person_for(request.user, pk))


@kinds_required(*PERSON_KINDS)
@require_safe
def relation_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """Persons to relate to this one, for the search box on the person page (HTMX)."""
    person = get_object_or_404(persons_visible_to(request.user), pk=pk)
    candidates = _relation_candidates(person, persons_for_work(request.user))
    return render(request, "people/_pick_rows.html", _picks(request, candidates, "other"))


@kinds_required(*PERSON_KINDS)
@require_POST
def relation_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_work(request.user, pk)
    form = RelationForm(request.POST, persons=_relation_candidates(person, persons_for_work(request.user)))

    def save(data: dict[str, Any]) -> str:
        kind, reverse = form.relation()
        other = data["other"]
        check_person_work(request.user, other.pk)
        if reverse:
            services.relate_persons(other, person, kind)
        else:
            services.relate_persons(person, other, kind)
        return _("Relation recorded: %(name)s.") % {"name": other.name}

    if submitted(request, form, save):
        return redirect("people:detail", pk=person.pk)
    return _person_page(request, person, relation_form=form)


@kinds_required(*PERSON_KINDS)
@require_POST
def relation_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Register someone not on record and relate them to this person, in one step."""
    person = get_person_for_work(request.user, pk)
    form = NewRelationForm(request.POST, towns=_towns_for(request), town=person.town)

    def save(data: dict[str, Any]) -> str:
        kind, reverse = form.relation()
        relation = services.register_relation(person, form.to_data(), kind, reverse=reverse)
        other = relation.person if reverse else relation.other
        return _("%(name)s registered and related.") % {"name": other.name}

    if submitted(request, form, save):
        return redirect("people:detail", pk=person.pk)
    return _person_page(request, person, new_form=form)


@kinds_required(*PERSON_KINDS)
@require_POST
def household_new(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_work(request.user, pk)
    household = services.create_household(person)
    messages.success(request, _("Household created with this person as head."))
    return redirect("people:household", pk=household.pk)


def _household_page(
    request: HttpRequest,
    household: Household,
    *,
    member_form: MemberForm | None = None,
    new_form: NewMemberForm | None = None,
) -> HttpResponse:
    visible = persons_visible_to(request.user)
    candidates = _member_candidates(household, persons_for_work(request.user))
    members = list(household.members.select_related("person").order_by("left_on", "id"))
    visible_ids = set(visible.filter(memberships__household=household).values_list("pk", flat=True))
    today = timezone.localdate()
    rows = [
        {
            "member": m,
            "visible": m.person_id in visible_ids,
            "age": m.person.age_on(today) if m.person_id in visible_ids else None,
        }
        for m in members
    ]
    # The members' open cases the viewer works on: the way back to the case the visit began from.
    cases = (
        cases_visible_to(request.user)
        .filter(person_id__in=visible_ids, status__in=OPEN_STATUSES)
        .select_related("person", "unit", "lead")
        .order_by("opened_at", "id")
    )
    member_form = member_form or MemberForm(persons=candidates)
    chosen = _chosen(member_form, "person")
    return render(
        request,
        "people/household_detail.html",
        {
            "household": household,
            "rows": rows,
            "cases": cases,
            "member_form": member_form,
            "new_form": new_form or NewMemberForm(towns=_towns_for(request), town=household.town),
            "new_open": new_form is not None,
            # Members merged, each row naming its member; members outside the viewer's area stay out.
            "timeline": timeline.build(
                request.user,
                list({m.person_id: m.person for m in members if m.person_id in visible_ids}.values()),
            ),
            **_picks(request, candidates, "person", chosen),
        },
    )


@kinds_required(*PERSON_KINDS)
@require_http_methods(["GET", "HEAD", "POST"])
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The household and its members; POST adds someone found by the search."""
    household = get_household_for(request.user, pk)
    if request.method != "POST":
        return _household_page(request, household)
    form = MemberForm(request.POST, persons=_member_candidates(household, persons_for_work(request.user)))

    def save(data: dict[str, Any]) -> str:
        person = data["person"]
        check_person_work(request.user, person.pk)
        services.add_household_member(household, person, data["role"], joined_on=data["joined_on"])
        return _("Member added: %(name)s.") % {"name": person.name}

    if submitted(request, form, save):
        return redirect("people:household", pk=household.pk)
    return _household_page(request, household, member_form=form)


@kinds_required(*PERSON_KINDS)
@require_safe
def member_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """Persons to add to the household, for the search box on its page (HTMX)."""
    household = get_object_or_404(households_visible_to(request.user), pk=pk)
    candidates = _member_candidates(household, persons_for_work(request.user))
    return render(request, "people/_pick_rows.html", _picks(request, candidates, "person"))


@kinds_required(*PERSON_KINDS)
@require_POST
def member_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Register someone not on record and add them to the household, in one step."""
    household = get_household_for(request.user, pk)
    form = NewMemberForm(request.POST, towns=_towns_for(request), town=household.town)

    def save(data: dict[str, Any]) -> str:
        member = services.register_member(
            household, form.to_data(), data["role"], joined_on=data["joined_on"]
        )
        return _("%(name)s registered and added to the household.") % {"name": member.person.name}

    if submitted(request, form, save):
        return redirect("people:household", pk=household.pk)
    return _household_page(request, household, new_form=form)


@kinds_required(*PERSON_KINDS)
@require_POST
def member_leave(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """A member moves out today (the page asks first); only a member the worker may see."""
    household = get_household_for(request.user, pk)
    member = get_object_or_404(
        household.members.select_related("person").filter(person__in=persons_visible_to(request.user)),
        pk=member_pk,
    )
    check_person_work(request.user, member.person_id)
    try:
        services.remove_household_member(member, left_on=timezone.localdate())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s moved out today.") % {"name": member.person.name})
    return redirect("people:household", pk=household.pk)
