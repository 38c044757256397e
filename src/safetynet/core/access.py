"""Who may see what. Every view fetches through these helpers, so forgetting a check shows nothing.

Roles grant kinds of work (`AccessKind`); objects are scoped by the user's unit:
- persons: screening, case and supervisory staff see persons living in the towns their unit covers
  (need-to-know narrows to cases once cases exist); other kinds get 403;
- reports: the screening desk sees its county's reports;
- cases: the lead worker and co-workers, the workers of the other cases of a co-case (共案), and the
  supervisors of the case's unit;
- units: a worker sees their own unit; supervisors and managers every unit of their county;
  administrators every unit; partners and reviewers none (403);
- referrals: a case's referrals are seen by those who see the case, and by the supervisors of the
  referring unit; a partner user sees only the referrals sent to their organisation (never a draft),
  and of the person only what the referrer shared (`safetynet.referrals.partner`);
- break-glass: a case worker or supervisor who gave a reason sees one more case for a short time
  (`safetynet.audit.services.break_glass`); every read through such a grant is flagged in the log. An
  opening is for reading: the views and API operations that write fetch through the `…_for_work`
  helpers, which refuse (403) a write whose only way to the record is an opening — unless the county
  allows it (`SAFETYNET_BREAK_GLASS_WRITES`), when the write's change entries are flagged with the
  opening's reason and its reviewers are told;
- missing and out-of-scope objects give the same 404.

Every fetch-and-check helper writes the read to the access log (`safetynet.audit`), so a page that
shows a case, person, household, report or referral is logged by the same call that let it through.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from safetynet.audit import context
from safetynet.audit.models import AccessGrant
from safetynet.audit.services import record_read
from safetynet.cases.models import Case, Clock
from safetynet.intake.models import Report
from safetynet.org.models import AccessKind, Staff, Unit, UnitKind
from safetynet.people.models import Household, Person
from safetynet.referrals.models import Organization, Referral

if TYPE_CHECKING:
    from safetynet.geo.models import County

K = AccessKind
PERSON_KINDS = (K.SCREENER, K.CASEWORKER, K.SUPERVISOR)
CASE_KINDS = (K.CASEWORKER, K.SUPERVISOR)
UNIT_KINDS = (K.SCREENER, K.CASEWORKER, K.SUPERVISOR, K.MANAGER, K.ADMIN)
WORKFORCE_KINDS = (K.SUPERVISOR, K.MANAGER, K.ADMIN, K.REVIEWER)
DIRECTORY_KINDS = (K.SCREENER, K.CASEWORKER, K.SUPERVISOR, K.MANAGER, K.ADMIN)

View = TypeVar("View", bound=Callable[..., HttpResponse])


def staff_of(user: Any) -> Staff | None:
    """The staff member behind an account, with role and unit, read once per request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_safetynet_staff"):
        user._safetynet_staff = (
            Staff.objects.select_related("role", "unit__agency", "supervisor").filter(user=user).first()
        )
    staff: Staff | None = user._safetynet_staff
    return staff


def kind_of(user: Any) -> str | None:
    staff = staff_of(user)
    return staff.role.kind if staff else None


def require_kind(user: Any, kinds: tuple[str, ...]) -> Staff:
    staff = staff_of(user)
    if staff is None or staff.role.kind not in kinds or staff.left_on is not None:
        raise PermissionDenied
    return staff


