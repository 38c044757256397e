"""What the instruments share: their data files, the risk words, answer checks and the result's dict form."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields
from importlib import resources
from typing import Any, Literal, TypeGuard

__all__ = ["Risk", "is_whole", "load", "result_dict"]

# What a result means for the case's visit plan (DOMAIN §5: visits by risk high/medium/low).
Risk = Literal["high", "medium", "low"]


def load(name: str) -> dict[str, Any]:
    """One JSON document of `data/`, read through the package so that it works from a wheel too."""
    text = (resources.files("safetynet.domain.instruments") / "data" / name).read_text(encoding="utf-8")
    document = json.loads(text)
    if not isinstance(document, dict):
        raise ValueError(f"{name}: a JSON object expected")
    return document


def is_whole(value: object) -> TypeGuard[int]:
    """An int answer; a bool is an int to Python but never an answer on a scale."""
    return isinstance(value, int) and not isinstance(value, bool)


def _plain(value: object) -> object:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def result_dict(result: Any, instrument: str) -> dict[str, Any]:
    """A result dataclass as plain JSON types, named by its instrument so that a stored score says what it is."""
    return {"instrument": instrument} | {f.name: _plain(getattr(result, f.name)) for f in fields(result)}
