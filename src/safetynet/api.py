"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json); each app adds its router."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import ValidationError

from safetynet.cases.api import router as cases_router
from safetynet.core.api import router as core_router
from safetynet.core.schemas import JsonParser
from safetynet.geo.api import router as geo_router
from safetynet.indicators.api import router as indicators_router
from safetynet.intake.api import router as intake_router
from safetynet.referrals.api import router as referrals_router

# The OpenAPI document and its page are read with GET (and HEAD) only, as every page is.
api = NinjaAPI(
    title="SafetyNet API",
    version="1",
    urls_namespace="api",
    docs_decorator=require_safe,
    parser=JsonParser(),
)
api.add_router("/", core_router)
api.add_router("/geo/", geo_router)
api.add_router("/", intake_router)
api.add_router("/", cases_router)
api.add_router("/", referrals_router)
api.add_router("/", indicators_router)


@api.exception_handler(ValidationError)
def field_errors(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """What ninja itself refuses (a case key that is not a number) answers as the API's own bad input
    does: 422 with a message per field, `{"errors": {"pk": "…"}}`."""
    errors: dict[str, str] = {}
    for error in exc.errors:
        path = ".".join(str(part) for part in error.get("loc", ())[1:]) or "$"  # not "path"/"query"
        errors.setdefault(path, str(error.get("msg", "invalid")))
    return api.create_response(request, {"errors": errors}, status=422)
