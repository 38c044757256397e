"""Sets the request's origin (method, path, address) for the audit entries written while serving it,
and logs every authenticated API call (the token's account, the operation, the answer's status)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from safetynet.audit import context
from safetynet.audit.models import Action
from safetynet.audit.services import record

API_PREFIX = "/api/"


def client_ip(request: HttpRequest) -> str | None:
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        origin = context.Origin(method=request.method or "", path=request.path[:300], ip=client_ip(request))
        token = context.current.set(origin)
        try:
            response = self.get_response(request)
            caller = getattr(request, "auth", None)
            if request.path.startswith(API_PREFIX) and getattr(caller, "is_authenticated", False):
                # Parameter names only: a query value may be a national ID.
                names = sorted(name[:40] for name in request.GET)[:20]
                detail = {"status": response.status_code, "params": names}
                record(Action.API, user=caller, object_type="api", detail=detail)
            return response
        finally:
            context.current.reset(token)
