"""Reads, searches, exports, API calls and changes enter the append-only, hash-chained access log."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from safetynet.audit import guards
from safetynet.audit.models import Action, AppendOnly, AuditEntry
from safetynet.audit.services import MAX_SUBJECTS, chain_key, move_head, record_listing, verify_chain
from safetynet.cases.services import record_contact
from safetynet.core.tokens import issue_token
from safetynet.domain.auditchain import canonical, link_hash
from tests.test_access_matrix import worker_case

pytestmark = pytest.mark.django_db


def newest(**filters: object) -> AuditEntry:
    entry = AuditEntry.objects.filter(**filters).order_by("-seq").first()
    assert entry is not None, filters
    return entry


def test_it_logs_who_read_which_case_from_where(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    response = as_user("worker").get(f"/cases/{case.pk}/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    entry = newest(action=Action.READ, object_type="cases.case", object_id=str(case.pk))
    assert (entry.username, entry.role, entry.method, entry.path) == (
        "worker",
        "social_worker",
        "GET",
        f"/cases/{case.pk}/",
    )
    assert entry.ip == "10.1.2.3"
    assert entry.subject_ids == [case.person_id]
    assert not entry.flagged


def test_an_out_of_scope_attempt_reads_nothing_and_logs_no_read(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    before = AuditEntry.objects.filter(action=Action.READ, object_id=str(case.pk)).count()
    assert as_user("otherunit").get(f"/cases/{case.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action=Action.READ, object_id=str(case.pk)).count() == before


def test_a_change_is_logged_with_its_fields_and_no_values(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    worker = get_user_model().objects.get(username="worker")
    contact = record_contact(
        case, kind="phone", occurred_at=timezone.now(), minutes=5, note="家中有刀械", by=worker
    )
    entry = newest(action=Action.CHANGE, object_type="cases.contact", object_id=str(contact.pk))
    assert entry.detail["op"] == "create"
    assert entry.subject_ids == [case.person_id]
    assert "家中有刀械" not in str(entry.detail)


def test_a_search_logs_the_persons_it_showed_but_not_the_query(as_user, person_in_worker_area) -> None:  # type: ignore[no-untyped-def]
    as_user("worker").get("/people/", {"q": person_in_worker_area.name})
    entry = newest(action=Action.SEARCH, object_type="people.person")
    assert person_in_worker_area.pk in entry.subject_ids
    assert person_in_worker_area.name not in str(entry.detail) + entry.path + entry.reason


@pytest.mark.parametrize("path", ["/", "/cases/clocks/"])
def test_a_list_page_logs_the_persons_it_named(as_user, path: str) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    response = as_user("worker").get(path)
    assert case.person.name in response.content.decode()
    entry = newest(action=Action.READ, path=path, username="worker")
    assert case.person_id in entry.subject_ids


def test_a_long_list_is_logged_a_page_of_persons_an_entry() -> None:
    worker = get_user_model().objects.get(username="worker")
    before = AuditEntry.objects.count()
    record_listing(worker, "cases.case", [*range(1, 2 * MAX_SUBJECTS + 11), None, 5])
    entries = list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert [len(e.subject_ids) for e in entries] == [MAX_SUBJECTS, MAX_SUBJECTS, 10]
    assert sorted(pk for e in entries for pk in e.subject_ids) == list(range(1, 2 * MAX_SUBJECTS + 11))


def test_a_page_that_names_no_one_logs_no_listing(as_user) -> None:  # type: ignore[no-untyped-def]
    before = AuditEntry.objects.count()
    assert as_user("manager").get("/cases/high-risk/").status_code == 200  # counts only
    assert not AuditEntry.objects.filter(seq__gt=before, action=Action.READ).exists()


def test_every_api_call_is_logged_with_its_status(client) -> None:  # type: ignore[no-untyped-def]
    _, token = issue_token(get_user_model().objects.get(username="worker"), scopes=["read"])
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    entry = newest(action=Action.API)
    assert (entry.username, entry.path, entry.detail["status"]) == ("worker", "/api/v1/me", 200)
    assert token not in str(entry.chained_fields())


def test_a_hostile_query_is_logged_without_breaking_the_call(client) -> None:  # type: ignore[no-untyped-def]
    _, token = issue_token(get_user_model().objects.get(username="worker"), scopes=["read"])
    query = {"area\x00": "1", "x" * 5000: "2"}
    response = client.get("/api/v1/me", query, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    names = newest(action=Action.API).detail["params"]
    assert "area\N{REPLACEMENT CHARACTER}" in names and max(map(len, names)) == 40


def test_sign_ins_and_failed_attempts_are_logged(client) -> None:  # type: ignore[no-untyped-def]
    client.post("/login/", {"username": "worker", "password": "wrong-password-0"})
    failed = newest(action=Action.LOGIN_FAILED)
    assert failed.username == "worker" and failed.user is None


def test_the_head_follows_the_newest_entry_once_the_transaction_commits(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    from safetynet.audit.models import ChainHead
    from safetynet.audit.services import record

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = record(Action.READ, object_type="x", object_id="1")
        second = record(Action.READ, object_type="x", object_id="2")
    assert len(callbacks) == 1  # one head move for the transaction, however many entries
    assert ChainHead.objects.values_list("seq", "hash").get() == (second.seq, second.hash)
    assert second.prev_hash == first.hash


def test_the_chain_holds_after_the_demo_and_a_day_of_work(as_user) -> None:  # type: ignore[no-untyped-def]
    as_user("worker").get(f"/cases/{worker_case().pk}/")
    result = verify_chain()
    assert result.broken is None
    assert result.entries == AuditEntry.objects.count() > 0


def test_the_database_refuses_to_change_or_remove_an_entry() -> None:
    entry = AuditEntry.objects.order_by("seq").first()
    assert entry is not None
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    for statement in (
        f"UPDATE {guards.TABLE} SET reason = 'x' WHERE seq = %s",
        f"DELETE FROM {guards.TABLE} WHERE seq = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.seq])
    assert AuditEntry.objects.get(seq=entry.seq).reason == entry.reason


def tamper(statements: list[tuple[str, list[object]]]) -> None:
    """What someone with the database's own rights could do: lift the triggers and write SQL."""
    guards.remove()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def verify_fails_at(seq: int) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify")
    assert f"broken at entry {seq}:" in str(failure.value)
    return str(failure.value)


