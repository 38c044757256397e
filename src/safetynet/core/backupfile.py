"""The backup file format, version 1: a header line, then an encrypted body in authenticated chunks.

::

    SAFETYNET-BACKUP 1\\n
    {header: one line of JSON}\\n
    chunk, chunk, …         each: 1 flag byte (1 = last chunk) + 4-byte big-endian length + sealed bytes

The body (what `safetynet.core.backup` writes: gzip of JSON Lines) is cut into 1 MiB chunks, each
sealed with AES-256-GCM. The key is derived from a key of the field key ring
(``FIELD_KEYS.derive("backup")``) and then once more per file with a random salt from the header, so
the chunk counter is a safe nonce: a nonce never repeats under a key. Every chunk's associated data
binds the SHA-256 of the header lines, the chunk's index and its last-chunk flag: a changed header,
a changed, moved or dropped chunk and a file cut short are all refused, and the header is
authenticated (by opening the first chunk) before anything trusts what it says.

The header also carries two check values that reveal nothing about the keys: one tells "wrong key
ring" apart from "damaged file" before any decryption, the other that the ring's blind-index key is
the one the backup's ID indexes were computed with. This module knows nothing of the database.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import struct
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from safetynet.core.crypto import KeyRing, MissingKeyError

MAGIC = b"SAFETYNET-BACKUP"
FORMAT = 1
CHUNK_SIZE = 1024 * 1024
MAX_CHUNK_SIZE = 16 * 1024 * 1024  # a damaged length field must not make a reader allocate gigabytes
MAX_HEADER_BYTES = 1024 * 1024
PURPOSE = "backup"
SALT_BYTES = 16
TAG_BYTES = 16
_CHUNK_PREFIX = struct.Struct(">BI")  # last-chunk flag, sealed length
_REQUIRED = {
    "key_id": str,
    "key_check": str,
    "index_check": str,
    "salt": str,
    "migrations": dict,
    "counts": dict,
}


class BackupError(Exception):
    """A backup cannot be written or read: one line, naming the problem, never a key or a value."""


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...


class Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


# Keys ------------------------------------------------------------------------------------------------


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def file_key(ring_key: bytes, salt: bytes) -> bytes:
    """The key of one file, from the ring's backup key and the file's salt."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"safetynet backup 1 body")
    return hkdf.derive(ring_key)


def key_check(ring_key: bytes) -> str:
    return hmac.new(ring_key, b"safetynet backup key check", hashlib.sha256).hexdigest()[:32]


def index_check(ring: KeyRing) -> str:
    return ring.blind_index("safetynet backup", context="safetynet.core.backup")


def key_fields(ring: KeyRing) -> tuple[bytes, dict[str, str]]:
    """The active key's backup key, and the header fields that let a restore find and check it."""
    key_id, ring_key = ring.derive(PURPOSE)
    return ring_key, {"key_id": key_id, "key_check": key_check(ring_key), "index_check": index_check(ring)}


def ring_key_for(ring: KeyRing, header: dict[str, Any]) -> bytes:
    """The backup key a header names, from `ring`; a one-line `BackupError` when the ring cannot open it."""
    key_id = header["key_id"]
    try:
        ring_key = ring.derive_with(key_id, PURPOSE)
    except MissingKeyError:
        raise BackupError(
            f"the backup was encrypted with key '{key_id}', which is not in SAFETYNET_FIELD_KEYS: "
            "restore with the key ring that made it (an old key can stay in the ring after rotation)"
        ) from None
    if not hmac.compare_digest(key_check(ring_key), header["key_check"]):
        raise BackupError(
            f"wrong key ring: key '{key_id}' of SAFETYNET_FIELD_KEYS is not the key that made this backup "
            "(or its header was changed)"
        )
    if not hmac.compare_digest(index_check(ring), header["index_check"]):
        raise BackupError(
            "wrong key ring: its blind-index key 'idx' is not the one this backup's ID indexes were made "
            "with (searches by national ID would find nothing)"
        )
    return ring_key


# Header ----------------------------------------------------------------------------------------------


