"""Downloads of case lists: logged as exports naming every person they carry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from safetynet.audit.models import Action
from safetynet.audit.services import MAX_SUBJECTS, record


@transaction.atomic
def record_case_export(user: Any, person_ids: Iterable[int | None], *, detail: dict[str, Any]) -> None:
    """One EXPORT entry per `MAX_SUBJECTS` persons of the file (one for an empty file), all or none, so
    that "who looked at this child's file?" finds the download too."""
    ids = sorted({pk for pk in person_ids if pk is not None})
    chunks = [ids[start : start + MAX_SUBJECTS] for start in range(0, len(ids), MAX_SUBJECTS)] or [[]]
    for part, chunk in enumerate(chunks, start=1):
        record(
            Action.EXPORT,
            user=user,
            object_type="cases.case",
            persons=chunk,
            detail={**detail, "part": part, "parts": len(chunks)},
        )
