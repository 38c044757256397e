"""POST /api/v1/reports: the same JSON as `safetynet triage`, plus narrative and reporter."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Field, Router, Schema

from safetynet.core.access import reports_visible_to
from safetynet.core.schemas import NEEDS_TOKEN, BadBody, FieldErrors, json_body, read_json
from safetynet.core.tokens import TokenAuth
from safetynet.intake.facts import InvalidReport
from safetynet.intake.models import Channel
from safetynet.intake.services import receive_report

router = Router(tags=["reports"])

_TEXT = {"type": "string"}
REPORT_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["received_at", "area", "source", "subjects"],
    "properties": {
        "received_at": {"type": "string", "format": "date-time", "description": "ISO 8601 with offset"},
        "area": {"type": "string", "description": "county code, e.g. 10010"},
        "source": {"type": "string", "description": "a source code of the rule set, e.g. 113"},
        "external_id": {"type": "string", "maxLength": 60},
        "narrative": _TEXT,
        "reporter": _TEXT,
        "subjects": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["ref", "role"],
                "properties": {
                    "ref": {"type": "string", "minLength": 1, "maxLength": 40},
                    "role": {"type": "string", "description": "e.g. victim, child, respondent"},
                    "types": {
                        "type": "array",
                        "items": _TEXT,
                        "description": "report type codes, e.g. IPV; required for a victim or child. A "
                        "respondent or family member without any takes the types of violence (the rule "
                        "set's protective_types) of the report's victims and children.",
                    },
                    "flags": {"type": "array", "items": _TEXT},
                    "town": {"type": "string", "description": "town code, e.g. 10010020"},
                    "tipvda_score": {"type": "integer", "minimum": 0, "maximum": 15},
                    "national_id": _TEXT,
                    "birth_date": {"type": "string", "format": "date"},
                    "name": {"type": "string", "maxLength": 60},
                },
            },
        },
    },
}
REPORT_EXAMPLE = {
    "received_at": "2021-11-24T09:00:00+08:00",
    "area": "10010",
    "source": "113",
    "narrative": "鄰居聽到孩子哭喊",
    "subjects": [
        {"ref": "c1", "role": "child", "types": ["CP"], "town": "10010020"},
        {"ref": "p1", "role": "respondent", "name": "某甲"},
    ],
}


class ReportReceived(Schema):
    id: int
    rule_set: str
    decision: dict[str, Any] | None = Field(
        None,
        description="The suggested screening decision, for the screening desk that reads the report; "
        "null for any other reporter, since it reads the psychiatric, suicide and drug registers and the "
        "open cases of the persons named.",
    )


def invalid(errors: dict[str, str]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=422, json_dumps_params={"ensure_ascii": False})


@router.post(
    "/reports",
    auth=TokenAuth("reports:write"),
    response={201: ReportReceived, **NEEDS_TOKEN, 422: FieldErrors},
    openapi_extra=json_body(REPORT_BODY, REPORT_EXAMPLE),
)
def receive(request: HttpRequest) -> JsonResponse:
    """Receive a report; answers 201 with its `id`, and to the screening desk its suggested decision.

    Every account may report (責任通報); only staff who may read the report in the screening queue get
    the decision back: it would tell any other reporter whether a national ID is on a register.

    With an `Idempotency-Key` header the same key returns the same report (and `Idempotent-Replayed: true`).
    Bad input answers 422 with `errors`: a message per field path, e.g. `subjects[0].town`.
    """
    try:
        data = read_json(request.body)
    except BadBody as bad:
        return invalid({bad.path: bad.message})
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 200:
        return invalid({"Idempotency-Key": "at most 200 characters"})
    try:
        received = receive_report(data, by=request.user, channel=Channel.API, idempotency_key=key)
    except InvalidReport as error:
        return invalid({p.path: p.message for p in error.problems})
    report = received.report
    screens = reports_visible_to(request.user).filter(pk=report.pk).exists()
    response = JsonResponse(
        {"id": report.pk, "rule_set": report.rule_set, "decision": report.suggestion if screens else None},
        status=201,
        json_dumps_params={"ensure_ascii": False},
    )
    if not received.created:
        response["Idempotent-Replayed"] = "true"
    return response