def kinds_required(*kinds: str) -> Callable[[View], View]:
    """Anonymous → login page; a role without one of `kinds` → 403."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require_kind(request.user, kinds)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def protected_person_ids() -> QuerySet[Any]:
    """Persons named as the victim (or the child) of a sexual-assault report: 性侵害犯罪防治法 keeps their
    identity inside the 家防中心 and the screening desk."""
    from safetynet.intake.models import ReportSubject, SubjectRole

    return ReportSubject.objects.filter(
        role__in=(SubjectRole.VICTIM, SubjectRole.CHILD), types__icontains='"SA"'
    ).values("person_id")


def _persons_in_scope(staff: Staff) -> Q:
    """Persons of the towns the staff member's unit covers; a sexual-assault victim only to FPC, the
    screening desk, and the workers of a case of theirs (no break-glass)."""
    scope = Q(town__in=staff.unit.towns.all())
    if staff.unit.kind not in (UnitKind.FPC, UnitKind.SCREENING):
        serving = staff.role.kind in CASE_KINDS and staff.left_on is None
        served = cases_in_scope(staff) if serving else Case.objects.none()
        scope &= ~(Q(pk__in=protected_person_ids()) & ~Q(pk__in=served.values("person_id")))
    return scope


def persons_visible_to(user: Any) -> QuerySet[Person]:
    """Persons in the user's scope (`_persons_in_scope`), and the person of a case opened by break-glass,
    while the opening lasts."""
    staff = staff_of(user)
    if staff is None or staff.role.kind not in PERSON_KINDS:
        return Person.objects.none()
    granted = Q(pk__in=active_grants(staff).values("case__person_id"))
    return Person.objects.filter(_persons_in_scope(staff) | granted)


def persons_for_work(user: Any) -> QuerySet[Person]:
    """The persons a write may involve (a relation's other person, a household's new member): those in
    the user's scope; the person of a break-glass opening only where the county allows writes through one
    (and `get_person_for_work` then flags the write)."""
    if break_glass_writes_allowed():
        return persons_visible_to(user)
    staff = staff_of(user)
    if staff is None or staff.role.kind not in PERSON_KINDS:
        return Person.objects.none()
    return Person.objects.filter(_persons_in_scope(staff))


def get_person_for(user: Any, pk: int) -> Person:
    staff = require_kind(user, PERSON_KINDS)
    person = get_object_or_404(persons_visible_to(user).select_related("town__county"), pk=pk)
    # Read while a break-glass opening of one of their cases lasts: flagged with its reason.
    record_read(user, person, grant=active_grants(staff).filter(case__person_id=pk).first())
    return person


def get_person_for_work(user: Any, pk: int) -> Person:
    """`get_person_for`, for a view that writes on the person: refused when the person is reached only
    through a break-glass opening (`work_through_opening`)."""
    person = get_person_for(user, pk)
    check_person_work(user, pk)
    return person


def check_person_work(user: Any, pk: int) -> None:
    """For a write that involves a person picked from `persons_for_work` (a relation's other person, a
    household member): refused or flagged when the person is reached only through a break-glass opening."""
    staff = require_kind(user, PERSON_KINDS)
    if not Person.objects.filter(_persons_in_scope(staff), pk=pk).exists():
        work_through_opening(active_grants(staff).filter(case__person_id=pk).first())


def households_visible_to(user: Any) -> QuerySet[Household]:
    staff = staff_of(user)
    if staff is None or staff.role.kind not in PERSON_KINDS:
        return Household.objects.none()
    return Household.objects.filter(town__in=staff.unit.towns.all())


def get_household_for(user: Any, pk: int) -> Household:
    require_kind(user, PERSON_KINDS)
    household = get_object_or_404(households_visible_to(user), pk=pk)
    record_read(user, household)
    return household


def units_visible_to(user: Any) -> QuerySet[Unit]:
    staff = staff_of(user)
    if staff is None or staff.role.kind not in UNIT_KINDS:
        return Unit.objects.none()
    if staff.role.kind == K.ADMIN:
        return Unit.objects.all()
    if staff.role.kind in (K.SUPERVISOR, K.MANAGER):
        return Unit.objects.filter(county_id=staff.unit.county_id)
    return Unit.objects.filter(pk=staff.unit_id)


def get_unit_for(user: Any, pk: int) -> Unit:
    require_kind(user, UNIT_KINDS)
    unit = units_visible_to(user).filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def reports_visible_to(user: Any) -> QuerySet[Report]:
    """The screening desk sees its county's reports; other units see them once dispatched (later)."""
    staff = staff_of(user)
    if staff is None or staff.unit.kind != UnitKind.SCREENING:
        return Report.objects.none()
    return Report.objects.filter(area_id=staff.unit.county_id)


def get_report_for(user: Any, pk: int) -> Report:
    require_kind(user, (K.SCREENER,))
    report = get_object_or_404(
        reports_visible_to(user).select_related("area", "screening__decided_by"), pk=pk
    )
    record_read(user, report)
    return report


