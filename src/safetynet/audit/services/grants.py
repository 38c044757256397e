"""Break-glass: opening a case outside one's scope for a short time, with a reason, and the review of
each opening by the opener's supervisor."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from safetynet.audit.models import AccessGrant, AccessGrantQuerySet, Action
from safetynet.audit.services.log import record
from safetynet.core.errors import DomainError

REASON_MIN_CHARS = 10


def break_glass_minutes() -> int:
    return int(getattr(settings, "SAFETYNET_BREAK_GLASS_MINUTES", 30))


@transaction.atomic
def break_glass(user: Any, *, case_id: int, reason: str) -> AccessGrant:
    """Open a case outside the worker's scope for a short time, with a reason, flagged for review.

    Only cases of the worker's own county can be opened; the attempt is logged whether or not it works.
    """
    from django.contrib.auth import get_user_model

    from safetynet.cases.models import Case
    from safetynet.core.access import CASE_KINDS, cases_visible_to, require_kind
    from safetynet.core.services import notify

    staff = require_kind(user, CASE_KINDS)
    reason = reason.strip()
    if len(reason) < REASON_MIN_CHARS:
        raise DomainError(
            _("Give the reason in at least %(n)d characters.") % {"n": REASON_MIN_CHARS}, field="reason"
        )
    case = Case.objects.filter(pk=case_id, area_id=staff.unit.county_id).select_related("unit").first()
    if case is None:
        raise DomainError(_("There is no case with this number in your county."), field="case")
    if cases_visible_to(user).filter(pk=case.pk).exists():
        raise DomainError(_("This case is already yours to see; open it directly."), field="case")
    earlier = AccessGrant.objects.filter(staff=staff, case=case)
    if earlier.waiting_approval().exists():
        raise DomainError(
            _("Your request to open this case is waiting for your supervisor's approval."), field="case"
        )
    now = timezone.now()
    reviewers = get_user_model().objects.filter(pk__in=reviewers_of(staff))
    if earlier.filter(justified=False).exists():
        # An opening of this case was found unjustified: the next one waits for a reviewer's approval.
        grant = AccessGrant.objects.create(
            staff=staff, case=case, reason=reason, granted_at=now, expires_at=now, needs_approval=True
        )
        record(
            Action.BREAK_GLASS,
            user=user,
            target=case,
            reason=reason,
            flagged=True,
            detail={"grant": grant.pk, "needs_approval": True},
        )
        notify(
            reviewers,
            kind="break_glass_approval",
            template=N_(
                "%(who)s asks to open case %(case)s again after an opening of it was found unjustified: "
                "approve or decline."
            ),
            params={"who": staff.name, "case": case.pk},
            url=f"/audit/break-glass/{grant.pk}/approve/",
            subject=grant,
            at=now,
        )
        return grant
    grant = AccessGrant.objects.create(
        staff=staff,
        case=case,
        reason=reason,
        granted_at=now,
        expires_at=now + datetime.timedelta(minutes=break_glass_minutes()),
    )
    record(
        Action.BREAK_GLASS, user=user, target=case, reason=reason, flagged=True, detail={"grant": grant.pk}
    )
    notify(
        reviewers,
        kind="break_glass",
        template=N_("%(who)s opened case %(case)s outside their scope: review the reason."),
        params={"who": staff.name, "case": case.pk},
        url="/audit/break-glass/",
        subject=grant,
        at=now,
    )
    return grant


def reviewers_of(staff: Any) -> list[int]:
    """Accounts that review a staff member's break-glass: their supervisor, else their unit's supervisors."""
    from safetynet.org.models import AccessKind, Staff

    if staff.supervisor_id and staff.supervisor.user_id:
        return [staff.supervisor.user_id]
    return list(
        Staff.objects.filter(
            unit_id=staff.unit_id, role__kind=AccessKind.SUPERVISOR, left_on__isnull=True, user__isnull=False
        ).values_list("user_id", flat=True)
    )


def grants_to_review(user: Any) -> AccessGrantQuerySet:
    """A supervisor's unit's grants; an administrator's, every grant of their county."""
    from safetynet.core.access import staff_of
    from safetynet.org.models import AccessKind

    staff = staff_of(user)
    grants = AccessGrant.objects.select_related("staff__unit", "case", "reviewed_by")
    if staff is None:
        return grants.none()
    if staff.role.kind == AccessKind.SUPERVISOR:
        return grants.filter(models.Q(staff__unit_id=staff.unit_id) | models.Q(staff__supervisor=staff))
    if staff.role.kind == AccessKind.ADMIN:
        return grants.filter(staff__unit__county_id=staff.unit.county_id)
    return grants.none()


