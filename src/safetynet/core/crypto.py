"""Field-level encryption and blind indexes for sensitive identifiers.

SafetyNet stores national IDs of abused children, victims and psychiatric patients. Those values are
encrypted column by column with AES-256-GCM before they reach the database, and an HMAC "blind index"
is stored next to them so that exact-match search still works without decrypting every row.

Key ring
--------
The key ring comes from the ``SAFETYNET_FIELD_KEYS`` environment variable (or, in development, a key
file with the same content)::

    idx:<base64>,k2:<base64>,k1:<base64>

* Every entry is ``ID:BASE64KEY``; the key is 32 random bytes in urlsafe base64 (see :func:`generate_key`).
  Key ids are 1-16 characters from ``A-Z a-z 0-9 _ -``.
* The entry ``idx`` keys the blind index. It never rotates: changing it would orphan every stored index.
* Among the other entries the first one is the active encryption key; the rest are only used to decrypt
  values written before a rotation. To rotate, put a new key first, re-encrypt the rows for which
  :meth:`KeyRing.needs_rotation` is true, then drop the old key.

Token format
------------
``v1:<key id>:<urlsafe base64 of 12-byte nonce + ciphertext + 16-byte tag>``

The ``context`` (for example ``"people.Person.national_id"``) is bound to the ciphertext as associated
data, so a value copied into another column fails to decrypt instead of silently leaking across fields.

Derived keys
------------
Other encrypted artefacts (the backup file) use keys derived from an encryption key with HKDF-SHA256
and a purpose string (:meth:`KeyRing.derive`), so no raw field key is ever used for two jobs and the
key ring stays the one secret an operator keeps.

Nothing in this module ever puts key material in an exception message or a ``repr``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "ENV_VAR",
    "INDEX_KEY_ID",
    "DecryptionError",
    "KeyRing",
    "KeyRingError",
    "MissingKeyError",
    "generate_key",
    "generate_key_ring",
]

ENV_VAR = "SAFETYNET_FIELD_KEYS"
INDEX_KEY_ID = "idx"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
BLIND_INDEX_HEX_CHARS = 32

_FORMAT_VERSION = "v1"
_DERIVE_INFO_PREFIX = b"safetynet derived key v1\x00"
_KEY_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,16}")
_URLSAFE_B64_RE = re.compile(r"[A-Za-z0-9_-]*={0,2}")
_KEY_ID_RULE = "1-16 characters from A-Z a-z 0-9 _ -"


class KeyRingError(ValueError):
    """The key ring is unusable (bad configuration). Messages are one line and never contain key material."""


class MissingKeyError(KeyRingError):
    """A value was encrypted with a key id that is not (or no longer) in the key ring."""

    def __init__(self, key_id: str) -> None:
        self.key_id = key_id
        super().__init__(f"encrypted with key '{key_id}', which is not in {ENV_VAR}")

    def __reduce__(self) -> tuple[type[MissingKeyError], tuple[str]]:
        return (type(self), (self.key_id,))


class DecryptionError(ValueError):
    """A token is malformed, was tampered with, or belongs to another context."""


def generate_key() -> str:
    """Return a fresh 32-byte key in urlsafe base64 (44 characters, padded)."""
    return _b64encode(os.urandom(KEY_BYTES))


def generate_key_ring() -> str:
    """Return the text of a fresh key ring with a blind-index key ``idx`` and an encryption key ``k1``."""
    return f"{INDEX_KEY_ID}:{generate_key()},k1:{generate_key()}"


class KeyRing:
    """An immutable set of field keys: one blind-index key and one or more encryption keys."""

    __slots__ = ("_ciphers", "_index_key", "_keys")

    _index_key: bytes
    _keys: dict[str, bytes]
    _ciphers: dict[str, AESGCM]

    def __init__(self, encryption_keys: Iterable[tuple[str, bytes]], index_key: bytes) -> None:
        """Build a ring from ``(key id, key)`` pairs, the first being active, and the blind-index key."""
        keys: dict[str, bytes] = {}
        for key_id, key in encryption_keys:
            _check_key_id(key_id)
            if key_id == INDEX_KEY_ID:
                raise KeyRingError(f"{ENV_VAR}: '{INDEX_KEY_ID}' is reserved for the blind index")
            if key_id in keys:
                raise KeyRingError(f"{ENV_VAR}: key id '{key_id}' appears more than once")
            _check_key_length(key_id, key)
            keys[key_id] = bytes(key)
        if not keys:
            raise KeyRingError(f"{ENV_VAR}: no encryption key (an entry other than '{INDEX_KEY_ID}')")
        _check_key_length(INDEX_KEY_ID, index_key)
        for key_id, key in keys.items():
            if hmac.compare_digest(key, index_key):
                message = f"key '{key_id}' reuses the '{INDEX_KEY_ID}' key; every entry needs its own key"
                raise KeyRingError(f"{ENV_VAR}: {message}")
        self._keys = keys
        self._index_key = bytes(index_key)
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}

    @classmethod
    def parse(cls, text: str) -> KeyRing:
        """Parse ``ID:BASE64KEY,ID:BASE64KEY,...`` (whitespace around entries is ignored)."""
        stripped = text.strip()
        if not stripped:
            raise KeyRingError(f"{ENV_VAR} is empty (expected comma-separated ID:BASE64KEY entries)")
        index_key: bytes | None = None
        encryption_keys: list[tuple[str, bytes]] = []
        seen: set[str] = set()
        for number, entry in enumerate(stripped.split(","), start=1):
            raw_id, separator, encoded = entry.partition(":")
            key_id, encoded = raw_id.strip(), encoded.strip()
            if not separator or not key_id or not encoded:
                raise KeyRingError(f"{ENV_VAR}: entry {number} is not ID:BASE64KEY")
            if not _KEY_ID_RE.fullmatch(key_id):
                # The bad id is not echoed: it may be key material pasted in the wrong place.
                raise KeyRingError(f"{ENV_VAR}: entry {number} has an invalid key id (use {_KEY_ID_RULE})")
            if key_id in seen:
                raise KeyRingError(f"{ENV_VAR}: key id '{key_id}' appears more than once")
            seen.add(key_id)
            key = _decode_key(key_id, encoded)
            if key_id == INDEX_KEY_ID:
                index_key = key
            else:
                encryption_keys.append((key_id, key))
        if index_key is None:
            raise KeyRingError(f"{ENV_VAR}: no '{INDEX_KEY_ID}' entry for the blind index")
        return cls(encryption_keys, index_key)

    @property
    def active_id(self) -> str:
        """The id of the key that new values are encrypted with."""
        return next(iter(self._keys))

    @property
    def key_ids(self) -> tuple[str, ...]:
        """Encryption key ids, active first (the blind-index key is not included)."""
        return tuple(self._keys)

    def encrypt(self, plaintext: str, *, context: str) -> str:
        """Encrypt ``plaintext`` with the active key, bound to ``context``; every call uses a fresh nonce."""
        aad = _context_bytes(context)
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.active_id].encrypt(nonce, plaintext.encode("utf-8"), aad)
        return f"{_FORMAT_VERSION}:{self.active_id}:{_b64encode(nonce + sealed)}"

    def decrypt(self, token: str, *, context: str) -> str:
        """Decrypt a token made by :meth:`encrypt` with the same ``context``.

        Raises :class:`MissingKeyError` if the token's key is not in the ring and :class:`DecryptionError`
        if the token is malformed, tampered with, or was encrypted for another context.
        """
        aad = _context_bytes(context)
        key_id, payload = _split_token(token)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise MissingKeyError(key_id)
        nonce, sealed = payload[:NONCE_BYTES], payload[NONCE_BYTES:]
        try:
            plaintext = cipher.decrypt(nonce, sealed, aad)
        except InvalidTag:
            raise DecryptionError(
                f"cannot decrypt value for {context!r} with key {key_id!r}: a different key under that id "
                "(a replaced key file?), tampered data, or a value from another field"
            ) from None
        return plaintext.decode("utf-8")

    def blind_index(self, value: str, *, context: str) -> str:
        """Deterministic keyed index of ``value`` for exact-match search: 32 hex chars of HMAC-SHA256.

        The same value gives different indexes in different contexts. Normalise the value (case, spaces)
        before calling, the same way when storing and when searching.
        """
        message = _context_bytes(context) + b"\x00" + value.encode("utf-8")
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()[:BLIND_INDEX_HEX_CHARS]

    def derive(self, purpose: str) -> tuple[str, bytes]:
        """The active key id and a 32-byte key derived from the active key for ``purpose``.

        HKDF-SHA256 with the purpose as info: the same key and purpose always give the same bytes (so
        a file made today can be opened later with :meth:`derive_with`), different purposes give
        unrelated keys, and the field key itself never leaves the ring.
        """
        return self.active_id, self.derive_with(self.active_id, purpose)

    def derive_with(self, key_id: str, purpose: str) -> bytes:
        """The key :meth:`derive` gave for ``purpose`` when ``key_id`` was active.

        Raises :class:`MissingKeyError` when ``key_id`` is not (or no longer) an encryption key of the ring.
        """
        key = self._keys.get(key_id)
        if key is None:
            raise MissingKeyError(key_id)
        hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=_purpose_bytes(purpose))
        return hkdf.derive(key)

    def derive_lasting(self, purpose: str) -> bytes:
        """A 32-byte key for ``purpose`` derived from the blind-index key, which never rotates: for what
        must stay checkable for as long as the data lives (the access log's chain)."""
        hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=_purpose_bytes(purpose))
        return hkdf.derive(self._index_key)

    def needs_rotation(self, token: str) -> bool:
        """True when ``token`` was encrypted with a key other than the active one."""
        key_id, _payload = _split_token(token)
        return key_id != self.active_id

    def serialize(self) -> str:
        """The ring as ``SAFETYNET_FIELD_KEYS`` text (``idx`` first, then encryption keys, active first)."""
        entries = [f"{INDEX_KEY_ID}:{_b64encode(self._index_key)}"]
        entries.extend(f"{key_id}:{_b64encode(key)}" for key_id, key in self._keys.items())
        return ",".join(entries)

    def with_new_active_key(self, new_id: str) -> KeyRing:
        """A new ring whose active key is a freshly generated ``new_id``; existing keys still decrypt."""
        _check_key_id(new_id)
        if new_id == INDEX_KEY_ID or new_id in self._keys:
            raise KeyRingError(f"{ENV_VAR}: key id '{new_id}' is already in use")
        return KeyRing([(new_id, os.urandom(KEY_BYTES)), *self._keys.items()], self._index_key)

    def __repr__(self) -> str:
        return f"<KeyRing active={self.active_id!r} keys={list(self._keys)!r} index={INDEX_KEY_ID!r}>"


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _check_key_id(key_id: str) -> None:
    if not _KEY_ID_RE.fullmatch(key_id):
        raise KeyRingError(f"{ENV_VAR}: invalid key id (use {_KEY_ID_RULE})")


