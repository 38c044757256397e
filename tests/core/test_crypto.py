"""Field encryption: round trips, tamper detection, key rotation, blind indexes and key ring errors.

Runs without Django: ``pytest tests/core/test_crypto.py -p no:django``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetynet.core.crypto import (
    DecryptionError,
    KeyRing,
    KeyRingError,
    MissingKeyError,
    generate_key,
    generate_key_ring,
)

CONTEXT = "people.Person.national_id"
OTHER_CONTEXT = "people.Person.passport_number"

K_IDX = generate_key()
K0 = generate_key()
K1 = generate_key()
K2 = generate_key()
ALL_KEYS = (K_IDX, K0, K1, K2)

RING = KeyRing.parse(f"idx:{K_IDX},k1:{K1}")

contexts = st.text(min_size=1).filter(lambda text: "\x00" not in text)
cjk_text = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def assert_no_key_material(message: str, *keys: str) -> None:
    """No key, and no 8-character run of any key, appears in ``message``."""
    for key in keys or ALL_KEYS:
        for start in range(len(key) - 7):
            assert key[start : start + 8] not in message, "error message leaks key material"


def split(token: str) -> tuple[str, str, bytes]:
    version, key_id, payload = token.split(":")
    return version, key_id, base64.urlsafe_b64decode(payload)


# --- round trip -------------------------------------------------------------------------------------------


@given(plaintext=st.text(), context=contexts)
def test_it_decrypts_what_it_encrypted_for_any_text(plaintext: str, context: str) -> None:
    assert RING.decrypt(RING.encrypt(plaintext, context=context), context=context) == plaintext


@given(plaintext=cjk_text)
def test_it_decrypts_what_it_encrypted_for_cjk_text(plaintext: str) -> None:
    assert RING.decrypt(RING.encrypt(plaintext, context=CONTEXT), context=CONTEXT) == plaintext


@pytest.mark.parametrize("plaintext", ["", "A123456789", "王小明", "陳 美玲\n", "🙂 emoji", "x" * 10_000])
def test_it_round_trips_typical_values(plaintext: str) -> None:
    assert RING.decrypt(RING.encrypt(plaintext, context=CONTEXT), context=CONTEXT) == plaintext


def test_it_writes_tokens_in_the_v1_format_with_the_active_key_id() -> None:
    token = RING.encrypt("A123456789", context=CONTEXT)
    version, key_id, payload = split(token)
    assert (version, key_id) == ("v1", "k1")
    assert len(payload) == 12 + len("A123456789") + 16
    assert re.fullmatch(r"v1:k1:[A-Za-z0-9_-]+=*", token)
    assert "A123456789" not in token


def test_it_uses_a_fresh_nonce_so_equal_plaintexts_give_different_tokens() -> None:
    tokens = {RING.encrypt("A123456789", context=CONTEXT) for _ in range(50)}
    assert len(tokens) == 50
    assert len({split(token)[2][:12] for token in tokens}) == 50


# --- integrity ----------------------------------------------------------------------------------------------


def test_it_refuses_to_decrypt_with_another_context() -> None:
    token = RING.encrypt("A123456789", context=CONTEXT)
    with pytest.raises(DecryptionError, match="another field"):
        RING.decrypt(token, context=OTHER_CONTEXT)


def test_it_detects_every_flipped_bit_position_in_the_payload() -> None:
    token = RING.encrypt("A123456789", context=CONTEXT)
    version, key_id, payload = split(token)
    for position in range(len(payload)):
        tampered = bytearray(payload)
        tampered[position] ^= 0x01
        with pytest.raises(DecryptionError):
            RING.decrypt(f"{version}:{key_id}:{b64(bytes(tampered))}", context=CONTEXT)


def test_it_detects_a_token_relabelled_with_another_key_id() -> None:
    ring = KeyRing.parse(f"idx:{K_IDX},k2:{K2},k1:{K1}")
    token = ring.encrypt("A123456789", context=CONTEXT)
    with pytest.raises(DecryptionError):
        ring.decrypt(token.replace("v1:k2:", "v1:k1:"), context=CONTEXT)


def test_it_rejects_a_non_canonical_base64_variant_of_a_valid_token() -> None:
    # 12 + 1 + 16 = 29 payload bytes -> one "=" of padding, so the last character carries 2 unused bits.
    token = RING.encrypt("x", context=CONTEXT)
    assert token.endswith("=")
    last = token[-2]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    variant = token[:-2] + alphabet[alphabet.index(last) ^ 0b01] + "="
    assert base64.urlsafe_b64decode(variant.split(":")[2]) == split(token)[2]
    with pytest.raises(DecryptionError):
        RING.decrypt(variant, context=CONTEXT)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "A123456789",
        "v2:k1:AAAA",
        "v1:k1",
        "v1::AAAA",
        "v1:bad id:AAAA",
        "v1:k1:not base64!",
        "v1:k1:AAA",
        "v1:k1:" + b64(bytes(27)),
    ],
)
def test_it_rejects_malformed_tokens(token: str) -> None:
    with pytest.raises(DecryptionError):
        RING.decrypt(token, context=CONTEXT)


def test_it_names_the_missing_key_when_a_token_was_encrypted_with_an_unknown_key() -> None:
    old_ring = KeyRing.parse(f"idx:{K_IDX},k0:{K0}")
    token = old_ring.encrypt("A123456789", context=CONTEXT)
    with pytest.raises(MissingKeyError) as excinfo:
        RING.decrypt(token, context=CONTEXT)
    assert str(excinfo.value) == "encrypted with key 'k0', which is not in SAFETYNET_FIELD_KEYS"
    assert excinfo.value.key_id == "k0"
    assert isinstance(excinfo.value, KeyRingError)
    assert_no_key_material(str(excinfo.value))


def test_it_keeps_missing_key_errors_intact_through_pickling() -> None:
    error = pickle.loads(pickle.dumps(MissingKeyError("k0")))  # noqa: S301 - our own object
    assert (error.key_id, str(error)) == (
        "k0",
        "encrypted with key 'k0', which is not in SAFETYNET_FIELD_KEYS",
    )


@pytest.mark.parametrize("context", ["", "a\x00b"])
def test_it_refuses_an_empty_context_or_one_with_nul(context: str) -> None:
    with pytest.raises(ValueError, match="context"):
        RING.encrypt("A123456789", context=context)
    with pytest.raises(ValueError, match="context"):
        RING.blind_index("A123456789", context=context)


# --- rotation -----------------------------------------------------------------------------------------------


def test_it_decrypts_old_tokens_after_a_new_active_key_is_added() -> None:
    old_token = RING.encrypt("A123456789", context=CONTEXT)
    rotated = RING.with_new_active_key("k2")
    assert rotated.active_id == "k2"
    assert rotated.key_ids == ("k2", "k1")
    assert rotated.decrypt(old_token, context=CONTEXT) == "A123456789"
    new_token = rotated.encrypt("A123456789", context=CONTEXT)
    assert split(new_token)[1] == "k2"
    assert rotated.decrypt(new_token, context=CONTEXT) == "A123456789"


def test_it_flags_only_tokens_written_with_an_old_key_for_rotation() -> None:
    old_token = RING.encrypt("A123456789", context=CONTEXT)
    rotated = RING.with_new_active_key("k2")
    assert rotated.needs_rotation(old_token) is True
    assert rotated.needs_rotation(rotated.encrypt("A123456789", context=CONTEXT)) is False
    assert RING.needs_rotation(old_token) is False


def test_it_uses_the_first_non_idx_entry_as_the_active_key_wherever_idx_is() -> None:
    ring = KeyRing.parse(f"k2:{K2}, idx:{K_IDX} ,k1:{K1}")
    assert ring.active_id == "k2"
    assert ring.key_ids == ("k2", "k1")


def test_it_survives_serializing_and_parsing_a_rotated_ring() -> None:
    old_token = RING.encrypt("A123456789", context=CONTEXT)
    rotated = RING.with_new_active_key("k2")
    reparsed = KeyRing.parse(rotated.serialize())
    assert reparsed.serialize() == rotated.serialize()
    assert reparsed.active_id == "k2"
    assert reparsed.decrypt(old_token, context=CONTEXT) == "A123456789"
    assert reparsed.decrypt(rotated.encrypt("秘密", context=CONTEXT), context=CONTEXT) == "秘密"
    assert rotated.serialize().startswith(f"idx:{K_IDX},k2:")
    assert rotated.serialize().endswith(f",k1:{K1}")


def test_it_generates_a_fresh_key_on_every_rotation() -> None:
    first, second = RING.with_new_active_key("k2"), RING.with_new_active_key("k2")
    assert first.serialize() != second.serialize()
    with pytest.raises(DecryptionError):
        second.decrypt(first.encrypt("A123456789", context=CONTEXT), context=CONTEXT)


@pytest.mark.parametrize(
    ("new_id", "message"),
    [
        ("k1", "SAFETYNET_FIELD_KEYS: key id 'k1' is already in use"),
        ("idx", "SAFETYNET_FIELD_KEYS: key id 'idx' is already in use"),
        ("k 2", "SAFETYNET_FIELD_KEYS: invalid key id (use 1-16 characters from A-Z a-z 0-9 _ -)"),
        ("", "SAFETYNET_FIELD_KEYS: invalid key id (use 1-16 characters from A-Z a-z 0-9 _ -)"),
    ],
)
def test_it_refuses_to_rotate_to_an_unusable_key_id(new_id: str, message: str) -> None:
    with pytest.raises(KeyRingError) as excinfo:
        RING.with_new_active_key(new_id)
    assert str(excinfo.value) == message


# --- derived keys -------------------------------------------------------------------------------------------


def hkdf_sha256(key: bytes, info: bytes) -> bytes:
    """RFC 5869 with an empty salt, written out: pins the derivation that old backup files depend on."""
    prk = hmac.new(b"\x00" * 32, key, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def test_it_derives_a_32_byte_key_per_purpose_from_the_active_key_with_hkdf_sha256() -> None:
    key_id, key = RING.derive("backup")
    assert key_id == "k1"
    assert key == hkdf_sha256(base64.urlsafe_b64decode(K1), b"safetynet derived key v1\x00backup")
    assert len(key) == 32
    assert KeyRing.parse(RING.serialize()).derive("backup") == (key_id, key)
    assert RING.derive("export")[1] != key
    assert key not in {base64.urlsafe_b64decode(k) for k in ALL_KEYS}


def test_it_derives_the_old_key_again_after_a_rotation() -> None:
    _old_id, old_key = RING.derive("backup")
    rotated = RING.with_new_active_key("k2")
    new_id, new_key = rotated.derive("backup")
    assert new_id == "k2"
    assert new_key != old_key
    assert rotated.derive_with("k1", "backup") == old_key


@pytest.mark.parametrize("key_id", ["k9", "idx"])
def test_it_names_a_missing_key_when_deriving_without_showing_key_material(key_id: str) -> None:
    with pytest.raises(MissingKeyError) as excinfo:
        RING.derive_with(key_id, "backup")
    assert excinfo.value.key_id == key_id
    assert_no_key_material(str(excinfo.value))


@pytest.mark.parametrize("purpose", ["", "back\x00up"])
def test_it_refuses_an_empty_purpose_or_one_with_nul(purpose: str) -> None:
    with pytest.raises(ValueError, match="purpose"):
        RING.derive(purpose)


# --- blind index --------------------------------------------------------------------------------------------


@given(value=st.text(), context=contexts)
def test_it_computes_the_same_blind_index_for_the_same_value_and_context(value: str, context: str) -> None:
    index = RING.blind_index(value, context=context)
    assert re.fullmatch(r"[0-9a-f]{32}", index)
    assert KeyRing.parse(RING.serialize()).blind_index(value, context=context) == index


def test_it_separates_blind_indexes_by_context_and_value() -> None:
    by_context = RING.blind_index("A123456789", context=CONTEXT)
    assert RING.blind_index("A123456789", context=OTHER_CONTEXT) != by_context
    assert RING.blind_index("A123456780", context=CONTEXT) != by_context
    # The NUL separator keeps (context, value) pairs from running into each other.
    assert RING.blind_index("b", context="a") != RING.blind_index("", context="ab")


def test_it_keeps_blind_indexes_stable_across_encryption_key_rotation() -> None:
    index = RING.blind_index("A123456789", context=CONTEXT)
    assert RING.with_new_active_key("k2").blind_index("A123456789", context=CONTEXT) == index


def test_it_derives_blind_indexes_from_the_idx_key_only() -> None:
    other_idx = KeyRing.parse(f"idx:{K0},k1:{K1}")
    same_idx_other_key = KeyRing.parse(f"idx:{K_IDX},k2:{K2}")
    index = RING.blind_index("A123456789", context=CONTEXT)
    assert other_idx.blind_index("A123456789", context=CONTEXT) != index
    assert same_idx_other_key.blind_index("A123456789", context=CONTEXT) == index


# --- key generation and display -----------------------------------------------------------------------------


def test_it_generates_32_byte_urlsafe_keys() -> None:
    keys = {generate_key() for _ in range(20)}
    assert len(keys) == 20
    for key in keys:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}=", key)
        assert len(base64.urlsafe_b64decode(key)) == 32


def test_it_generates_a_parseable_key_ring_with_idx_and_k1() -> None:
    text = generate_key_ring()
    assert re.fullmatch(r"idx:[A-Za-z0-9_-]{43}=,k1:[A-Za-z0-9_-]{43}=", text)
    ring = KeyRing.parse(text)
    assert ring.active_id == "k1"
    assert ring.serialize() == text
    assert generate_key_ring() != text


def test_it_accepts_keys_without_padding_and_a_trailing_newline_from_a_key_file() -> None:
    ring = KeyRing.parse(f"idx:{K_IDX.rstrip('=')},\n k1:{K1.rstrip('=')}\n")
    assert ring.serialize() == RING.serialize()


def test_it_never_shows_key_material_in_its_repr() -> None:
    ring = KeyRing.parse(f"idx:{K_IDX},k2:{K2},k1:{K1}")
    assert repr(ring) == "<KeyRing active='k2' keys=['k2', 'k1'] index='idx'>"
    assert_no_key_material(repr(ring))


# --- key ring errors ----------------------------------------------------------------------------------------

SHORT = b64(bytes(range(16)))
STANDARD_ALPHABET = base64.standard_b64encode(b"\xfb\xff" * 16).decode("ascii")  # contains "+" and "/"
PREFIX = "SAFETYNET_FIELD_KEYS: "


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "", "SAFETYNET_FIELD_KEYS is empty (expected comma-separated ID:BASE64KEY entries)", id="empty"
        ),
        pytest.param(
            " \n", "SAFETYNET_FIELD_KEYS is empty (expected comma-separated ID:BASE64KEY entries)", id="blank"
        ),
        pytest.param(f"idx:{K_IDX},{K1}", PREFIX + "entry 2 is not ID:BASE64KEY", id="key-without-id"),
        pytest.param(f"idx:{K_IDX},:{K1}", PREFIX + "entry 2 is not ID:BASE64KEY", id="empty-id"),
        pytest.param(f"idx:{K_IDX},k1:", PREFIX + "entry 2 is not ID:BASE64KEY", id="empty-key"),
        pytest.param(f"idx:{K_IDX},k1:{K1},", PREFIX + "entry 3 is not ID:BASE64KEY", id="trailing-comma"),
        pytest.param(
            f"idx:{K_IDX},{K1}:k1",
            PREFIX + "entry 2 has an invalid key id (use 1-16 characters from A-Z a-z 0-9 _ -)",
            id="swapped-id-and-key",
        ),
        pytest.param(
            f"idx:{K_IDX},key_id_is_17chars:{K1}",
            PREFIX + "entry 2 has an invalid key id (use 1-16 characters from A-Z a-z 0-9 _ -)",
            id="id-too-long",
        ),
        pytest.param(
            f"k.1:{K1},idx:{K_IDX}",
            PREFIX + "entry 1 has an invalid key id (use 1-16 characters from A-Z a-z 0-9 _ -)",
            id="id-with-dot",
        ),
        pytest.param(
            f"idx:{K_IDX},k1:{STANDARD_ALPHABET}",
            PREFIX + "key 'k1' is not urlsafe base64",
            id="standard-alphabet",
        ),
        pytest.param(f"idx:{K_IDX},k1:{K1[:-3]}!!=", PREFIX + "key 'k1' is not urlsafe base64", id="garbage"),
        pytest.param(
            f"idx:{K_IDX},k1:{K1}:extra", PREFIX + "key 'k1' is not urlsafe base64", id="extra-colon"
        ),
        pytest.param(
            f"idx:{K_IDX},k1:{K1[:-1]}===", PREFIX + "key 'k1' is not urlsafe base64", id="bad-padding"
        ),
        pytest.param(
            f"idx:{K_IDX},k1:{SHORT}", PREFIX + "key 'k1' must be 32 bytes (got 16)", id="short-key"
        ),
        pytest.param(f"idx:{SHORT},k1:{K1}", PREFIX + "key 'idx' must be 32 bytes (got 16)", id="short-idx"),
        pytest.param(
            f"idx:{K_IDX},k1:{b64(bytes(48))}",
            PREFIX + "key 'k1' must be 32 bytes (got 48)",
            id="long-key",
        ),
        pytest.param(f"k1:{K1},k0:{K0}", PREFIX + "no 'idx' entry for the blind index", id="no-idx"),
        pytest.param(f"idx:{K_IDX}", PREFIX + "no encryption key (an entry other than 'idx')", id="only-idx"),
        pytest.param(
            f"idx:{K_IDX},k1:{K1},k1:{K2}",
            PREFIX + "key id 'k1' appears more than once",
            id="duplicate-id",
        ),
        pytest.param(
            f"idx:{K_IDX},k1:{K1},idx:{K2}",
            PREFIX + "key id 'idx' appears more than once",
            id="duplicate-idx",
        ),
        pytest.param(
            f"idx:{K_IDX},k1:{K1},k2:{K_IDX}",
            PREFIX + "key 'k2' reuses the 'idx' key; every entry needs its own key",
            id="idx-key-reused",
        ),
    ],
)
def test_it_explains_each_key_ring_problem_in_one_line_without_key_material(text: str, message: str) -> None:
    with pytest.raises(KeyRingError) as excinfo:
        KeyRing.parse(text)
    assert str(excinfo.value) == message
    assert "\n" not in str(excinfo.value)
    assert_no_key_material(str(excinfo.value), *ALL_KEYS, SHORT, STANDARD_ALPHABET)
    assert excinfo.value.__cause__ is None


def test_it_validates_keys_passed_to_the_constructor_too() -> None:
    key = base64.urlsafe_b64decode(K1)
    with pytest.raises(KeyRingError, match=r"^SAFETYNET_FIELD_KEYS: key 'k1' must be 32 bytes \(got 3\)$"):
        KeyRing([("k1", b"abc")], key)
    with pytest.raises(KeyRingError, match=r"^SAFETYNET_FIELD_KEYS: 'idx' is reserved for the blind index$"):
        KeyRing([("idx", key)], base64.urlsafe_b64decode(K_IDX))
    with pytest.raises(KeyRingError, match=r"^SAFETYNET_FIELD_KEYS: no encryption key"):
        KeyRing([], key)


def test_the_lasting_key_survives_a_rotation_and_differs_by_purpose() -> None:
    ring = KeyRing.parse(generate_key_ring())
    rotated = ring.with_new_active_key("k2")
    assert rotated.derive_lasting("audit") == ring.derive_lasting("audit")
    assert ring.derive_lasting("audit") != ring.derive_lasting("other")
    assert len(ring.derive_lasting("audit")) == 32
    assert ring.derive_lasting("audit") != ring.derive("audit")[1]