def counties_visible_to(user: Any) -> list[str]:
    """County codes whose aggregate figures the user may read."""
    from safetynet.geo.models import County

    staff = staff_of(user)
    if staff is None:
        return []
    if staff.role.kind in (K.REVIEWER, K.ADMIN):
        return list(County.objects.filter(units__isnull=False).distinct().values_list("code", flat=True))
    return [staff.unit.county_id] if staff.unit.county_id else []


def aggregates_visible_to(user: Any) -> list[str]:
    """County codes whose indicators, staffing and budget the user may read: supervisors, managers,
    administrators and central reviewers (aggregates only; no case behind them)."""
    staff = staff_of(user)
    if staff is None or staff.role.kind not in WORKFORCE_KINDS:
        return []
    return counties_visible_to(user)


FIGURE_KINDS = (K.MANAGER, K.ADMIN)  # who enter the plan's and the indicators' own figures


def may_enter_figures(user: Any) -> bool:
    """Managers and administrators enter vacancies, reported values and targets; others read them."""
    return kind_of(user) in FIGURE_KINDS


def county_asked(params: Any, counties: list[County]) -> County:
    """The county `area` names among `counties` (those in the user's scope; any other is a 404), else
    the first of them."""
    if not counties:
        raise Http404
    asked = params.get("area")
    if not asked:
        return counties[0]
    county = next((c for c in counties if c.code == asked), None)
    if county is None:
        raise Http404
    return county


def cases_in_scope(staff: Staff) -> QuerySet[Case]:
    """The cases a staff member's own work gives them (no break-glass)."""
    if staff.role.kind == K.SUPERVISOR:
        return Case.objects.filter(unit_id=staff.unit_id)
    mine = Case.objects.filter(Q(lead=staff) | Q(co_workers=staff))
    return Case.objects.filter(
        Q(lead=staff)
        | Q(pk__in=mine.values("pk"))
        | Q(cocase__in=mine.filter(cocase__isnull=False).values("cocase"))
    )


def active_grants(staff: Staff) -> QuerySet[AccessGrant]:
    """The staff member's break-glass openings that have not run out (a request waiting for approval
    opens nothing), newest end first."""
    return AccessGrant.objects.filter(staff=staff).active().order_by("-expires_at")


def cases_visible_to(user: Any) -> QuerySet[Case]:
    staff = staff_of(user)
    if staff is None or staff.role.kind not in CASE_KINDS or staff.left_on is not None:
        return Case.objects.none()
    granted = active_grants(staff).values("case_id")
    return Case.objects.filter(Q(pk__in=cases_in_scope(staff).values("pk")) | Q(pk__in=granted))


def _fetch_case(user: Any, pk: int) -> tuple[Case, AccessGrant | None]:
    staff = require_kind(user, CASE_KINDS)
    case = get_object_or_404(
        cases_visible_to(user).select_related("person", "unit", "lead", "area", "cocase"), pk=pk
    )
    grant = break_glass_grant(staff, pk)
    record_read(user, case, grant=grant)
    return case, grant


def get_case_for(user: Any, pk: int) -> Case:
    return _fetch_case(user, pk)[0]


def get_case_for_work(user: Any, pk: int) -> Case:
    """`get_case_for`, for every view and API operation that writes on the case or its records: refused
    (403) when the user sees the case only through a break-glass opening (`work_through_opening`)."""
    case, grant = _fetch_case(user, pk)
    work_through_opening(grant)
    return case


class OpeningIsForReading(PermissionDenied):
    """A write whose only way to its record is a break-glass opening, where the county allows none."""

    def __init__(self) -> None:
        super().__init__(
            _("A break-glass opening is for reading only: ask the case's worker or their supervisor.")
        )


def break_glass_writes_allowed() -> bool:
    return bool(getattr(settings, "SAFETYNET_BREAK_GLASS_WRITES", False))


def work_through_opening(grant: AccessGrant | None) -> None:
    """A write that reaches its record through `grant` (None: through the user's own scope). Refused
    unless the county allows writes through an opening; then the request's change entries carry the
    grant's reason, flagged, and the grant's reviewers are told (`safetynet.audit.services.record`)."""
    if grant is None:
        return
    if not break_glass_writes_allowed():
        raise OpeningIsForReading
    if context.opening.get() is None:
        context.opening.set(context.Opening(grant))