def tell_of_write(grant: AccessGrant, at: datetime.datetime) -> None:
    """A change through an opening, where the county allows it: its reviewers are told, as of the opening."""
    from django.contrib.auth import get_user_model

    from safetynet.core.services import notify

    notify(
        get_user_model().objects.filter(pk__in=reviewers_of(grant.staff)),
        kind="break_glass_write",
        template=N_("%(who)s changed case %(case)s through a break-glass opening: review the reason."),
        params={"who": grant.staff.name, "case": grant.case_id},
        url="/audit/break-glass/",
        subject=grant,
        at=at,
    )


REVIEW_KINDS = ("break_glass", "break_glass_write", "break_glass_approval")


def _own(grant: AccessGrant, by: Any) -> bool:
    return grant.staff.user_id is not None and grant.staff.user_id == getattr(by, "pk", None)


@transaction.atomic
def review_grant(grant: AccessGrant, *, justified: bool, note: str, by: Any) -> AccessGrant:
    """Find an opening justified or not; an unjustified one ends at once. A request waiting for approval
    is declined this way (it never opens), and approved only by `approve_grant`."""
    from safetynet.core.services import resolve_notifications

    if grant.reviewed_at is not None:
        raise DomainError(_("This opening was reviewed already."), field="grant")
    if _own(grant, by):
        raise DomainError(_("Your own opening is reviewed by your supervisor."), field="grant")
    if grant.waiting and justified:
        raise DomainError(_("Approve this request on its page: it opens the case."), field="grant")
    grant = AccessGrant.objects.select_for_update().get(pk=grant.pk)
    grant.justified = justified
    grant.review_note = note.strip()[:300]
    grant.reviewed_by = by
    grant.reviewed_at = timezone.now()
    if not justified:
        grant.expires_at = min(grant.expires_at, grant.reviewed_at)  # an unjustified opening ends now
    grant.save()
    resolve_notifications(grant, kinds=REVIEW_KINDS, at=grant.reviewed_at)
    record(
        Action.REVIEW,
        user=by,
        target=grant.case,
        reason=grant.review_note,
        detail={"grant": grant.pk, "justified": justified},
    )
    return grant


@transaction.atomic
def approve_grant(grant: AccessGrant, *, by: Any) -> AccessGrant:
    """Approve a request that needed approval: the case opens from now for the usual time, and the
    approval stands as the opening's review (justified). The requester is told until when."""
    from safetynet.core.services import notify, resolve_notifications

    grant = AccessGrant.objects.select_for_update(of=("self",)).select_related("staff__user").get(pk=grant.pk)
    if not grant.waiting:
        raise DomainError(_("This request was decided already."), field="grant")
    if _own(grant, by):
        raise DomainError(_("Your own request is approved by your supervisor."), field="grant")
    now = timezone.now()
    grant.approved_by, grant.approved_at = by, now
    grant.expires_at = now + datetime.timedelta(minutes=break_glass_minutes())
    grant.justified, grant.reviewed_by, grant.reviewed_at = True, by, now
    grant.save()
    resolve_notifications(grant, kinds=REVIEW_KINDS, at=now)
    record(
        Action.REVIEW,
        user=by,
        target=grant.case,
        reason=grant.reason,
        flagged=True,
        detail={"grant": grant.pk, "justified": True, "approved": True},
    )
    notify(
        [grant.staff.user],
        kind="break_glass_approved",
        template=N_("Your request to open case %(case)s was approved: it is open until %(until)s."),
        params={"case": grant.case_id, "until": timezone.localtime(grant.expires_at).strftime("%H:%M")},
        url=f"/cases/{grant.case_id}/",
        at=now,
    )
    return grant
