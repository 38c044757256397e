"""Anchors: the access log's head noted outside the database, so cutting off the newest entries and
rewriting the head to match no longer passes `safetynet audit verify`."""

from __future__ import annotations

import datetime
import socket
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safetynet import conf
from safetynet.audit import guards
from safetynet.audit.models import Action, AuditEntry, ChainHead
from safetynet.audit.services import move_head, record
from safetynet.audit.tasks import anchor_chain_head
from safetynet.domain.auditchain import Anchor, read_anchors
from tests.audit.test_access_log import tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchor_file(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "anchors.log"
    settings.SAFETYNET_AUDIT_ANCHOR = str(path)
    return path


def newest() -> AuditEntry:
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    return entry


def anchors_in(path: Path) -> list[Anchor]:
    return read_anchors(path.read_text().splitlines())


def verify(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def test_anchoring_appends_the_newest_entry_number_hash_and_time_to_the_file(
    anchor_file: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    call_command("audit", "anchor")
    first = newest()
    record(Action.READ, object_type="x", object_id="1")
    call_command("audit", "anchor")
    second = newest()
    anchors = anchors_in(anchor_file)
    assert [(a.seq, a.hash) for a in anchors] == [(first.seq, first.hash), (second.seq, second.hash)]
    taken = datetime.datetime.fromisoformat(anchors[-1].at)
    assert abs(taken - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=1)
    assert anchor_file.stat().st_mode & 0o777 == 0o600
    assert f"anchored head #{second.seq}" in capsys.readouterr().out
    move_head()
    assert "2 anchors checked" in verify()


def cut_newest_and_rewrite_head(count: int) -> None:
    """What someone with the database's rights (but not the key) can do: drop the newest entries and
    move the head back onto the entry left newest, so the chain and its head agree."""
    top = newest().seq
    tamper([(f"DELETE FROM {guards.TABLE} WHERE seq > %s", [top - count])])
    left = AuditEntry.objects.get(seq=top - count)
    ChainHead.objects.filter(pk=1).update(seq=left.seq, hash=left.hash)


def test_cutting_the_newest_entries_and_rewriting_the_head_fails_verify_once_anchored(
    anchor_file: Path,
) -> None:
    move_head()
    call_command("audit", "anchor")
    anchored = newest().seq
    cut_newest_and_rewrite_head(3)
    with pytest.raises(CommandError) as failure:
        verify()
    message = str(failure.value)
    assert f"broken at entry {anchored - 2}:" in message
    assert f"entries {anchored - 2} to {anchored} are missing" in message and "anchor" in message


def test_without_an_anchor_the_same_cut_goes_unseen() -> None:
    """Why anchors exist: the head alone cannot tell."""
    move_head()
    cut_newest_and_rewrite_head(3)
    assert "audit chain holds" in verify()


def test_an_anchored_entry_whose_hash_changed_fails_verify(anchor_file: Path) -> None:
    move_head()
    entry = AuditEntry.objects.order_by("seq")[AuditEntry.objects.count() // 2]
    anchor_file.write_text(Anchor(entry.seq, "f" * 64, "2026-12-01T03:00:00+00:00").line() + "\n")
    with pytest.raises(CommandError, match=f"broken at entry {entry.seq}: .*its anchor of 2026-12-01"):
        verify()


def test_a_mangled_anchor_file_is_refused_in_one_line(anchor_file: Path) -> None:
    anchor_file.write_text("safetynet-audit-anchor seq=1 hash=nothex at=then\n")
    with pytest.raises(CommandError, match="cannot read the anchors: .* line 1"):
        verify()


@pytest.mark.parametrize("transport", ["udp", "unix"])
def test_anchors_sent_to_syslog_are_checked_from_a_copy_of_its_log(
    settings, tmp_path: Path, transport: str
) -> None:  # type: ignore[no-untyped-def]
    family = socket.AF_INET if transport == "udp" else socket.AF_UNIX
    with socket.socket(family, socket.SOCK_DGRAM) as receiver:
        if transport == "udp":
            receiver.bind(("127.0.0.1", 0))
            settings.SAFETYNET_AUDIT_ANCHOR = f"syslog:127.0.0.1:{receiver.getsockname()[1]}"
        else:
            receiver.bind(str(tmp_path / "log.sock"))
            settings.SAFETYNET_AUDIT_ANCHOR = f"syslog:{tmp_path / 'log.sock'}"
        receiver.settimeout(5)
        call_command("audit", "anchor")
        message = receiver.recv(4096).decode()
    assert message.startswith("<85>safetynet: safetynet-audit-anchor ")  # authpriv.notice
    copy = tmp_path / "auth.log"
    copy.write_text(f"Dec  1 11:00:00 host sshd[9]: accepted\nDec  1 11:00:00 host {message[5:]}\n")
    assert [a.seq for a in anchors_in(copy)] == [newest().seq]
    move_head()
    assert "1 anchors checked" in verify("--anchors", str(copy))
    cut_newest_and_rewrite_head(1)
    with pytest.raises(CommandError, match="shorter than its anchor"):
        verify("--anchors", str(copy))


def test_anchoring_without_a_destination_or_to_an_unwritable_one_fails_in_one_line(
    settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings.SAFETYNET_AUDIT_ANCHOR = ""
    with pytest.raises(CommandError, match="SAFETYNET_AUDIT_ANCHOR is not set"):
        call_command("audit", "anchor")
    settings.SAFETYNET_AUDIT_ANCHOR = str(tmp_path / "no-such-folder" / "anchors.log")
    with pytest.raises(CommandError, match="cannot write the anchor to .*no-such-folder"):
        call_command("audit", "anchor")


def test_the_hourly_job_anchors_where_the_county_set_a_destination(settings, anchor_file: Path) -> None:  # type: ignore[no-untyped-def]
    on_the_hour = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=datetime.UTC)
    schedule = anchor_chain_head.s()
    assert schedule.validate_datetime(on_the_hour)
    assert not schedule.validate_datetime(on_the_hour.replace(minute=30))
    anchor_chain_head()
    assert [a.seq for a in anchors_in(anchor_file)] == [newest().seq]
    settings.SAFETYNET_AUDIT_ANCHOR = ""
    anchor_chain_head()  # nowhere set: nothing to do, and no failure
    assert len(anchors_in(anchor_file)) == 1


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("syslog:", ("syslog", "/dev/log")),
        ("syslog:/run/systemd/journal/syslog", ("syslog", "/run/systemd/journal/syslog")),
        ("syslog:logs.example.gov.tw", ("syslog", ("logs.example.gov.tw", 514))),
        ("syslog:10.0.0.5:1514", ("syslog", ("10.0.0.5", 1514))),
    ],
)
def test_the_syslog_forms_of_the_setting(text: str, kind: tuple[str, object]) -> None:
    assert conf.anchor_destination(conf.audit_anchor(text, Path("/srv"))) == kind


def test_a_relative_anchor_file_is_under_the_data_directory_and_a_bad_form_is_refused() -> None:
    assert conf.audit_anchor("anchors.log", Path("/srv/safetynet")) == "/srv/safetynet/anchors.log"
    assert conf.audit_anchor("/var/log/sn/anchors.log", Path("/srv")) == "/var/log/sn/anchors.log"
    for bad in ("syslog:host:port", "syslog::514", "syslog:host:70000", "/var/log/"):
        with pytest.raises(conf.ConfigError, match="SAFETYNET_AUDIT_ANCHOR"):
            conf.audit_anchor(bad, Path("/srv"))
