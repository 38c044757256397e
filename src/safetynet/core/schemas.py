"""The shapes every operation of the API shares: its error bodies, named once so that the OpenAPI
document describes each answer an operation can give (checked by tests/api/test_schemathesis.py).

- 401 `{"detail": "Unauthorized"}`: no token, or one that is not usable for the operation; the body
  never says why (expired, revoked, wrong scope) nor whose it was;
- 404 `{"detail": "Not Found"}`: missing and not visible alike;
- 422 `{"errors": {field: message}}`: one message per field path of the input (`subjects[0].town`,
  `minutes`, `$` for the body as a whole).

Bodies are read through `read_json`: not JSON, nested deeper than `MAX_DEPTH`, or text that cannot be
stored is a 422 naming the field, before any operation looks at the input.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.parser import Parser
from ninja.types import DictStrAny


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


class BadBody(ValueError):
    """A request body the API does not read, with the field path at fault (`$` for the whole body)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


# No operation takes a document nested more than a few levels; a body nested 100,000 deep would
# exhaust the decoder's recursion.
MAX_DEPTH = 32
# A JSON string (its escapes skipped whole), so that brackets inside text are not counted as nesting.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def nested_deeper_than(body: bytes, limit: int) -> bool:
    """Whether the JSON text opens more than `limit` arrays or objects inside one another (counted
    without decoding it, and without recursion)."""
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub(b'""', body)):
        if bracket[0] in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def read_json(body: bytes) -> Any:
    """The request body decoded, or `BadBody` when it is not JSON, is nested deeper than `MAX_DEPTH`,
    or holds text no column can store (NUL, an unpaired surrogate) – named by its field path."""
    if nested_deeper_than(body, MAX_DEPTH):
        raise BadBody("$", f"nested deeper than {MAX_DEPTH} levels")
    try:
        data = json.loads(body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadBody("$", "the body is not JSON") from None
    if found := unstorable_at(data):
        raise BadBody(*found)
    return data


def _unstorable(text: str) -> str | None:
    if "\x00" in text:
        return "may not contain NUL characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "not valid Unicode text (an unpaired surrogate)"
    return None


def unstorable_at(value: Any, path: str = "$") -> tuple[str, str] | None:
    """The field path of the first text in a decoded JSON value that PostgreSQL cannot store in text or
    jsonb (a NUL character, an unpaired surrogate), and why; None when there is none. The API refuses
    it with the field's name instead of failing to save – or saving it only in some branches."""
    if isinstance(value, str):
        problem = _unstorable(value)
        return (path, problem) if problem else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = str(key) if path == "$" else f"{path}.{key}"
            problem = _unstorable(str(key))
            found = (inner, problem) if problem else unstorable_at(item, inner)
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = unstorable_at(item, f"{path}[{i}]")
            if found:
                return found
    return None


class JsonParser(Parser):
    """ninja's body parser for operations that declare their body: the same limits as `read_json`
    (ninja answers 400 for a body it cannot parse)."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = read_json(request.body)
        if not isinstance(data, dict):
            raise BadBody("$", "expected a JSON object")
        return data
