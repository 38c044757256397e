"""Dates in the Republic of China (民國) calendar: ROC year = AD year - 1911."""

from __future__ import annotations

import calendar
import datetime
import re

__all__ = ["OFFSET", "STYLES", "RocDateError", "format", "from_roc", "parse", "to_roc_year"]

OFFSET = 1911
STYLES = ("long", "dot", "compact", "slash")

# Highest ROC year a datetime.date can hold (AD 9999).
_MAX_ROC_YEAR = datetime.MAXYEAR - OFFSET

# Hard-coded because calendar.month_name follows the process locale.
_MONTH_NAMES = (
    "", "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．／－", "0123456789./-")

_EXPECTED = "expected e.g. 110年11月24日, 110/11/24, 110.11.24, 110-11-24, 1101124 or 991124"

# [0-9] rather than \d so that other Unicode digits are rejected instead of half-parsed.
# Years take up to four digits here so that AD years can be recognised and named.
_PREFIX = r"(?:民國\s*)?"
_LONG_RE = re.compile(
    _PREFIX + r"(?P<y>[0-9]{1,4}|元)\s*年\s*(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})\s*日"
)
_SEPARATED_RE = re.compile(
    _PREFIX + r"(?P<y>[0-9]{1,4})(?P<sep>[./-])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
)
_COMPACT_RE = re.compile(_PREFIX + r"(?P<y>[0-9]{2,4}?)(?P<m>[0-9]{2})(?P<d>[0-9]{2})")


class RocDateError(ValueError):
    """Why a text is not an ROC date: `code` (empty, format, western_year, year, month, day) and the
    figures a translated message needs (`params`); the message itself is English, for logs and tests."""

    def __init__(self, message: str, code: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def to_roc_year(d: datetime.date) -> int:
    """ROC year of a date; ValueError before ROC year 1 (1912)."""
    year = d.year - OFFSET
    if year < 1:
        raise ValueError(f"{d.isoformat()} is before ROC year 1 (1912-01-01)")
    return year


def _check(year: int, month: int, day: int, shown: str) -> datetime.date:
    """Build the date, explaining in words why it does not exist."""
    problem: str | None = None
    code, days = "", 0
    if year < 1:
        problem, code = f"ROC year {year} does not exist; ROC years start at 1 (AD 1912)", "year"
    elif year > _MAX_ROC_YEAR:
        problem, code = f"ROC year {year} is beyond the supported range (up to {_MAX_ROC_YEAR})", "year"
    elif not 1 <= month <= 12:
        problem, code = f"there is no month {month}", "month"
    else:
        days = calendar.monthrange(year + OFFSET, month)[1]
        if not 1 <= day <= days:
            problem, code = f"{_MONTH_NAMES[month]} {year} has {days} days", "day"
    if problem is not None:
        raise RocDateError(
            f"{shown} is not a real date: {problem}", code, text=shown, year=year, month=month, days=days
        )
    return datetime.date(year + OFFSET, month, day)


def from_roc(y: int, m: int, d: int) -> datetime.date:
    """Date from ROC year, month and day."""
    return _check(y, m, d, f"ROC {y}/{m:02d}/{d:02d}")


def parse(text: str) -> datetime.date:
    """Parse an ROC date such as 110年11月24日, 110/11/24, 110.11.24 or 1101124 (元年 is year 1)."""
    cleaned = text.strip().translate(_FULL_WIDTH)
    if not cleaned:
        raise RocDateError("date text is empty", "empty")
    match = _LONG_RE.fullmatch(cleaned) or _SEPARATED_RE.fullmatch(cleaned) or _COMPACT_RE.fullmatch(cleaned)
    unrecognised = f"{cleaned!r} is not a recognised ROC date format; {_EXPECTED}"
    if match is None:
        raise RocDateError(unrecognised, "format", text=cleaned)
    year_text = match["y"]
    if len(year_text) == 4:
        ad_year = int(year_text)
        if ad_year < 1000:
            raise RocDateError(unrecognised, "format", text=cleaned)
        # A four-digit year is almost always AD typed out of habit; reading 2021 as
        # ROC 2021 (AD 3932) would silently corrupt birth dates.
        hint = f"AD {ad_year} is ROC {ad_year - OFFSET}" if ad_year > OFFSET else "ROC year = AD year - 1911"
        raise RocDateError(
            f"{cleaned} looks like a Western year; ROC year expected ({hint})",
            "western_year",
            text=cleaned,
            ad_year=ad_year,
            roc_year=ad_year - OFFSET,
        )
    year = 1 if year_text == "元" else int(year_text)
    return _check(year, int(match["m"]), int(match["d"]), cleaned)


# Shadows the builtin on purpose: callers use it as rocdate.format(d).
def format(d: datetime.date, style: str = "long") -> str:
    """Render a date: long 110年1月5日, dot 110.01.05, compact 1100105, slash 110/01/05."""
    if style not in STYLES:
        raise ValueError(f"unknown ROC date style {style!r}; expected one of {', '.join(STYLES)}")
    year = to_roc_year(d)
    if style == "long":
        return f"{year}年{d.month}月{d.day}日"
    if style == "compact":
        # Always three year digits: 991124 and 0991124 both parse, but a fixed width
        # keeps the output sortable and unambiguous for other systems.
        return f"{year:03d}{d.month:02d}{d.day:02d}"
    separator = "." if style == "dot" else "/"
    return f"{year}{separator}{d.month:02d}{separator}{d.day:02d}"
