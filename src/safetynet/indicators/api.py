"""`GET /api/v1/indicators?area=&year=`: the same list `safetynet kpi` prints as JSON."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema

from safetynet.core.access import WORKFORCE_KINDS, aggregates_visible_to, kind_of
from safetynet.core.errors import DomainError
from safetynet.core.schemas import NEEDS_TOKEN, Detail, FieldErrors
from safetynet.core.tokens import TokenAuth
from safetynet.indicators.selectors import indicators_for

router = Router(tags=["indicators"])


class IndicatorOut(Schema):
    """The first seven keys are the contract; the others (unit, period, breakdown, notes …) are extras."""

    code: str
    name: str
    numerator: float | None
    denominator: float | None
    value: float | None
    target: float | None
    met: bool | None


def _json(body: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


@router.get(
    "/indicators",
    url_name="indicators",
    auth=TokenAuth("read"),
    response={200: list[IndicatorOut], **NEEDS_TOKEN, 403: Detail, 404: Detail, 422: FieldErrors},
)
def indicators(request: HttpRequest, area: str = "", year: str = "") -> JsonResponse:
    """Every catalogue indicator for a county (`area`, e.g. 10010) and ROC `year` (e.g. 110): code,
    name, numerator, denominator, value (a fraction; null when the denominator is 0), target, met."""
    errors = {}
    if not area:
        errors["area"] = "required"
    if not year.isdigit() or len(year) > 4:
        errors["year"] = "expected a ROC year, e.g. 110"
    if errors:
        return _json({"errors": errors}, status=422)
    if kind_of(request.user) not in WORKFORCE_KINDS:
        return _json({"detail": "Forbidden"}, status=403)
    if area not in aggregates_visible_to(request.user):
        return _json({"detail": "Not Found"}, status=404)
    try:
        values = indicators_for(area, int(year))
    except DomainError as error:
        return _json({"errors": {error.field or "$": error.message}}, status=422)
    return _json([v.as_json() for v in values])
