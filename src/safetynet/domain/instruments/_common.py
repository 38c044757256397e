"""What the instruments share: their data files and languages, the risk words, answer checks and the
result's dict form.

Each data file holds the zh-Hant wording (the form of record) and, under "en", an English working
translation of the same shape: every key but the ones that are not words (`NOT_WORDING`), every list as
long, and the codes, grades and points repeated as they are, so that a text cannot drift to another item.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields
from importlib import resources
from typing import Any, Literal, TypeGuard

__all__ = [
    "LANGUAGES",
    "NOT_WORDING",
    "Language",
    "Risk",
    "by_language",
    "is_whole",
    "language",
    "load",
    "result_dict",
    "shape_problems",
]

# What a result means for the case's visit plan (DOMAIN §5: visits by risk high/medium/low).
Risk = Literal["high", "medium", "low"]

# zh-Hant is the form of record (and what a stored result's label says); en is for reading.
Language = Literal["zh-Hant", "en"]
LANGUAGES: tuple[Language, ...] = ("zh-Hant", "en")

# Keys of a data file that are not words: they are read from the zh-Hant document only.
NOT_WORDING = frozenset({"version", "cutoffs", "followed_by_cv"})
# Keys that say which item a text belongs to: repeated in the English, and equal.
_SAME = frozenset({"code", "grade", "points"})


def language(code: str | None) -> Language:
    """The wording for a language code: "en", "en-us", "en_GB" → "en"; anything else (zh-hant, none) → zh-Hant."""
    return "en" if (code or "").lower().startswith("en") else "zh-Hant"


def shape_problems(zh: object, en: object, where: str = "") -> list[str]:
    """How `en` differs in shape from the zh-Hant wording `zh` (an empty list when it does not)."""
    at = where or "the document"
    if isinstance(zh, dict):
        if not isinstance(en, dict):
            return [f"{at}: an object expected"]
        wanted = set(zh) - NOT_WORDING - {"en"}
        problems = [f"{at}: {key!r} missing" for key in sorted(wanted - set(en))]
        problems += [f"{at}: {key!r} is not in the zh-Hant wording" for key in sorted(set(en) - wanted)]
        for key in sorted(wanted & set(en)):
            path = f"{where}.{key}" if where else key
            if key in _SAME:
                if en[key] != zh[key]:
                    problems.append(f"{path}: {zh[key]!r} expected, got {en[key]!r}")
            else:
                problems += shape_problems(zh[key], en[key], path)
        return problems
    if isinstance(zh, list):
        if not isinstance(en, list):
            return [f"{at}: a list expected"]
        if len(en) != len(zh):
            return [f"{at}: {len(zh)} entries expected, got {len(en)}"]
        return [
            p
            for i, (z, e) in enumerate(zip(zh, en, strict=True))
            for p in shape_problems(z, e, f"{where}[{i}]")
        ]
    if isinstance(zh, str):
        return [] if isinstance(en, str) and en.strip() else [f"{at}: a text expected, got {en!r}"]
    return [] if en == zh else [f"{at}: {zh!r} expected, got {en!r}"]


def load(name: str) -> dict[str, Any]:
    """One JSON document of `data/`, read through the package so that it works from a wheel too; its
    English ("en") must have the shape of its zh-Hant wording."""
    text = (resources.files("safetynet.domain.instruments") / "data" / name).read_text(encoding="utf-8")
    document = json.loads(text)
    if not isinstance(document, dict):
        raise ValueError(f"{name}: a JSON object expected")
    if "en" not in document:
        raise ValueError(f'{name}: the English wording ("en") is missing')
    problems = shape_problems(document, document["en"])
    if problems:
        raise ValueError(f"{name}: the English does not match the zh-Hant wording: {'; '.join(problems)}")
    return document


def _words(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _words(v) for k, v in value.items() if k not in NOT_WORDING and k != "en"}
    if isinstance(value, list):
        return [_words(v) for v in value]
    return value


def by_language(document: dict[str, Any]) -> dict[Language, dict[str, Any]]:
    """A loaded document's wording per language, each of the same shape: zh-Hant is the document without
    its English and the keys that are not words."""
    return {"zh-Hant": _words(document), "en": document["en"]}


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
