"""Who the token belongs to: the smallest authenticated operation of the API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from safetynet.core.access import staff_of
from safetynet.core.schemas import NEEDS_TOKEN
from safetynet.core.tokens import TokenAuth

router = Router(tags=["account"])


class MeOut(Schema):
    username: str
    role: str | None
    unit: str | None


@router.get("/me", response={200: MeOut, **NEEDS_TOKEN}, auth=TokenAuth("read"))
def me(request: HttpRequest) -> MeOut:
    staff = staff_of(request.user)
    return MeOut(
        username=request.user.get_username(),
        role=staff.role.code if staff else None,
        unit=staff.unit.name if staff else None,
    )
