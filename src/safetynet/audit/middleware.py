"""Sets the request's origin (method, path, address) for the audit entries written while serving it,
writes the reads a POST made if its answer shows them, and logs every authenticated API call (the
token's account, the operation, the answer's status).

The path is stored redacted: a single-use link's token never enters the log (`safetynet.audit.redact`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from auditlog.context import auditlog_value
from django.http import HttpRequest, HttpResponse

from safetynet.audit import context
from safetynet.audit.models import Action
from safetynet.audit.redact import redact_path
from safetynet.audit.services import record, write_pending_reads

API_PREFIX = "/api/"
# An HTMX answer that sends the browser elsewhere shows nothing, like a redirect.
HTMX_REDIRECTS = ("HX-Redirect", "HX-Location")


def client_ip(request: HttpRequest) -> str | None:
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def shows_page(response: HttpResponse) -> bool:
    """Whether an answer puts something on screen: not a redirect, not an empty 204."""
    status = response.status_code
    if 300 <= status < 400 or status == 204:
        return False
    return not any(header in response.headers for header in HTMX_REDIRECTS)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = redact_path(request.path)[:300]
        origin = context.Origin(method=request.method or "", path=path, ip=client_ip(request))
        token = context.current.set(origin)
        waiting = context.pending.set([])
        through = context.opening.set(None)
        # django-auditlog sets its actor for the request and never unsets it: without this, a change made
        # after the request on the same thread (a job, a command) would be logged as that user's.
        actor = auditlog_value.set({})
        try:
            response = self.get_response(request)
            write_pending_reads(shows_page(response))
            caller = getattr(request, "auth", None)
            if request.path.startswith(API_PREFIX) and getattr(caller, "is_authenticated", False):
                # Parameter names only: a query value may be a national ID.
                names = sorted(name[:40] for name in request.GET)[:20]
                detail = {"status": response.status_code, "params": names}
                record(Action.API, user=caller, object_type="api", detail=detail)
            return response
        finally:
            auditlog_value.reset(actor)
            context.pending.reset(waiting)
            context.opening.reset(through)
            context.current.reset(token)