def opening_of(user: Any, case: Case) -> AccessGrant | None:
    """The break-glass opening through which the user reads the case, if that is how."""
    staff = staff_of(user)
    return break_glass_grant(staff, case.pk) if staff is not None else None


def break_glass_grant(staff: Staff, case_pk: int) -> AccessGrant | None:
    """The break-glass opening through which the staff member sees the case, if that is how they see it."""
    grant = active_grants(staff).filter(case_id=case_pk).first()
    if grant is not None and cases_in_scope(staff).filter(pk=case_pk).exists():
        grant = None  # a grant on a case that is the worker's own anyway is not a break-glass read
    return grant


def record_case_person_read(user: Any, case: Case) -> None:
    """A page of the case that shows its person's own details (address, phones): the person's read,
    flagged like the case's when the case was opened by break-glass."""
    staff = require_kind(user, CASE_KINDS)
    record_read(user, case.person, grant=break_glass_grant(staff, case.pk))


def clocks_visible_to(user: Any) -> QuerySet[Clock]:
    """A unit's clocks: the screening desk's reports, a team's cases (a worker sees their own)."""
    staff = staff_of(user)
    if staff is None or staff.role.kind not in (K.SCREENER, *CASE_KINDS):
        return Clock.objects.none()
    if staff.role.kind == K.CASEWORKER:
        return Clock.objects.filter(case__in=cases_visible_to(user))
    return Clock.objects.filter(unit_id=staff.unit_id)


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    """The referrer's side: referrals of the cases the user may see, and the supervisors' unit's."""
    staff = staff_of(user)
    if staff is None or staff.role.kind not in CASE_KINDS:
        return Referral.objects.none()
    if staff.role.kind == K.SUPERVISOR:
        return Referral.objects.filter(Q(unit_id=staff.unit_id) | Q(case__unit_id=staff.unit_id))
    return Referral.objects.filter(case__in=cases_visible_to(user))


def get_referral_for(user: Any, pk: int) -> Referral:
    require_kind(user, CASE_KINDS)
    referral = get_object_or_404(
        referrals_visible_to(user).select_related(
            "case__person", "case__lead", "organization", "service", "category", "unit", "referred_by__staff"
        ),
        pk=pk,
    )
    record_read(user, referral)
    return referral


def get_referral_for_work(user: Any, pk: int) -> Referral:
    """`get_referral_for`, for a move or a single-use link: refused when the referral's case is seen only
    through a break-glass opening (`work_through_opening`)."""
    staff = require_kind(user, CASE_KINDS)
    referral = get_referral_for(user, pk)
    if referral.case_id is not None:
        work_through_opening(break_glass_grant(staff, referral.case_id))
    return referral


def check_case_work(user: Any, case_pk: int) -> None:
    """For a write on a record of a case fetched by its own query (a clock): refused when the case is
    seen only through a break-glass opening (`work_through_opening`)."""
    staff = require_kind(user, CASE_KINDS)
    work_through_opening(break_glass_grant(staff, case_pk))


def partner_organization(user: Any) -> Organization:
    """The organisation a partner user answers for; 403 for other roles or an unlinked partner unit."""
    staff = require_kind(user, (K.PARTNER,))
    organization = Organization.objects.filter(unit_id=staff.unit_id).first()
    if organization is None:
        raise PermissionDenied
    return organization


def partner_referrals_for(user: Any) -> QuerySet[Referral]:
    """The partner's side: referrals sent to the user's organisation."""
    staff = staff_of(user)
    if staff is None or staff.role.kind != K.PARTNER:
        return Referral.objects.none()
    return Referral.objects.sent().filter(organization__unit_id=staff.unit_id)


def get_partner_referral_for(user: Any, pk: int) -> Referral:
    partner_organization(user)
    referral = get_object_or_404(
        partner_referrals_for(user).select_related(
            "case__person__town", "organization", "service", "category", "unit", "referred_by__staff"
        ),
        pk=pk,
    )
    record_read(user, referral)
    return referral
