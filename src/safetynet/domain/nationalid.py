"""Taiwanese national ID (國民身分證統一編號) and resident certificate numbers.

Accepted shapes, all sharing one checksum:

- citizen ID: letter, 1 (male) or 2 (female), 8 digits;
- resident certificate number (2021 format): letter, 8 (male) or 9 (female), 8 digits;
- old resident certificate (ARC) number: letter, A-D, 8 digits.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = [
    "InvalidNationalId",
    "Rule",
    "check_digit",
    "is_valid",
    "normalize",
    "sex_of",
    "validate",
]

Rule = Literal["format", "checksum"]

# Area letter codes from the Ministry of the Interior; I, O, W-Z are out of order
# because they were added after the original alphabet was assigned.
LETTER_CODES: dict[str, int] = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34,
    "J": 18, "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25,
    "S": 26, "T": 27, "U": 28, "V": 29, "W": 32, "X": 30, "Y": 31, "Z": 33,
}  # fmt: skip

# Weights for d1, d2 (the letter's two digits) and n1..n8; the check digit has weight 1.
_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1)

# [0-9] rather than \d: \d also matches Arabic-Indic and other Unicode digits.
_ID_RE = re.compile(r"[A-Z][1289A-D][0-9]{8}")
_PREFIX_RE = re.compile(r"[A-Z][1289A-D][0-9]{7}")

_MESSAGES: dict[Rule, str] = {
    "format": "national ID format: expected a letter, then 1/2/8/9 or A-D, then 8 digits",
    "checksum": "national ID checksum does not match",
}

_FULL_WIDTH = str.maketrans(
    "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ０１２３４５６７８９",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
)

# Dashes people type or paste from word processors, plus zero-width characters that
# str.isspace() does not catch but that survive copy-paste from web pages.
_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212\uff0d\u200b\u200c\u200d\u2060\ufeff")

_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


class InvalidNationalId(ValueError):
    """The text is not a valid ID; ``rule`` says which check failed."""

    def __init__(self, rule: Rule) -> None:
        # The ID itself stays out of the message: exceptions end up in logs and error
        # trackers, and an ID number is personal data.
        super().__init__(_MESSAGES[rule])
        self.rule: Rule = rule


def normalize(text: str) -> str:
    """Drop spaces and dashes, convert full-width letters and digits, uppercase."""
    kept = "".join(ch for ch in text if not ch.isspace() and ch not in _SEPARATORS)
    # ASCII-only uppercasing: str.upper() turns 'ı' into 'I' and 'ſ' into 'S', which
    # would let look-alike characters pass as a valid ID.
    return kept.translate(_FULL_WIDTH).translate(_ASCII_UPPER)


def _weighted_sum(first_nine: str) -> int:
    """Weighted sum of the letter digits and n1..n8 (everything but the check digit)."""
    code = LETTER_CODES[first_nine[0]]
    second = first_nine[1]
    # Old ARC numbers: the second letter only contributes the last digit of its code.
    n1 = LETTER_CODES[second] % 10 if second.isalpha() else int(second)
    digits = [code // 10, code % 10, n1, *(int(c) for c in first_nine[2:])]
    return sum(w * d for w, d in zip(_WEIGHTS, digits, strict=True))


def check_digit(prefix9: str) -> int:
    """Check digit for the first nine characters (letter, 1/2/8/9 or A-D, 7 digits)."""
    prefix = normalize(prefix9)
    if not _PREFIX_RE.fullmatch(prefix):
        raise ValueError("check digit prefix: expected a letter, then 1/2/8/9 or A-D, then 7 digits")
    return -_weighted_sum(prefix) % 10


def validate(text: str) -> str:
    """Return the normalised ID or raise :class:`InvalidNationalId`."""
    normalized = normalize(text)
    if not _ID_RE.fullmatch(normalized):
        raise InvalidNationalId("format")
    if (_weighted_sum(normalized[:9]) + int(normalized[9])) % 10 != 0:
        raise InvalidNationalId("checksum")
    return normalized


def is_valid(text: str) -> bool:
    """Whether the text, once normalised, is a valid ID."""
    try:
        validate(text)
    except InvalidNationalId:
        return False
    return True


def sex_of(text: str) -> str | None:
    """'M' or 'F' for a valid citizen ID or new resident number; None otherwise."""
    try:
        normalized = validate(text)
    except InvalidNationalId:
        return None
    return {"1": "M", "2": "F", "8": "M", "9": "F"}.get(normalized[1])
