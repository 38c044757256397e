"""The partner directory over the API as Open Referral HSDS 3.0: `GET /directory/services`.

A page (HSDS `Page`) of compiled service objects (`safetynet.referrals.hsds`), the services of active
organisations in a stable order. Query parameters are read here rather than by ninja so that a bad one
answers the API's usual 422 `{"errors": {parameter: message}}`.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema

from safetynet.core.errors import DomainError
from safetynet.core.schemas import NEEDS_TOKEN, FieldErrors
from safetynet.core.tokens import TokenAuth
from safetynet.referrals.hsds import exported_services, id_of, service_record
from safetynet.referrals.models import Organization, ServiceCategory

router = Router(tags=["directory"])
PER_PAGE = 50
MAX_PER_PAGE = 200


class ServicePage(Schema):
    """An HSDS 3.0 `Page` of compiled service objects."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]]


def _json(body: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _whole(name: str, text: str | None, default: int, low: int, high: int | None = None) -> int:
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise DomainError("expected a whole number", field=name) from None
    if value < low or (high is not None and value > high):
        raise DomainError(
            f"expected {low} to {high}" if high is not None else f"expected {low} or more", field=name
        )
    return value


def _uuid(name: str, text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise DomainError("expected a UUID", field=name) from None


def _filters(
    category: str | None, taxonomy_term_id: str | None, organization_id: str | None
) -> tuple[list[ServiceCategory], Organization | None]:
    """The categories a service must carry and its organisation; matched in Python, so no raw input
    reaches the database."""
    wanted: list[ServiceCategory] = []
    if category or taxonomy_term_id:
        categories = list(ServiceCategory.objects.all())
        if category:
            found = next((c for c in categories if c.code == category), None)
            if found is None:
                raise DomainError("no service category has this code", field="category")
            wanted.append(found)
        if taxonomy_term_id:
            term_id = _uuid("taxonomy_term_id", taxonomy_term_id)
            found = next((c for c in categories if id_of(c) == term_id), None)
            if found is None:
                raise DomainError("no taxonomy term has this id", field="taxonomy_term_id")
            wanted.append(found)
    organization = None
    if organization_id:
        org_id = _uuid("organization_id", organization_id)
        organization = next((o for o in Organization.objects.filter(active=True) if id_of(o) == org_id), None)
        if organization is None:
            raise DomainError("no active organisation has this id", field="organization_id")
    return wanted, organization


@router.get(
    "/directory/services",
    url_name="directory_services",
    auth=TokenAuth("read"),
    response={200: ServicePage, **NEEDS_TOKEN, 422: FieldErrors},
)
def directory_services(
    request: HttpRequest,
    page: str | None = None,
    per_page: str | None = None,
    taxonomy_term_id: str | None = None,
    category: str | None = None,
    organization_id: str | None = None,
) -> JsonResponse:
    """The partner directory's services as an HSDS 3.0 page of compiled service objects.

    `page` (from 1, default 1), `per_page` (1-200, default 50); filters: `taxonomy_term_id` (an exported
    taxonomy term id) or `category` (a service category code), `organization_id` (an exported organisation
    id). A page past the last answers with no contents.
    """
    try:
        number = _whole("page", page, 1, 1)
        size = _whole("per_page", per_page, PER_PAGE, 1, MAX_PER_PAGE)
        categories, organization = _filters(category, taxonomy_term_id, organization_id)
    except DomainError as error:
        return _json({"errors": {error.field or "$": error.message}}, status=422)
    services = exported_services()
    for wanted in categories:  # both filters given: a service carries both
        services = services.filter(categories=wanted)
    if organization is not None:
        services = services.filter(organization=organization)
    total = services.count()
    start = (number - 1) * size
    # A page past the end reads nothing (and never sends the database an absurd offset).
    contents = [service_record(s) for s in services[start : start + size]] if start < total else []
    pages = math.ceil(total / size)
    return _json(
        {
            "total_items": total,
            "total_pages": pages,
            "page_number": number,
            "size": len(contents),
            "first_page": number == 1,
            "last_page": number >= pages,
            "empty": not contents,
            "contents": contents,
        }
    )
