"""POST /api/v1/reports: the same JSON as `safetynet triage`, plus narrative and reporter."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router

from safetynet.core.tokens import TokenAuth
from safetynet.intake.facts import InvalidReport
from safetynet.intake.models import Channel
from safetynet.intake.services import receive_report

router = Router(tags=["reports"])


def invalid(errors: dict[str, str]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=422, json_dumps_params={"ensure_ascii": False})


@router.post("/reports", auth=TokenAuth("reports:write"), response={201: dict[str, Any], 422: dict[str, Any]})
def receive(request: HttpRequest) -> JsonResponse:
    """Receive a report; answers 201 with its `id` and the suggested screening decision.

    With an `Idempotency-Key` header the same key returns the same report (and `Idempotent-Replayed: true`).
    Bad input answers 422 with `errors`: a message per field path, e.g. `subjects[0].town`.
    """
    try:
        data = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return invalid({"$": "the body is not JSON"})
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 200:
        return invalid({"Idempotency-Key": "at most 200 characters"})
    try:
        received = receive_report(data, by=request.user, channel=Channel.API, idempotency_key=key)
    except InvalidReport as error:
        return invalid({p.path: p.message for p in error.problems})
    report = received.report
    response = JsonResponse(
        {"id": report.pk, "rule_set": report.rule_set, "decision": report.suggestion},
        status=201,
        json_dumps_params={"ensure_ascii": False},
    )
    if not received.created:
        response["Idempotent-Replayed"] = "true"
    return response
