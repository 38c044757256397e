"""Case work over the API: list one's cases, read a case, record a contact or an assessment (e.g. from a
mobile client), and correct a contact its author recorded within the last 24 hours (`PATCH`, naming the
version read).

Bad input answers 422 with a message per field; an account whose role has no case work answers 403,
and a case it may not see 404 (missing and out of scope alike).
`Idempotency-Key` on a POST returns the record the same key created before (`Idempotent-Replayed: true`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, TypedDict, cast

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Router, Schema

from safetynet.audit.services import record_listing
from safetynet.cases import services
from safetynet.cases.mine import Filters, keyed, listed_cases, load, rows
from safetynet.cases.models import Assessment, Case, Clock, Contact, ContactKind
from safetynet.core import locks, words
from safetynet.core.access import (
    CASE_KINDS,
    OpeningIsForReading,
    get_case_for,
    get_case_for_work,
    require_kind,
)
from safetynet.core.errors import DomainError
from safetynet.core.schemas import NEEDS_TOKEN, BadBody, Detail, FieldErrors, json_body, read_json
from safetynet.core.tokens import TokenAuth
from safetynet.domain import instruments

router = Router(tags=["cases"])
CONTACT_TEXT = ("place", "with_whom", "note", "next_step")
# Answers every operation on a case can give besides its own: no token, not visible, bad input.
ON_A_CASE: dict[int, Any] = {**NEEDS_TOKEN, 403: Detail, 404: Detail, 422: FieldErrors}
# The stored lengths (None: no limit); longer text would not fit PostgreSQL's columns.
CONTACT_LENGTHS: dict[str, int | None] = {
    name: getattr(Contact._meta.get_field(name), "max_length", None) for name in CONTACT_TEXT
}


def _text(field: str) -> dict[str, Any]:
    length = CONTACT_LENGTHS[field]
    return {"type": "string", "maxLength": length} if length else {"type": "string"}


_MOMENT = {"type": "string", "format": "date-time", "description": "ISO 8601; without an offset, Taipei time"}
CONTACT_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["kind", "occurred_at", "minutes"],
    "properties": {
        "kind": {"type": "string", "enum": list(ContactKind.values)},
        "occurred_at": _MOMENT,
        "minutes": {"type": "integer", "minimum": 1, "maximum": 24 * 60},
        **{name: _text(name) for name in CONTACT_TEXT},
    },
}
CONTACT_PATCH_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["version"],
    "properties": {
        "version": {
            "type": "integer",
            "minimum": 1,
            "description": "the contact's version as read; a correction made since answers 409",
        },
        **CONTACT_BODY["properties"],
    },
}
ASSESSMENT_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["instrument", "assessed_at", "answers"],
    "properties": {
        "instrument": {"type": "string", "enum": sorted(instruments.INSTRUMENTS)},
        "assessed_at": _MOMENT,
        "answers": {"type": "object", "description": 'as the instrument asks, e.g. psychiatric {"level": 3}'},
    },
}


class CaseOut(Schema):
    id: int
    route: str
    status: str
    risk_level: str | None
    high_risk: bool
    opened_at: str
    next_visit_due: str | None


class PersonRef(Schema):
    id: int
    name: str


class RouteRef(Schema):
    code: str
    name: str


class CaseItem(Schema):
    id: int
    person: PersonRef
    route: RouteRef
    status: str
    risk: str | None
    next_due: str | None


class CaseList(Schema):
    items: list[CaseItem]
    count: int


class RecordOut(Schema):
    """A contact or an assessment just recorded, and the case's risk level and next visit after it."""

    id: int
    case: int
    risk_level: str | None
    next_visit_due: str | None


class ContactOut(RecordOut):
    """A contact just corrected: its new version, to name in the next correction."""

    version: int


class Conflict(Schema):
    """A correction refused because another was saved since the version it names."""

    detail: str
    version: int


class AssessmentOut(RecordOut):
    instrument: str
    total: int | None
    band: str
    label: str
    risk: str | None


