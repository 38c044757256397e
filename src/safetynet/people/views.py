from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetynet.audit.models import Action
from safetynet.audit.services import record
from safetynet.core.access import (
    PERSON_KINDS,
    get_household_for,
    get_person_for,
    kinds_required,
    persons_visible_to,
    staff_of,
)
from safetynet.core.errors import DomainError
from safetynet.core.forms import apply_domain_error
from safetynet.domain import nationalid
from safetynet.geo.models import Town
from safetynet.people import services, timeline
from safetynet.people.forms import MemberForm, PersonForm, PersonSearchForm, RelationForm
from safetynet.people.models import (
    INVERSE_LABEL,
    Household,
    HouseholdMember,
    Person,
    RelationKind,
    national_id_index,
)


def _towns_for(request: HttpRequest) -> QuerySet[Town]:
    """The towns a worker may register persons in: their unit's service area."""
    staff = staff_of(request.user)
    return staff.unit.towns.all() if staff else Town.objects.none()


def _relation_candidates(person: Person, visible: QuerySet[Person]) -> QuerySet[Person]:
    """Relations are recorded between people of the same household, the ones a worker meets."""
    households = person.memberships.values("household")
    return (
        visible.filter(memberships__household__in=households)
        .exclude(pk=person.pk)
        .distinct()
        .order_by("name")
    )


def _member_candidates(household: Household, visible: QuerySet[Person]) -> QuerySet[Person]:
    """Persons of the household's town who live in no household now."""
    return (
        visible.filter(town=household.town)
        .exclude(pk__in=HouseholdMember.objects.filter(left_on__isnull=True).values("person"))
        .order_by("name")
    )


@kinds_required(*PERSON_KINDS)
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    persons = persons_visible_to(request.user).select_related("town")
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
    page = Paginator(persons.order_by("name", "id"), 25).get_page(request.GET.get("page"))
    if searched:
        # The persons a search put on screen; never the query itself (it may be a national ID).
        record(
            Action.SEARCH,
            user=request.user,
            object_type="people.person",
            persons=[person.pk for person in page],
            detail={"results": page.paginator.count},
        )
    template = "people/_person_rows.html" if getattr(request, "htmx", False) else "people/person_list.html"
    return render(request, template, {"form": form, "page": page, "searched": searched})


@kinds_required(*PERSON_KINDS)
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
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.user, pk)
    form = PersonForm(request.POST or None, towns=_towns_for(request), initial=PersonForm.initial_for(person))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(person, form.to_data())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@kinds_required(*PERSON_KINDS)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.user, pk)
    visible = persons_visible_to(request.user)
    memberships = person.memberships.select_related("household__town").order_by("left_on", "-id")
    relations = [
        {"other": r.other, "label": r.get_kind_display()}
        for r in person.relations_out.select_related("other").filter(other__in=visible)
    ] + [
        {"other": r.person, "label": INVERSE_LABEL.get(RelationKind(r.kind), r.get_kind_display())}
        for r in person.relations_in.select_related("person").filter(person__in=visible)
    ]
    relation_form = RelationForm(persons=_relation_candidates(person, visible))
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "age": person.age_on(timezone.localdate()),
            "memberships": memberships,
            "relations": relations,
            "relation_form": relation_form,
            "timeline": timeline.build(request.user, [person]),
        },
    )


@kinds_required(*PERSON_KINDS)
@require_POST
def relation_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.user, pk)
    visible = persons_visible_to(request.user)
    form = RelationForm(request.POST, persons=_relation_candidates(person, visible))
    if form.is_valid():
        try:
            services.relate_persons(person, form.cleaned_data["other"], form.cleaned_data["kind"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Relation recorded."))
            return redirect("people:detail", pk=person.pk)
    for problems in form.errors.values():
        messages.error(request, " ".join(str(p) for p in problems))
    return redirect("people:detail", pk=person.pk)


@kinds_required(*PERSON_KINDS)
@require_POST
def household_new(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.user, pk)
    household = services.create_household(person)
    messages.success(request, _("Household created with this person as head."))
    return redirect("people:household", pk=household.pk)


@kinds_required(*PERSON_KINDS)
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for(request.user, pk)
    visible = persons_visible_to(request.user)
    members = household.members.select_related("person").order_by("left_on", "id")
    visible_ids = set(visible.filter(memberships__household=household).values_list("pk", flat=True))
    form = MemberForm(
        request.POST or None,
        persons=_member_candidates(household, visible),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_household_member(
                household,
                form.cleaned_data["person"],
                form.cleaned_data["role"],
                joined_on=form.cleaned_data["joined_on"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Member added."))
            return redirect("people:household", pk=household.pk)
    return render(
        request,
        "people/household_detail.html",
        {
            "household": household,
            "members": members,
            "form": form,
            "visible_ids": visible_ids,
            # Members merged, each row naming its member; members outside the viewer's area stay out.
            "timeline": timeline.build(
                request.user,
                list({m.person_id: m.person for m in members if m.person_id in visible_ids}.values()),
            ),
        },
    )


@kinds_required(*PERSON_KINDS)
@require_POST
def member_leave(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    household = get_household_for(request.user, pk)
    member = household.members.filter(pk=member_pk).first()
    if member is None:
        return redirect("people:household", pk=household.pk)
    try:
        services.remove_household_member(member, left_on=timezone.localdate())
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("people:household", pk=household.pk)