def some_entry() -> AuditEntry:
    middle = AuditEntry.objects.count() // 2
    return AuditEntry.objects.order_by("seq")[middle]


def test_verify_finds_an_edited_entry(capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("audit", "verify")
    assert "audit chain holds" in capsys.readouterr().out
    entry = some_entry()
    tamper([(f"UPDATE {guards.TABLE} SET username = 'someone' WHERE seq = %s", [entry.seq])])
    assert "altered" in verify_fails_at(entry.seq)


def test_verify_finds_a_removed_entry() -> None:
    entry = some_entry()
    tamper([(f"DELETE FROM {guards.TABLE} WHERE seq = %s", [entry.seq])])
    assert "missing" in verify_fails_at(entry.seq)


def test_verify_finds_the_newest_entries_removed() -> None:
    move_head()  # as the last commit did
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    tamper([(f"DELETE FROM {guards.TABLE} WHERE seq = %s", [last.seq])])
    assert "head" in verify_fails_at(last.seq)


def test_verify_finds_two_entries_swapped() -> None:
    entry = some_entry()
    a, b = entry.seq, entry.seq + 1
    tamper(
        [
            (f"UPDATE {guards.TABLE} SET seq = 0 WHERE seq = %s", [a]),
            (f"UPDATE {guards.TABLE} SET seq = %s WHERE seq = %s", [a, b]),
            (f"UPDATE {guards.TABLE} SET seq = %s WHERE seq = 0", [b]),
        ]
    )
    verify_fails_at(a)


def test_a_rehashed_forgery_still_breaks_at_the_next_entry() -> None:
    """Editing an entry and recomputing its own hash (with the key) is not enough: the next entry
    names the old one."""
    entry = some_entry()
    entry.reason = "forged"
    forged = link_hash(chain_key(), entry.prev_hash, entry.chained_fields())
    tamper([(f"UPDATE {guards.TABLE} SET reason = 'forged', hash = %s WHERE seq = %s", [forged, entry.seq])])
    assert "does not follow" in verify_fails_at(entry.seq + 1)


def test_an_entry_rehashed_without_the_key_is_found_where_it_was_edited() -> None:
    """Someone with the database but not the key ring cannot make a valid hash, not even a plain SHA-256."""
    entry = some_entry()
    entry.reason = "forged"
    guessed = hashlib.sha256(entry.prev_hash.encode() + b"\n" + canonical(entry.chained_fields())).hexdigest()
    tamper([(f"UPDATE {guards.TABLE} SET reason = 'forged', hash = %s WHERE seq = %s", [guessed, entry.seq])])
    assert "altered" in verify_fails_at(entry.seq)
