"""Case work over the API: read a case, record a contact or an assessment (e.g. from a mobile client).

Bad input answers 422 with a message per field; an account whose role has no case work answers 403,
and a case it may not see 404 (missing and out of scope alike).
`Idempotency-Key` on a POST returns the record the same key created before (`Idempotent-Replayed: true`).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Router, Schema

from safetynet.cases import services
from safetynet.cases.models import Assessment, Case, Clock, Contact, ContactKind
from safetynet.core.access import get_case_for
from safetynet.core.errors import DomainError
from safetynet.core.schemas import NEEDS_TOKEN, Detail, FieldErrors, json_body, nul_at
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


class RecordOut(Schema):
    """A contact or an assessment just recorded, and the case's risk level and next visit after it."""

    id: int
    case: int
    risk_level: str | None
    next_visit_due: str | None


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


def _case(request: HttpRequest, pk: int) -> Case | JsonResponse:
    """The case, or the answer instead: 403 for a role without case work, 404 for a case out of scope."""
    try:
        return get_case_for(request.user, pk)
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
    case = _case(request, pk)
    if isinstance(case, JsonResponse):
        return case
    try:
        data = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return invalid({"$": "the body is not JSON"})
    if not isinstance(data, dict):
        return invalid({"$": "expected a JSON object"})
    if nul := nul_at(data):
        return invalid({nul: "may not contain NUL characters"})
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 200:
        return invalid({"Idempotency-Key": "at most 200 characters"})
    earlier = model._default_manager.filter(by=request.user, idempotency_key=key).first() if key else None
    if earlier is None:
        try:
            with transaction.atomic():
                record = build(case, data, key)
        except DomainError as error:
            return invalid({error.field or "$": error.message})
        except IntegrityError:  # the same key raced in on another request
            earlier = model._default_manager.filter(by=request.user, idempotency_key=key).first()
            if earlier is None:
                raise
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
        minutes = data.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool):
            raise DomainError("a whole number of minutes is required", field="minutes")
        texts = {f: data.get(f, "") for f in CONTACT_TEXT}
        for field, value in texts.items():
            if not isinstance(value, str):
                raise DomainError("must be text", field=field)
            length = CONTACT_LENGTHS[field]
            if length and len(value.strip()) > length:
                raise DomainError(f"at most {length} characters", field=field)
        return services.record_contact(
            case,
            kind=str(data.get("kind", "")),
            occurred_at=_moment(data, "occurred_at"),
            minutes=minutes,
            by=request.user,
            idempotency_key=key,
            **texts,
        )

    return _create(request, pk, Contact, build)


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
