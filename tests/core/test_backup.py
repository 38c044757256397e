"""`safetynet backup` and `safetynet restore`: a round trip on the demo county, and every way a file
or a key ring can be wrong — each refused in one line, with the database left as it was.

The tests run inside a transaction: the restore's own transaction becomes a savepoint.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from safetynet.audit.models import Action, AuditEntry, ChainHead
from safetynet.audit.services import verify_chain
from safetynet.cases.models import Case, ClosureReason
from safetynet.cases.services import request_closure
from safetynet.core import backup as backup_module
from safetynet.core import backupfile
from safetynet.core.backup import backed_up_models
from safetynet.core.crypto import KeyRing, generate_key, generate_key_ring
from safetynet.domain import nationalid
from safetynet.domain.casestatus import CaseStatus
from safetynet.people.models import Person, Sex
from safetynet.people.services import PersonData, register_person

pytestmark = pytest.mark.django_db

SMALL_CHUNKS = 16 * 1024  # the demo county fits in one 1 MiB chunk: tampering tests need several


def fingerprint(audit_up_to: int | None = None) -> dict[str, tuple[int, str]]:
    """Each backed-up model's row count and a SHA-256 of every column of every row (encrypted fields in
    plain text) and of its many-to-many lists.

    With `audit_up_to`, the access log is taken up to that entry and its head is left out: a restore
    appends an entry of its own.
    """
    result = {}
    for model in backed_up_models():
        if model is ChainHead and audit_up_to is not None:
            continue
        rows = model._base_manager.order_by("pk")
        if model is AuditEntry and audit_up_to is not None:
            rows = rows.filter(seq__lte=audit_up_to)
        data: list[object] = list(rows.values_list(*[f.attname for f in model._meta.concrete_fields]))
        count = len(data)
        for m2m in model._meta.many_to_many:
            through = m2m.remote_field.through
            if through is not None and through._meta.auto_created:
                pairs = through._base_manager.values_list(m2m.m2m_column_name(), m2m.m2m_reverse_name())
                data.append(sorted(pairs))
        text = json.dumps(data, default=str, ensure_ascii=False)
        result[model._meta.label_lower] = (count, hashlib.sha256(text.encode()).hexdigest())
    return result


def make_backup(path: Path) -> Path:
    call_command("backup", str(path), "--quiet")
    return path


_small_chunk_backup: dict[str, bytes] = {}


@pytest.fixture
def small_chunk_backup(tmp_path: Path, monkeypatch) -> bytes:  # type: ignore[no-untyped-def]
    """A backup in 16 KiB chunks, made once for the module: the tampering tests each damage a copy."""
    if "data" not in _small_chunk_backup:
        monkeypatch.setattr(backupfile, "CHUNK_SIZE", SMALL_CHUNKS)
        _small_chunk_backup["data"] = make_backup(tmp_path / "small-chunks.snb").read_bytes()
        monkeypatch.undo()
    data = _small_chunk_backup["data"]
    assert len(chunk_offsets(data)) >= 3
    return data


def restore(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


def chunk_offsets(data: bytes) -> list[int]:
    """Where each chunk of a backup file starts."""
    start = data.index(b"\n", data.index(b"\n") + 1) + 1
    offsets = []
    while start < len(data):
        offsets.append(start)
        _flag, length = struct.unpack(">BI", data[start : start + 5])
        start += 5 + length
    return offsets


def new_person() -> Person:
    prefix = "Q10000031"
    return register_person(
        PersonData(
            name="備份後才登記",
            sex=Sex.FEMALE,
            national_id=prefix + str(nationalid.check_digit(prefix)),
            phones=["0912000111"],
            address="嘉義縣朴子市備份路 1 號",
        )
    )


def test_it_restores_the_database_as_it_was_when_backed_up(tmp_path: Path) -> None:
    head = ChainHead.objects.get(pk=1)
    before = fingerprint(audit_up_to=head.seq)
    before_head = (head.seq, head.hash)
    persons = {p.pk: (p.national_id, p.phones, p.address) for p in Person.objects.all()}
    path = make_backup(tmp_path / "county.snb")
    data = path.read_bytes()
    assert data.startswith(b"SAFETYNET-BACKUP 1\n")
    assert path.stat().st_mode & 0o777 == 0o600
    assert b"Person" not in data and "朴子".encode() not in data  # nothing readable in the file
    export = AuditEntry.objects.order_by("-seq").first()
    assert export is not None and export.action == Action.EXPORT and export.object_type == "backup"
    assert export.detail["sha256"] == hashlib.sha256(data).hexdigest()
    assert export.detail["bytes"] == len(data)

    added = new_person()
    case = Case.objects.filter(status=CaseStatus.SERVING).order_by("pk").first()
    assert case is not None
    request_closure(
        case,
        reason=ClosureReason.GOALS_MET,
        checklist=["plan_reviewed"],
        by=get_user_model().objects.get(username="worker"),
        open_clocks_reason="測試結案",
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REVIEW

    output = restore(path, "--replace")

    assert fingerprint(audit_up_to=before_head[0]) == before
    assert not Person.objects.filter(pk=added.pk).exists()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SERVING
    assert {p.pk: (p.national_id, p.phones, p.address) for p in Person.objects.all()} == persons
    # The access log is as it was, plus one entry for the restore itself, and its chain holds.
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.seq, entry.prev_hash) == (before_head[0] + 1, before_head[1])
    assert (entry.action, entry.object_type) == (Action.CHANGE, "backup")
    assert entry.detail["restored_from"] == hashlib.sha256(data).hexdigest()
    verification = verify_chain()
    assert verification.broken is None
    assert verification.entries == before_head[0] + 1
    assert "rows," in output and "people" in output and "audit chain holds" in output


def test_it_keeps_national_id_search_and_stores_restored_values_encrypted(tmp_path: Path) -> None:
    path = make_backup(tmp_path / "county.snb")
    some = Person.objects.exclude(national_id_index="").order_by("pk").first()
    assert some is not None
    restore(path, "--replace")
    assert Person.objects.with_national_id(some.national_id).get().pk == some.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id FROM people_person WHERE id = %s", [some.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1:k") and some.national_id not in stored


def test_it_restores_a_backup_made_before_a_key_rotation_under_the_new_key(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    persons = {p.pk: (p.national_id, p.phones, p.address) for p in Person.objects.all()}
    path = make_backup(tmp_path / "county.snb")
    rotated = settings.FIELD_KEYS.with_new_active_key("k9")
    with override_settings(FIELD_KEYS=rotated):
        restore(path, "--replace", "--quiet")
        assert {p.pk: (p.national_id, p.phones, p.address) for p in Person.objects.all()} == persons
        with connection.cursor() as cursor:
            cursor.execute("SELECT national_id FROM people_person WHERE national_id <> ''")
            assert {row[0].split(":")[1] for row in cursor.fetchall()} == {"k9"}


def test_it_refuses_a_database_that_holds_data_without_replace(tmp_path: Path) -> None:
    path = make_backup(tmp_path / "county.snb")
    before = fingerprint()
    with pytest.raises(CommandError, match=r"^the database holds data \(auth.User \d+, .*--replace"):
        restore(path)
    assert fingerprint() == before


def last_chunk_flipped(data: bytes) -> bytes:
    damaged = bytearray(data)
    damaged[-40] ^= 0x01
    return bytes(damaged)


def first_chunk_flipped(data: bytes) -> bytes:
    damaged = bytearray(data)
    damaged[chunk_offsets(data)[0] + 100] ^= 0x80
    return bytes(damaged)


def last_chunk_cut(data: bytes) -> bytes:
    return data[: chunk_offsets(data)[-1]]


def cut_mid_chunk(data: bytes) -> bytes:
    return data[:-100]


def chunks_swapped(data: bytes) -> bytes:
    offsets = chunk_offsets(data)
    first, second, third = offsets[0], offsets[1], offsets[2]
    return data[:first] + data[second:third] + data[first:second] + data[third:]


def header_changed(data: bytes) -> bytes:
    magic, line, rest = data.split(b"\n", 2)
    header = json.loads(line)
    header["created_at"] = "2020-01-01T00:00:00+00:00"
    return magic + b"\n" + backupfile.header_bytes(header).split(b"\n")[1] + b"\n" + rest


def salt_changed(data: bytes) -> bytes:
    magic, line, rest = data.split(b"\n", 2)
    header = json.loads(line)
    header["salt"] = "00" * 16
    return magic + b"\n" + backupfile.header_bytes(header).split(b"\n")[1] + b"\n" + rest


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            last_chunk_flipped,
            r"damaged or was changed after it was written \(part \d+ does not authenticate\)",
        ),
        (
            first_chunk_flipped,
            r"damaged or was changed after it was written \(part 1 does not authenticate\)",
        ),
        (last_chunk_cut, r"truncated: its last part is missing"),
        (cut_mid_chunk, r"truncated in part \d+"),
        (chunks_swapped, r"part 1 does not authenticate"),
        (header_changed, r"part 1 does not authenticate"),
        (salt_changed, r"part 1 does not authenticate"),
        (lambda data: data + b"\x00", r"data follows its last part"),
        (lambda data: b"PK\x03\x04" + data, r"is not a SafetyNet backup"),
        (lambda data: data.replace(b"BACKUP 1", b"BACKUP 7", 1), r"is a backup in format 7"),
        (lambda data: data.replace(b'"format":1', b'"format":1,', 1), r"the backup header is damaged"),
    ],
    ids=[
        "flipped-byte-last-chunk",
        "flipped-byte-first-chunk",
        "last-chunk-cut",
        "cut-mid-chunk",
        "chunks-swapped",
        "header-changed",
        "salt-changed",
        "trailing-data",
        "not-a-backup",
        "other-format",
        "header-not-json",
    ],
)
def test_it_refuses_a_damaged_file_and_changes_nothing(
    tmp_path: Path, small_chunk_backup, damage, message
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "damaged.snb"
    path.write_bytes(damage(small_chunk_backup))
    before = fingerprint()
    with pytest.raises(CommandError, match=message) as excinfo:
        restore(path, "--replace")
    assert "\n" not in str(excinfo.value)
    assert fingerprint() == before
    assert verify_chain().broken is None


def test_a_damaged_file_loaded_half_way_leaves_the_database_as_it_was(
    tmp_path: Path, small_chunk_backup
) -> None:  # type: ignore[no-untyped-def]
    """The last chunk fails after every other one was loaded into the emptied tables: all rolled back."""
    path = tmp_path / "damaged.snb"
    path.write_bytes(last_chunk_flipped(small_chunk_backup))
    added = new_person()
    before = fingerprint()
    with pytest.raises(CommandError, match="does not authenticate"):
        restore(path, "--replace")
    assert fingerprint() == before
    assert Person.objects.filter(pk=added.pk).exists()


def ring_with(text_of: dict[str, str]) -> KeyRing:
    return KeyRing.parse(",".join(f"{key_id}:{key}" for key_id, key in text_of.items()))


def entries_of(ring: KeyRing) -> dict[str, str]:
    return dict(entry.split(":", 1) for entry in ring.serialize().split(","))


@pytest.mark.parametrize(
    ("make_ring", "message"),
    [
        (
            lambda ring: KeyRing.parse(generate_key_ring()),
            r"^wrong key ring: key 'k1' of SAFETYNET_FIELD_KEYS is not the key that made this backup",
        ),
        (
            lambda ring: ring_with({"idx": entries_of(ring)["idx"], "k7": generate_key()}),
            r"^the backup was encrypted with key 'k1', which is not in SAFETYNET_FIELD_KEYS",
        ),
        (
            lambda ring: ring_with({**entries_of(ring), "idx": generate_key()}),
            r"^wrong key ring: its blind-index key 'idx' is not the one",
        ),
    ],
    ids=["fresh-ring", "key-missing", "other-index-key"],
)
def test_it_refuses_a_wrong_key_ring_and_changes_nothing(
    tmp_path: Path, settings, make_ring, message
) -> None:  # type: ignore[no-untyped-def]
    assert settings.FIELD_KEYS.active_id == "k1"
    path = make_backup(tmp_path / "county.snb")
    before = fingerprint()
    with (
        override_settings(FIELD_KEYS=make_ring(settings.FIELD_KEYS)),
        pytest.raises(CommandError, match=message),
    ):
        restore(path, "--replace")
    assert fingerprint() == before


def test_it_refuses_a_backup_made_at_other_migrations(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real = backup_module.migration_state
    monkeypatch.setattr(
        backup_module, "migration_state", lambda: {**real(), "people": "0999_from_the_future"}
    )
    path = make_backup(tmp_path / "county.snb")
    monkeypatch.setattr(backup_module, "migration_state", real)
    before = fingerprint()
    with pytest.raises(CommandError, match=r"people.0999_from_the_future but this database is at people.0"):
        restore(path, "--replace")
    assert fingerprint() == before


def test_backup_refuses_an_existing_file_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "county.snb"
    path.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="exists already: choose another name, or --force"):
        call_command("backup", str(path), "--quiet")
    assert path.read_bytes() == b"an older backup"
    out = io.StringIO()
    call_command("backup", str(path), "--force", stdout=out)
    assert path.read_bytes().startswith(b"SAFETYNET-BACKUP 1\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county.snb"]  # no temporary file left behind
    assert "backup written to" in out.getvalue() and "rows," in out.getvalue()


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("backup", str(tmp_path / "county.snb"), "--quiet", stdout=out)
    call_command("restore", str(tmp_path / "county.snb"), "--replace", "--quiet", stdout=out)
    assert out.getvalue() == ""


def test_restore_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"^cannot read .*missing.snb: No such file or directory$"):
        restore(tmp_path / "missing.snb")
