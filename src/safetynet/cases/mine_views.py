"""我的個案 (`/cases/`): a worker's own cases, a supervisor's unit's, and their XLSX download."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from safetynet.audit.models import Action
from safetynet.audit.services import record, record_listing
from safetynet.cases.mine import EXPORT_LIMIT, PAGE_SIZE, Listing, keyed, load, rows
from safetynet.cases.mine_export import workbook
from safetynet.cases.services.exports import record_case_export
from safetynet.cases.views import RISK_BADGE
from safetynet.core import words
from safetynet.core.access import CASE_KINDS, kinds_required, require_kind
from safetynet.domain import rocdate
from safetynet.org.models import AccessKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@kinds_required(*CASE_KINDS)
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    staff = require_kind(request.user, CASE_KINDS)
    listing = Listing.read(staff, request.GET)
    now = timezone.now()
    paginator = Paginator(keyed(listing.cases(now)), PAGE_SIZE)
    page = paginator.get_page(listing.page_number)
    shown = rows(load(page.object_list), now)
    persons = [row.case.person_id for row in shown]
    if listing.filters.q:
        # A search by name: the persons it put on screen, never what was typed.
        record(
            Action.SEARCH,
            user=request.user,
            object_type="cases.case",
            persons=persons,
            detail={"results": paginator.count},
        )
    else:
        record_listing(request.user, "cases.case", persons)
    supervisor = staff.role.kind == AccessKind.SUPERVISOR
    return render(
        request,
        "cases/mine.html",
        {
            "listing": listing,
            "ignored": words.joined(listing.ignored),
            "form": listing.form,
            "filters": listing.filters,
            "page": page,
            "rows": shown,
            "supervisor": supervisor,
            "staff": staff,
            "risk_badge": RISK_BADGE,
            "too_many": paginator.count > EXPORT_LIMIT,
            "export_limit": f"{EXPORT_LIMIT:,}",
            "previous": listing.filters.query(page.previous_page_number()) if page.has_previous() else "",
            "next": listing.filters.query(page.next_page_number()) if page.has_next() else "",
            "download": f"{reverse('cases:mine_export')}?{listing.filters.query()}".rstrip("?"),
        },
    )


@kinds_required(*CASE_KINDS)
@require_safe
def mine_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as XLSX, every page of it, up to `EXPORT_LIMIT` rows; logged as an export."""
    staff = require_kind(request.user, CASE_KINDS)
    listing = Listing.read(staff, request.GET, paged=False)
    back = f"{reverse('cases:mine')}?{listing.filters.query()}".rstrip("?")
    if listing.ignored or listing.shortened:
        # Not the list the person saw: show them the list with its note instead of a different file.
        messages.error(request, _("Nothing was downloaded: check the filters below, then download again."))
        return redirect(f"{reverse('cases:mine')}?{request.GET.urlencode()}")
    now = timezone.now()
    keys = keyed(listing.cases(now))
    total = keys.count()
    if total > EXPORT_LIMIT:
        messages.error(
            request,
            _("%(total)s cases are more than one download holds (%(limit)s): narrow the filters first.")
            % {"total": f"{total:,}", "limit": f"{EXPORT_LIMIT:,}"},
        )
        return redirect(back)
    listed = rows(load(keys[:EXPORT_LIMIT]), now)
    data = workbook(listed)
    record_case_export(
        request.user,
        [row.case.person_id for row in listed],
        detail={
            "format": "xlsx",
            "rows": len(listed),
            "filters": listing.filters.logged(),
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    name = f"cases-{rocdate.format(timezone.localdate(), 'compact')}.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
