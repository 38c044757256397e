"""Tests for safetynet.domain.rocdate."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain import rocdate

NOV_24_110 = datetime.date(2021, 11, 24)
ROC_DATES = st.dates(min_value=datetime.date(1912, 1, 1), max_value=datetime.date(2111, 12, 31))


# --- parse: accepted forms -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "110年11月24日",
        "民國110年11月24日",
        "民國 110 年 11 月 24 日",
        "110.11.24",
        "110/11/24",
        "110-11-24",
        "民國110/11/24",
        "1101124",
    ],
)
def test_it_accepts_every_documented_form(text: str) -> None:
    assert rocdate.parse(text) == NOV_24_110


def test_it_accepts_six_digit_compact_dates_with_two_digit_years() -> None:
    assert rocdate.parse("991124") == datetime.date(2010, 11, 24)


def test_it_accepts_seven_digit_compact_dates_with_a_leading_zero_year() -> None:
    assert rocdate.parse("0991124") == datetime.date(2010, 11, 24)


@pytest.mark.parametrize("text", ["99年11月24日", "99.11.24", "99/11/24", "99-11-24", "099/11/24"])
def test_it_accepts_two_digit_years_in_separated_forms(text: str) -> None:
    assert rocdate.parse(text) == datetime.date(2010, 11, 24)


@pytest.mark.parametrize("text", ["99/1/5", "99.1.05", "99-01-5", "99年1月5日"])
def test_it_accepts_single_digit_month_and_day_in_separated_forms(text: str) -> None:
    assert rocdate.parse(text) == datetime.date(2010, 1, 5)


@pytest.mark.parametrize(
    "text",
    [
        "１１０．１１．２４",
        "１１０／１１／２４",
        "１１０－１１－２４",
        "１１０年１１月２４日",
        "１１０１１２４",
    ],
)
def test_it_accepts_full_width_digits(text: str) -> None:
    assert rocdate.parse(text) == NOV_24_110


def test_it_ignores_surrounding_whitespace() -> None:
    assert rocdate.parse(" \t110/11/24\n\u3000") == NOV_24_110


def test_it_reads_yuan_nian_as_roc_year_one() -> None:
    assert rocdate.parse("民國元年1月1日") == datetime.date(1912, 1, 1)


def test_it_accepts_leap_day_in_a_leap_year() -> None:
    assert rocdate.parse("113/02/29") == datetime.date(2024, 2, 29)


# --- parse: errors -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_it_rejects_empty_text(text: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        rocdate.parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "110/11.24",  # mixed separators
        "110/11",
        "11011",  # five digits
        "110111240",  # nine digits
        "110//11/24",
        "110年11月24",
        "0110/11/24",  # a four-digit year below 1000 is neither ROC nor AD
        "١١٠/١١/٢٤",  # Arabic-Indic digits
    ],
)
def test_it_rejects_unrecognised_formats(text: str) -> None:
    with pytest.raises(ValueError, match="not a recognised ROC date format"):
        rocdate.parse(text)


@pytest.mark.parametrize(
    "text", ["2021-11-24", "2021/11/24", "2021年11月24日", "20211124", "民國2021年11月24日"]
)
def test_it_rejects_western_years(text: str) -> None:
    with pytest.raises(
        ValueError, match=r"looks like a Western year; ROC year expected \(AD 2021 is ROC 110\)"
    ):
        rocdate.parse(text)


def test_it_explains_feb_30() -> None:
    with pytest.raises(ValueError) as excinfo:
        rocdate.parse("110/02/30")
    assert str(excinfo.value) == "110/02/30 is not a real date: February 110 has 28 days"


def test_it_explains_feb_30_in_a_leap_year() -> None:
    with pytest.raises(ValueError, match="113/02/30 is not a real date: February 113 has 29 days"):
        rocdate.parse("113/02/30")


def test_it_explains_feb_29_in_a_common_year() -> None:
    with pytest.raises(ValueError, match="February 112 has 28 days"):
        rocdate.parse("1120229")


def test_it_explains_month_13() -> None:
    with pytest.raises(ValueError, match="110.13.01 is not a real date: there is no month 13"):
        rocdate.parse("110.13.01")


def test_it_explains_month_zero() -> None:
    with pytest.raises(ValueError, match="there is no month 0"):
        rocdate.parse("110年0月1日")


@pytest.mark.parametrize(
    ("text", "days"), [("110/04/31", "April 110 has 30 days"), ("110/01/00", "January 110 has 31 days")]
)
def test_it_explains_day_out_of_range(text: str, days: str) -> None:
    with pytest.raises(ValueError, match=days):
        rocdate.parse(text)


@pytest.mark.parametrize("text", ["0/01/01", "00.01.01", "000年1月1日", "0000101", "000101"])
def test_it_rejects_year_zero(text: str) -> None:
    with pytest.raises(ValueError, match="ROC year 0 does not exist"):
        rocdate.parse(text)


def test_errors_show_the_input_after_full_width_conversion() -> None:
    with pytest.raises(ValueError, match="^110/02/30 is not a real date"):
        rocdate.parse(" １１０／０２／３０ ")


# --- format --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "expected"),
    [("long", "110年11月24日"), ("dot", "110.11.24"), ("compact", "1101124"), ("slash", "110/11/24")],
)
def test_it_formats_every_style(style: str, expected: str) -> None:
    assert rocdate.format(NOV_24_110, style) == expected


def test_it_formats_long_by_default() -> None:
    assert rocdate.format(NOV_24_110) == "110年11月24日"


@pytest.mark.parametrize(
    ("style", "expected"),
    [("long", "110年1月5日"), ("dot", "110.01.05"), ("compact", "1100105"), ("slash", "110/01/05")],
)
def test_it_zero_pads_month_and_day_except_in_long(style: str, expected: str) -> None:
    assert rocdate.format(datetime.date(2021, 1, 5), style) == expected


def test_compact_pads_two_digit_years_to_three_digits() -> None:
    assert rocdate.format(datetime.date(2010, 11, 24), "compact") == "0991124"
    assert rocdate.format(datetime.date(1912, 1, 1), "compact") == "0010101"


def test_it_rejects_unknown_styles() -> None:
    with pytest.raises(ValueError, match="unknown ROC date style 'iso'"):
        rocdate.format(NOV_24_110, "iso")


def test_it_refuses_to_format_dates_before_roc_year_one() -> None:
    with pytest.raises(ValueError, match="before ROC year 1"):
        rocdate.format(datetime.date(1911, 12, 31))


@given(ROC_DATES, st.sampled_from(rocdate.STYLES))
def test_parse_reverses_format_for_every_style(d: datetime.date, style: str) -> None:
    assert rocdate.parse(rocdate.format(d, style)) == d


@given(ROC_DATES, st.sampled_from("./-"), st.booleans(), st.data())
def test_parse_accepts_separated_forms_with_or_without_padding(
    d: datetime.date, separator: str, pad: bool, data: st.DataObject
) -> None:
    year = rocdate.to_roc_year(d)
    width = 2 if pad else 1
    text = f"{year}{separator}{d.month:0{width}d}{separator}{d.day:0{width}d}"
    text = data.draw(st.sampled_from(["", " ", "\u3000"])) + text + data.draw(st.sampled_from(["", " "]))
    assert rocdate.parse(text) == d


# --- to_roc_year / from_roc ----------------------------------------------------------


def test_to_roc_year_subtracts_1911() -> None:
    assert rocdate.to_roc_year(NOV_24_110) == 110
    assert rocdate.to_roc_year(datetime.date(1912, 1, 1)) == 1


def test_to_roc_year_rejects_dates_before_1912() -> None:
    with pytest.raises(ValueError, match="before ROC year 1"):
        rocdate.to_roc_year(datetime.date(1911, 12, 31))


def test_from_roc_builds_the_date() -> None:
    assert rocdate.from_roc(110, 11, 24) == NOV_24_110


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((110, 2, 30), "ROC 110/02/30 is not a real date: February 110 has 28 days"),
        ((110, 13, 1), "there is no month 13"),
        ((0, 1, 1), "ROC year 0 does not exist"),
        ((-5, 1, 1), "ROC year -5 does not exist"),
        ((9000, 1, 1), "beyond the supported range"),
    ],
)
def test_from_roc_explains_impossible_dates(args: tuple[int, int, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rocdate.from_roc(*args)


@given(ROC_DATES)
def test_from_roc_reverses_to_roc_year(d: datetime.date) -> None:
    assert rocdate.from_roc(rocdate.to_roc_year(d), d.month, d.day) == d