def _json(body: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def invalid(errors: dict[str, str]) -> JsonResponse:
    return _json({"errors": errors}, status=422)


def _case(request: HttpRequest, pk: int, *, work: bool = False) -> Case | JsonResponse:
    """The case, or the answer instead: 403 for a role without case work, 404 for a case out of scope;
    for a write (`work`), 403 too when the case is seen only through a break-glass opening."""
    try:
        return get_case_for_work(request.user, pk) if work else get_case_for(request.user, pk)
    except OpeningIsForReading:
        return _json({"detail": "Forbidden: a break-glass opening is for reading only"}, status=403)
    except PermissionDenied:
        return _json({"detail": "Forbidden"}, status=403)
    except Http404:
        return _json({"detail": "Not Found"}, status=404)


def _moment(data: dict[str, Any], field: str) -> datetime.datetime:
    value = data.get(field)
    if not isinstance(value, str):
        raise DomainError("an ISO 8601 date-time is required", field=field)
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        raise DomainError("not an ISO 8601 date-time", field=field) from exc
    return moment if moment.tzinfo else timezone.make_aware(moment)


def _next_due(case: Case) -> str | None:
    clock = Clock.objects.running().filter(case=case, name="visit").order_by("due_at").first()
    return clock.due_at.isoformat() if clock else None


def _create(
    request: HttpRequest, pk: int, model: type[Model], build: Callable[[Case, dict[str, Any], str], Any]
) -> JsonResponse:
    case = _case(request, pk, work=True)
    if isinstance(case, JsonResponse):
        return case
    try:
        data = read_json(request.body)
    except BadBody as bad:
        return invalid({bad.path: bad.message})
    if not isinstance(data, dict):
        return invalid({"$": "expected a JSON object"})
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 200:
        return invalid({"Idempotency-Key": "at most 200 characters"})
    earlier = None
    try:
        with transaction.atomic():
            if key:  # the same key on another request at once: wait for it, then replay its record
                locks.hold(locks.IDEMPOTENCY_KEY, request.user.pk, key)
                earlier = model._default_manager.filter(by=request.user, idempotency_key=key).first()
            if earlier is None:
                record = build(case, data, key)
    except DomainError as error:
        return invalid({error.field or "$": error.message})
    response = _json(_body(earlier or record, case), status=201)
    if earlier is not None:
        response["Idempotent-Replayed"] = "true"
    return response


def _body(record: Any, case: Case) -> dict[str, Any]:
    case.refresh_from_db(fields=["risk_level"])
    body: dict[str, Any] = {"id": record.pk, "case": case.pk, "risk_level": case.risk_level or None}
    if isinstance(record, Assessment):
        body.update(instrument=record.instrument, total=record.total, band=record.band, label=record.label)
        body["risk"] = record.risk
    body["next_visit_due"] = _next_due(case)
    return body


LIST_STATUSES = ("open", "closed", "all")
LIST_LIMIT, MAX_LIST_LIMIT = 50, 200


def _whole(name: str, text: str | None, default: int, high: int | None = None, low: int = 0) -> int:
    if text is None or text == "":
        return default
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise DomainError(
            "expected a whole number" if high is None else f"expected {low} to {high}", field=name
        )
    value = int(text)
    if value < low or (high is not None and value > high):
        raise DomainError(f"expected {low} to {high}", field=name)
    return value


@router.get(
    "/cases",
    # Reading one's list needs `read`; a mobile client that records contacts holds `cases:write`.
    auth=[TokenAuth("read"), TokenAuth("cases:write")],
    response={200: CaseList, **NEEDS_TOKEN, 403: Detail, 422: FieldErrors},
)
def case_list(
    request: HttpRequest, status: str | None = None, limit: str | None = None, offset: str | None = None
) -> JsonResponse:
    """The cases of the token's account, as 我的個案 lists them: a worker's own (lead, co-worker, their
    co-cases), a supervisor's unit's; never a break-glass opening. Roles without case work: 403.

    `status` open (default), closed (closed or not opened) or all; `limit` 1-200 (default 50); `offset`
    from 0. Ordered by the next due clock (cases with none last), then newest opened. Each item:
    `id`; `person` `{id, name}`; `route` `{code, name}` (the name in zh-Hant, as the rule set in force
    writes it); `status` (pending, assessing, serving, follow_up, review, closed, not_opened); `risk`
    (high, medium, low, null when not assessed); `next_due` (ISO 8601, the earliest running clock of the
    case, null when none runs). `count` is the number of cases under `status`, whatever the page."""
    errors: dict[str, str] = {}
    if status not in (None, "", *LIST_STATUSES):
        errors["status"] = f"expected one of {', '.join(LIST_STATUSES)}"
    numbers: dict[str, int] = {}
    for name, text, default, high, low in (
        ("limit", limit, LIST_LIMIT, MAX_LIST_LIMIT, 1),
        ("offset", offset, 0, None, 0),
    ):
        try:
            numbers[name] = _whole(name, text, default, high, low)
        except DomainError as error:
            errors[name] = error.message
    if errors:
        return invalid(errors)
    try:
        staff = require_kind(request.user, CASE_KINDS)
    except PermissionDenied:
        return _json({"detail": "Forbidden"}, status=403)
    now = timezone.now()
    keys = keyed(listed_cases(staff, Filters(status=status or "open"), now))
    count = keys.count()
    start, size = numbers["offset"], numbers["limit"]
    # An offset past the end reads nothing (and never sends the database an absurd offset).
    page = rows(load(keys[start : start + size]), now) if start < count else []
    record_listing(request.user, "cases.case", [row.case.person_id for row in page])
    items = [
        {
            "id": row.case.pk,
            "person": {"id": row.case.person_id, "name": row.case.person.name},
            "route": {"code": row.case.route, "name": words.route_name(row.case.route)},
            "status": row.case.status,
            "risk": row.case.risk_level or None,
            "next_due": row.clock.due_at.isoformat() if row.clock else None,
        }
        for row in page
    ]
    return _json({"items": items, "count": count})


@router.get("/cases/{pk}", auth=TokenAuth("read"), response={200: CaseOut, **ON_A_CASE})
def case_detail(request: HttpRequest, pk: int) -> JsonResponse:
    """A case visible to the token's account: status, route, risk level and the next visit due."""
    case = _case(request, pk)
    if isinstance(case, JsonResponse):
        return case
    return _json(
        {
            "id": case.pk,
            "route": case.route,
            "status": case.status,
            "risk_level": case.risk_level or None,
            "high_risk": case.high_risk,
            "opened_at": case.opened_at.isoformat(),
            "next_visit_due": _next_due(case),
        }
    )


@router.post(
    "/cases/{pk}/contacts",
    auth=TokenAuth("cases:write"),
    response={201: RecordOut, **ON_A_CASE},
    openapi_extra=json_body(CONTACT_BODY),
)
def record_contact(request: HttpRequest, pk: int) -> JsonResponse:
    """Record a contact: `kind` (home_visit, phone, interview, outreach, network), `occurred_at` (ISO 8601),
    `minutes`, and optionally `place`, `with_whom`, `note`, `next_step`."""

    def build(case: Case, data: dict[str, Any], key: str) -> Contact:
        texts = _texts(data, {})
        return services.record_contact(
            case,
            kind=str(data.get("kind", "")),
            occurred_at=_moment(data, "occurred_at"),
            minutes=_minutes(data),
            by=request.user,
            idempotency_key=key,
            **texts,
        )

    return _create(request, pk, Contact, build)


def _minutes(data: dict[str, Any]) -> int:
    minutes = data.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        raise DomainError("a whole number of minutes is required", field="minutes")
    return minutes


class ContactTexts(TypedDict):
    place: str
    with_whom: str
    note: str
    next_step: str


def _texts(data: dict[str, Any], current: dict[str, str]) -> ContactTexts:
    """The contact's texts from the body; a field the body leaves out keeps its `current` value."""
    texts = {f: data.get(f, current.get(f, "")) for f in CONTACT_TEXT}
    for field, value in texts.items():
        if not isinstance(value, str):
            raise DomainError("must be text", field=field)
        length = CONTACT_LENGTHS[field]
        if length and len(value.strip()) > length:
            raise DomainError(f"at most {length} characters", field=field)
    return cast(ContactTexts, texts)


@router.patch(
    "/cases/{pk}/contacts/{contact_id}",
    auth=TokenAuth("cases:write"),
    response={200: ContactOut, 409: Conflict, **ON_A_CASE},
    openapi_extra=json_body(CONTACT_PATCH_BODY),
)
def edit_contact(request: HttpRequest, pk: int, contact_id: int) -> JsonResponse:
    """Correct a contact its token's account recorded, within 24 hours of recording it: `version` (the
    one read) and any of the fields of a new contact; the fields left out keep their values. The earlier
    version is kept. A correction saved since the named version answers 409 with the current version;
    another account's contact answers 404."""
    case = _case(request, pk, work=True)
    if isinstance(case, JsonResponse):
        return case
    contact = Contact.objects.filter(case=case, pk=contact_id, by_id=request.user.pk).first()
    if contact is None:
        return _json({"detail": "Not Found"}, status=404)
    assert isinstance(contact, Contact)  # noqa: S101 - narrows the manager's type for mypy
    try:
        data = read_json(request.body)
    except BadBody as bad:
        return invalid({bad.path: bad.message})
    if not isinstance(data, dict):
        return invalid({"$": "expected a JSON object"})
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return invalid({"version": "the version read, a whole number from 1, is required"})
    current = {f: getattr(contact, f) for f in CONTACT_TEXT}
    try:
        with transaction.atomic():
            texts = _texts(data, current)
            edited = services.edit_contact(
                contact,
                version=version,
                kind=str(data.get("kind", contact.kind)),
                occurred_at=_moment(data, "occurred_at") if "occurred_at" in data else contact.occurred_at,
                minutes=_minutes(data) if "minutes" in data else contact.minutes,
                by=request.user,
                **texts,
            )
    except services.ContactEditConflict as conflict:
        return _json({"detail": conflict.message, "version": conflict.contact.version}, status=409)
    except DomainError as error:
        return invalid({error.field or "$": error.message})
    return _json(_body(edited, case) | {"version": edited.version})


@router.post(
    "/cases/{pk}/assessments",
    auth=TokenAuth("cases:write"),
    response={201: AssessmentOut, **ON_A_CASE},
    openapi_extra=json_body(ASSESSMENT_BODY),
)
def record_assessment(request: HttpRequest, pk: int) -> JsonResponse:
    """Record a scored instrument: `instrument` (bsrs5, tipvda, sdm_safety, sdm_risk, vulnerability,
    psychiatric), `assessed_at` (ISO 8601) and `answers`, e.g. bsrs5 `{"items": [0-4 ×5], "suicide": 0-4}`."""

    def build(case: Case, data: dict[str, Any], key: str) -> Assessment:
        answers = data.get("answers")
        if not isinstance(answers, dict):
            raise DomainError("an object of answers is required", field="answers")
        return services.record_assessment(
            case,
            instrument=str(data.get("instrument", "")),
            answers=answers,
            assessed_at=_moment(data, "assessed_at"),
            by=request.user,
            idempotency_key=key,
        )

    return _create(request, pk, Assessment, build)