def header_bytes(header: dict[str, Any]) -> bytes:
    """The two header lines, exactly as written and as every chunk authenticates them."""
    line = json.dumps(header, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return MAGIC + b" %d\n" % FORMAT + line + b"\n"


def read_header(source: Readable, name: str) -> tuple[dict[str, Any], bytes]:
    """The header of a backup and its exact bytes. Not authenticated yet: see `ChunkReader.prime`."""
    first = source.readline(64)
    magic, _, version = first.rstrip(b"\n").partition(b" ")
    if magic != MAGIC or not first.endswith(b"\n"):
        raise BackupError(f"{name} is not a SafetyNet backup")
    if version != b"%d" % FORMAT:
        shown = version.decode("ascii", "replace")[:10]
        raise BackupError(f"{name} is a backup in format {shown}; this SafetyNet reads format {FORMAT}")
    line = source.readline(MAX_HEADER_BYTES)
    try:
        header = json.loads(line)
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ValueError
        if any(not isinstance(header.get(key), kind) for key, kind in _REQUIRED.items()):
            raise ValueError
        if len(bytes.fromhex(header["salt"])) != SALT_BYTES:
            raise ValueError
    except ValueError:
        raise BackupError(f"{name}: the backup header is damaged") from None
    return header, first + line


# Chunks ----------------------------------------------------------------------------------------------


def _associated_data(header_digest: bytes, index: int, last: bool) -> bytes:
    return header_digest + struct.pack(">QB", index, last)


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


class ChunkWriter:
    """A write-only binary stream that seals what it is given in chunks of `CHUNK_SIZE`.

    Which chunk is the last one is only known at `close`, so one full chunk waits until more data comes.
    """

    def __init__(self, out: Writable, key: bytes, header: bytes) -> None:
        self._out = out
        self._cipher = AESGCM(key)
        self._digest = hashlib.sha256(header).digest()
        self._buffer = bytearray()
        self._index = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK_SIZE:
            self._seal(bytes(self._buffer[:CHUNK_SIZE]), last=False)
            del self._buffer[:CHUNK_SIZE]
        return len(data)

    def flush(self) -> None:
        pass  # nothing is sealed before a chunk is full: a partial chunk cannot be flagged last yet

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self.closed = True

    def _seal(self, plain: bytes, *, last: bool) -> None:
        aad = _associated_data(self._digest, self._index, last)
        sealed = self._cipher.encrypt(_nonce(self._index), plain, aad)
        self._out.write(_CHUNK_PREFIX.pack(last, len(sealed)) + sealed)
        self._index += 1


class ChunkReader(io.RawIOBase):
    """A read-only binary stream of the plain text of a file's chunks, refusing damage where it finds it."""

    def __init__(self, source: Readable, key: bytes, header: bytes) -> None:
        super().__init__()
        self._source = source
        self._cipher = AESGCM(key)
        self._digest = hashlib.sha256(header).digest()
        self._index = 0
        self._plain = b""
        self.finished = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._plain and not self.finished:
            self._plain = self._open_next()
        size = min(len(buffer), len(self._plain))
        buffer[:size] = self._plain[:size]
        self._plain = self._plain[size:]
        return size

    def prime(self) -> None:
        """Open the first chunk now: that authenticates the header before anything trusts it."""
        if not self._plain and not self.finished:
            self._plain = self._open_next()

    def _open_next(self) -> bytes:
        part = self._index + 1
        prefix = self._source.read(_CHUNK_PREFIX.size)
        if not prefix:
            raise BackupError("the backup file is truncated: its last part is missing")
        if len(prefix) < _CHUNK_PREFIX.size:
            raise BackupError(f"the backup file is truncated in part {part}")
        flag, length = _CHUNK_PREFIX.unpack(prefix)
        if flag not in (0, 1) or not TAG_BYTES <= length <= MAX_CHUNK_SIZE + TAG_BYTES:
            raise BackupError(f"the backup file is damaged or was changed (part {part})")
        sealed = self._source.read(length)
        if len(sealed) < length:
            raise BackupError(f"the backup file is truncated in part {part}")
        try:
            plain = self._cipher.decrypt(
                _nonce(self._index), sealed, _associated_data(self._digest, self._index, bool(flag))
            )
        except InvalidTag:
            raise BackupError(
                f"the backup file is damaged or was changed after it was written (part {part} does not "
                "authenticate)"
            ) from None
        self._index += 1
        if flag:
            if self._source.read(1):
                raise BackupError("the backup file is damaged or was changed: data follows its last part")
            self.finished = True
        return plain


class HashingReader:
    """Passes reads through and hashes what went by: the file's SHA-256 without reading it twice."""

    def __init__(self, source: Readable) -> None:
        self._source = source
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1, /) -> bytes:
        return self._count(self._source.read(size))

    def readline(self, size: int = -1, /) -> bytes:
        return self._count(self._source.readline(size))

    def _count(self, data: bytes) -> bytes:
        self.sha256.update(data)
        self.size += len(data)
        return data


class HashingWriter:
    """Passes writes through and hashes them."""

    def __init__(self, out: Writable) -> None:
        self._out = out
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes, /) -> int:
        self._out.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)
