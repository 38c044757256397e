"""The shapes every operation of the API shares: its error bodies, named once so that the OpenAPI
document describes each answer an operation can give (checked by tests/api/test_schemathesis.py).

- 401 `{"detail": "Unauthorized"}`: no token, or one that is not usable for the operation; the body
  never says why (expired, revoked, wrong scope) nor whose it was;
- 404 `{"detail": "Not Found"}`: missing and not visible alike;
- 422 `{"errors": {field: message}}`: one message per field path of the input (`subjects[0].town`,
  `minutes`, `$` for the body as a whole).
"""

from __future__ import annotations

from typing import Any

from ninja import Schema


class Detail(Schema):
    detail: str


class FieldErrors(Schema):
    errors: dict[str, str]


# Merged into an operation's `response=`: `{200: CaseOut, **NEEDS_TOKEN, 404: Detail}`.
NEEDS_TOKEN: dict[int, Any] = {401: Detail}


def json_body(schema: dict[str, Any], example: dict[str, Any] | None = None) -> dict[str, Any]:
    """`openapi_extra` for an operation that reads its JSON body itself (so that a bad body answers
    the API's 422 with a message per field rather than ninja's own): documents the body it expects."""
    media: dict[str, Any] = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"requestBody": {"required": True, "content": {"application/json": media}}}


def nul_at(value: Any, path: str = "$") -> str | None:
    """The field path of the first NUL character in a decoded JSON value, if any: PostgreSQL stores
    none in text or jsonb, so the API refuses it with the field's name instead of failing to save."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = str(key) if path == "$" else f"{path}.{key}"
            found = inner if "\x00" in str(key) else nul_at(item, inner)
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = nul_at(item, f"{path}[{i}]")
            if found:
                return found
    return None
