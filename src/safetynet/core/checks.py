"""`safetynet check --database default` also proves the field keys can read the stored data."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.database)
def field_keys_read_stored_data(app_configs: Any, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not databases:
        return []
    from safetynet.core.fields import check_keys

    return [Error(problem, id="safetynet.E001") for problem in check_keys()]
