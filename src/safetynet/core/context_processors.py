"""The navigation bar: the areas of the product, each shown only to the roles that may open it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safetynet.core.access import PERSON_KINDS, UNIT_KINDS, WORKFORCE_KINDS, staff_of

# (label, url name, kinds that may open it)
AREAS: list[tuple[Any, str | None, tuple[str, ...]]] = [
    (_("Reports & screening"), "intake:queue", ("screener",)),
    (_("Cases"), "cases:mine", ("caseworker", "supervisor")),
    (_("Dispatch queue"), "cases:queue", ("supervisor",)),
    (_("Team"), "cases:team", ("supervisor", "manager")),
    (_("Clocks"), "cases:clocks", ("screener", "caseworker", "supervisor")),
    (_("Screening rules"), "intake:rules", ("manager", "admin")),
    (_("Persons & households"), "people:list", PERSON_KINDS),
    (_("Referrals"), "referrals:list", ("caseworker", "supervisor")),
    (_("Referrals to us"), "referrals:partner", ("partner",)),
    (
        _("Partner network"),
        "referrals:directory",
        ("screener", "caseworker", "supervisor", "manager", "admin", "partner", "reviewer"),
    ),
    (_("Referral statistics"), "referrals:stats", ("supervisor", "manager", "admin", "reviewer")),
    (_("Units"), "org:units", UNIT_KINDS),
    (_("Workforce"), "workforce:overview", WORKFORCE_KINDS),
    (_("Indicators"), "indicators:dashboard", WORKFORCE_KINDS),
    (_("Reports (annual)"), "reporting:page", WORKFORCE_KINDS),
    (_("Emergency openings"), "audit:grants", ("supervisor", "admin")),
    (_("Access alerts"), "audit:alerts", ("supervisor", "admin")),
    (_("Access log"), "audit:log", ("admin",)),
    (_("Second steps"), "second_steps", ("admin",)),
    (_("Map"), "geo:map", ("screener", "caseworker", "supervisor", "manager", "admin", "reviewer")),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    from safetynet.core import two_factor

    staff = staff_of(request.user)
    if staff is None:
        return {"nav_areas": [], "me": None, "nav_here": ""}
    if two_factor.requires_two_factor(request.user) and not two_factor.is_verified(request.user):
        return {"nav_areas": [], "me": staff, "nav_here": ""}  # no area opens before the second step
    items = [
        {"label": label, "url": reverse(url_name)}
        for label, url_name, kinds in AREAS
        if url_name and staff.role.kind in kinds
    ]
    # The one area the page belongs to: the longest address that starts the path (/cases/queue/ is the
    # dispatch queue, not 我的個案 at /cases/).
    here = max(
        (i for i in items if request.path.startswith(i["url"])), key=lambda i: len(i["url"]), default=None
    )
    for item in items:
        item["active"] = item is here
    return {"nav_areas": items, "me": staff, "nav_here": here["label"] if here else ""}