def _check_key_length(key_id: str, key: bytes) -> None:
    if len(key) != KEY_BYTES:
        raise KeyRingError(f"{ENV_VAR}: key '{key_id}' must be {KEY_BYTES} bytes (got {len(key)})")


def _decode_key(key_id: str, encoded: str) -> bytes:
    unpadded = encoded.rstrip("=")
    if not _URLSAFE_B64_RE.fullmatch(encoded) or len(unpadded) % 4 == 1:
        raise KeyRingError(f"{ENV_VAR}: key '{key_id}' is not urlsafe base64")
    try:
        key = base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    except (binascii.Error, ValueError):
        raise KeyRingError(f"{ENV_VAR}: key '{key_id}' is not urlsafe base64") from None
    _check_key_length(key_id, key)
    return key


def _context_bytes(context: str) -> bytes:
    if not context or "\x00" in context:
        raise ValueError("context must be a non-empty string without NUL characters")
    return context.encode("utf-8")


def _purpose_bytes(purpose: str) -> bytes:
    if not purpose or "\x00" in purpose:
        raise ValueError("purpose must be a non-empty string without NUL characters")
    return _DERIVE_INFO_PREFIX + purpose.encode("utf-8")


def _split_token(token: str) -> tuple[str, bytes]:
    """Split a token into its key id and decoded payload, accepting only the canonical encoding."""
    version, _, rest = token.partition(":")
    key_id, separator, encoded = rest.partition(":")
    if version != _FORMAT_VERSION or not separator or not _KEY_ID_RE.fullmatch(key_id):
        raise DecryptionError(f"not a {_FORMAT_VERSION} encrypted value")
    if not _URLSAFE_B64_RE.fullmatch(encoded) or len(encoded) % 4:
        raise DecryptionError("encrypted value is not urlsafe base64")
    try:
        payload = base64.urlsafe_b64decode(encoded)
    except (binascii.Error, ValueError):
        raise DecryptionError("encrypted value is not urlsafe base64") from None
    # Reject non-canonical encodings so that a modified token string never decrypts.
    if _b64encode(payload) != encoded or len(payload) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("encrypted value is truncated or malformed")
    return key_id, payload
