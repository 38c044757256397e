"""The case's course on its page: status moves, the service plan, co-workers, closure, transfer, reopening."""

from __future__ import annotations

from typing import Any

from safetynet.cases.models import Case


def panel_context(user: Any, case: Case) -> dict[str, Any]:
    """What `cases/_lifecycle.html` needs, for the case page."""
    return {}
