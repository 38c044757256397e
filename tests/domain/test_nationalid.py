"""Tests for safetynet.domain.nationalid."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain import nationalid
from safetynet.domain.nationalid import (
    InvalidNationalId,
    check_digit,
    is_valid,
    normalize,
    sex_of,
    validate,
)

LETTERS = st.sampled_from(string.ascii_uppercase)
SEVEN_DIGITS = st.text(alphabet=string.digits, min_size=7, max_size=7)

# Weight of each character position of the ID in the checksum (the letter is not a digit).
POSITION_WEIGHTS = {1: 8, 2: 7, 3: 6, 4: 5, 5: 4, 6: 3, 7: 2, 8: 1, 9: 1}


def make_id(letter: str, second: str, digits: str) -> str:
    prefix = letter + second + digits
    return prefix + str(check_digit(prefix))


@st.composite
def valid_ids(draw: st.DrawFn, seconds: str = "1289") -> str:
    return make_id(draw(LETTERS), draw(st.sampled_from(seconds)), draw(SEVEN_DIGITS))


# --- normalize -----------------------------------------------------------------------


def test_it_uppercases_lowercase_letters() -> None:
    assert normalize("a123456789") == "A123456789"


def test_it_strips_surrounding_whitespace_including_full_width_space() -> None:
    assert normalize("\u3000 A123456789\t\n") == "A123456789"


def test_it_removes_inner_spaces_and_hyphens() -> None:
    assert normalize("A 123-456 789") == "A123456789"
    assert normalize("A１２３－４５６\u3000７８９") == "A123456789"


def test_it_converts_full_width_letters_and_digits() -> None:
    assert normalize("Ａ１２３４５６７８９") == "A123456789"
    assert normalize("ａ１２３４５６７８９") == "A123456789"


def test_it_does_not_turn_look_alike_letters_into_ascii() -> None:
    # 'ı'.upper() == 'I' and 'ſ'.upper() == 'S' in Python; they must not validate.
    assert normalize("ı100000000") == "ı100000000"
    assert not is_valid("ſ100000000")


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(st.text(alphabet=st.sampled_from("Aaａ Ｚｚz1１- \u3000\t－\u200bı")))
def test_normalize_is_idempotent_on_tricky_characters(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(valid_ids(seconds="1289ABCD"), st.data())
def test_it_accepts_a_valid_id_however_it_is_typed(national_id: str, data: st.DataObject) -> None:
    typed = ""
    for ch in national_id:
        variants = [ch, ch.lower(), chr(ord(ch) + 0xFEE0)]  # 0xFEE0 shifts ASCII to full width
        typed += data.draw(st.sampled_from(variants)) + data.draw(st.sampled_from(["", " ", "-", "\u3000"]))
    assert validate(typed) == national_id


# --- is_valid / validate -------------------------------------------------------------


@pytest.mark.parametrize("national_id", ["A123456789", "A800000014", "AA00000009"])
def test_it_accepts_known_valid_ids(national_id: str) -> None:
    assert is_valid(national_id)
    assert validate(national_id) == national_id


def test_it_accepts_a_citizen_id_typed_in_lowercase_with_spaces() -> None:
    assert validate(" a 123 456 789 ") == "A123456789"


@pytest.mark.parametrize("national_id", ["A123456788", "A800000015", "B123456789", "AA00000008"])
def test_it_rejects_a_wrong_check_digit(national_id: str) -> None:
    assert not is_valid(national_id)
    with pytest.raises(InvalidNationalId, match="checksum does not match") as excinfo:
        validate(national_id)
    assert excinfo.value.rule == "checksum"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "A12345678",  # too short
        "A1234567890",  # too long
        "1123456789",  # no letter
        "A323456789",  # second digit not 1/2/8/9
        "A023456789",
        "AE23456789",  # second letter beyond D
        "AB2345678X",
        "A١٢٣٤٥٦٧٨٩",  # Arabic-Indic digits are digits to \d but not to us
        "A12345678９x",
    ],
)
def test_it_rejects_a_malformed_id_with_the_format_rule(text: str) -> None:
    assert not is_valid(text)
    with pytest.raises(InvalidNationalId, match="national ID format") as excinfo:
        validate(text)
    assert excinfo.value.rule == "format"


def test_the_error_is_a_value_error_and_does_not_leak_the_id() -> None:
    with pytest.raises(ValueError, match="checksum") as excinfo:
        validate("A123456788")
    assert "A123456788" not in str(excinfo.value)


def test_the_format_message_names_the_expected_shape() -> None:
    with pytest.raises(InvalidNationalId) as excinfo:
        validate("nonsense")
    assert str(excinfo.value) == "national ID format: expected a letter, then 1/2/8/9 or A-D, then 8 digits"


# --- check_digit ---------------------------------------------------------------------


def test_check_digit_matches_known_ids() -> None:
    assert check_digit("A12345678") == 9
    assert check_digit("A80000001") == 4


def test_check_digit_maps_the_old_arc_second_letter_to_the_last_digit_of_its_code() -> None:
    # A=10, so AA... reads as d1=1, d2=0, n1=0; C=12 gives n1=2, the same as a citizen '2'.
    assert check_digit("AA0000000") == 9
    assert check_digit("AC1234567") == check_digit("A21234567")


@pytest.mark.parametrize("prefix", ["", "A1234567", "A123456789", "A31234567", "112345678", "AE1234567"])
def test_check_digit_rejects_a_malformed_prefix(prefix: str) -> None:
    with pytest.raises(ValueError, match="check digit prefix"):
        check_digit(prefix)


@given(valid_ids(seconds="12"))
def test_every_generated_citizen_id_is_valid(national_id: str) -> None:
    assert is_valid(national_id)


@given(valid_ids(seconds="89"))
def test_every_generated_new_resident_number_is_valid(national_id: str) -> None:
    assert is_valid(national_id)


@given(valid_ids(seconds="ABCD"))
def test_every_generated_old_arc_number_is_valid_until_its_check_digit_changes(national_id: str) -> None:
    assert is_valid(national_id)
    for other in "0123456789".replace(national_id[-1], ""):
        assert not is_valid(national_id[:-1] + other)


@given(valid_ids(seconds="1289ABCD"), st.integers(min_value=1, max_value=9), st.sampled_from(string.digits))
def test_changing_one_digit_is_caught_unless_the_checksum_is_blind_to_it(
    national_id: str, position: int, new_digit: str
) -> None:
    old = national_id[position]
    if not old.isdigit() or old == new_digit:
        return
    mutated = national_id[:position] + new_digit + national_id[position + 1 :]
    # Weights sharing a factor with 10 miss some changes: even weights (8, 6, 4, 2) miss a
    # change of 5 and weight 5 misses any even change. Weights 7, 3 and 1 catch everything.
    blind = POSITION_WEIGHTS[position] * (int(new_digit) - int(old)) % 10 == 0
    format_ok = position != 1 or new_digit in "1289"
    assert is_valid(mutated) == (format_ok and blind)


@given(valid_ids(seconds="1289ABCD"), st.sampled_from([2, 6, 8, 9]), st.integers(min_value=1, max_value=9))
def test_changing_a_digit_whose_weight_is_coprime_to_ten_always_makes_it_invalid(
    national_id: str, position: int, delta: int
) -> None:
    digit = str((int(national_id[position]) + delta) % 10)
    assert not is_valid(national_id[:position] + digit + national_id[position + 1 :])


def test_the_checksum_cannot_see_a_change_of_five_at_an_even_weight() -> None:
    # Weakness of the official algorithm: n3 has weight 6 and 6 * 5 = 30.
    assert is_valid("A123456789")
    assert is_valid("A128456789")


def test_the_checksum_cannot_see_an_even_change_at_weight_five() -> None:
    # n4 has weight 5 and 5 * 2 = 10, so 4 -> 6 keeps the sum unchanged mod 10.
    assert is_valid("A123656789")


# --- sex_of --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("national_id", "sex"),
    [("A123456789", "M"), ("A800000014", "M"), (make_id("A", "2", "0000000"), "F")],
)
def test_sex_of_reads_the_second_character(national_id: str, sex: str) -> None:
    assert sex_of(national_id) == sex


def test_sex_of_a_new_resident_number_with_9_is_female() -> None:
    assert sex_of(make_id("F", "9", "1234567")) == "F"


def test_sex_of_accepts_typing_variants() -> None:
    assert sex_of("a 123 456 789") == "M"


@pytest.mark.parametrize("text", ["AA00000009", "A123456788", "", "nonsense"])
def test_sex_of_is_none_for_old_arc_and_invalid_ids(text: str) -> None:
    assert sex_of(text) is None


def test_the_letter_table_covers_the_alphabet_with_distinct_codes() -> None:
    assert sorted(nationalid.LETTER_CODES) == list(string.ascii_uppercase)
    assert sorted(nationalid.LETTER_CODES.values()) == list(range(10, 36))
