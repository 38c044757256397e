from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from safetynet.core.access import kinds_required, reports_visible_to
from safetynet.intake.rules import current_rule_set
from safetynet.org.models import AccessKind

QUEUE_KINDS = (AccessKind.SCREENER,)


@kinds_required(*QUEUE_KINDS)
def queue(request: HttpRequest) -> HttpResponse:
    """Reports awaiting screening, the most urgent first, with the time left on the 24-hour clock."""
    now = timezone.now()
    codes = current_rule_set().codes
    reports = reports_visible_to(request.user).prefetch_related("subjects").order_by("screening_due")[:200]
    rows = []
    for report in reports:
        hours_left = (report.screening_due - now).total_seconds() / 3600
        rows.append(
            {
                "report": report,
                "hours_left": hours_left,
                "urgency": "bad" if hours_left < 0 else "warn" if hours_left < 6 else "ok",
                "source": codes.sources.get(report.source, report.source),
                "subjects": [
                    (s.get_role_display(), "、".join(codes.types.get(t, t) for t in s.types))
                    for s in report.subjects.all()
                ],
                "routes": [
                    {**route, "label": codes.routes.get(route["route"], route["route"])}
                    for route in report.suggestion.get("routes", [])
                ],
            }
        )
    return render(request, "intake/queue.html", {"rows": rows, "now": now})
