"""Every answer that shows a person is in the access log, whatever the method or the outcome: the
plain list of persons, a form refused and shown again after a POST, a link issued, a link read with no
account, a transfer page after its answer."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.audit.models import Action, AuditEntry
from safetynet.cases.models import Case
from safetynet.cases.services import decide_transfer, request_transfer
from safetynet.domain import rocdate
from safetynet.org.models import Unit
from safetynet.people.models import HouseholdMember, Person
from safetynet.referrals.services import issue_link
from tests.test_access_matrix import worker_case, worker_member, worker_referral

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def reads_since(seq: int, **filters: object) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=seq, action=Action.READ, **filters).order_by("seq"))


def last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def named(entries: list[AuditEntry]) -> set[int]:
    return {pk for entry in entries for pk in entry.subject_ids}


def test_the_list_of_persons_without_a_search_logs_the_persons_it_names(as_user) -> None:  # type: ignore[no-untyped-def]
    start = last_seq()
    response = as_user("worker").get("/people/")
    shown = [person.pk for person in response.context["page"]]
    assert shown, "the worker's list names no one"
    entries = reads_since(start, path="/people/", username="worker")
    assert named(entries) == set(shown)


def test_the_persons_the_screening_desk_is_offered_are_logged(as_user) -> None:  # type: ignore[no-untyped-def]
    person = Person.objects.filter(town_id="10010020").order_by("pk").first()
    assert person is not None
    start = last_seq()
    found = as_user("screener").get(
        "/intake/candidates/", {"prefix": "subjects-0", "subjects-0-name": person.name}
    )
    assert person in found.context["found"]
    assert person.pk in named(reads_since(start, username="screener"))


def test_a_household_shown_again_after_a_refused_member_logs_its_members(as_user) -> None:  # type: ignore[no-untyped-def]
    member = worker_member()
    household = member.household
    start = last_seq()
    refused = as_user("worker").post(f"/people/households/{household.pk}/", {})
    assert refused.status_code == 200 and member.person.name in refused.content.decode()
    entries = reads_since(start, method="POST", object_type="people.household")
    current = set(HouseholdMember.objects.filter(household=household).values_list("person_id", flat=True))
    assert entries and named(entries) == current


def test_a_case_shown_again_after_a_refused_status_change_logs_its_person(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    start = last_seq()
    refused = as_user("worker").post(f"/cases/{case.pk}/status/", {"status": "no-such-status"})
    assert refused.status_code == 200 and case.person.name in refused.content.decode()
    assert case.person_id in named(reads_since(start, method="POST", username="worker"))


def test_a_contact_form_shown_again_after_a_refusal_logs_the_cases_person(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    start = last_seq()
    refused = as_user("worker").post(f"/cases/{case.pk}/contacts/new/", {"kind": "", "minutes": "-1"})
    assert refused.status_code == 200 and case.person.name in refused.content.decode()
    assert case.person_id in named(reads_since(start, method="POST", username="worker"))


def test_a_post_answered_with_a_redirect_is_logged_as_its_change_not_as_a_read(as_user) -> None:  # type: ignore[no-untyped-def]
    # One of the demo's cases of the worker: a contact a minute ago does not predate it.
    case = (
        Case.objects.open().filter(lead__user__username="worker", opened_at__lt=timezone.now() - HOUR).first()
    )
    assert case is not None
    now = timezone.localtime() - datetime.timedelta(minutes=1)
    start = last_seq()
    done = as_user("worker").post(
        f"/cases/{case.pk}/contacts/new/",
        {
            "kind": "phone",
            "day": rocdate.format(now.date(), "dot"),
            "time": now.strftime("%H:%M"),
            "minutes": "5",
        },
    )
    assert done.status_code == 302
    assert not reads_since(start, method="POST", username="worker")
    assert AuditEntry.objects.filter(
        seq__gt=start, action=Action.CHANGE, object_type="cases.contact"
    ).exists()


def test_issuing_a_single_use_link_logs_the_read_of_the_referrals_person(as_user) -> None:  # type: ignore[no-untyped-def]
    referral = worker_referral()
    start = last_seq()
    issued = as_user("worker").post(f"/referrals/{referral.pk}/link/")
    assert issued.status_code == 200 and "/referrals/answer/" in issued.content.decode()
    entries = reads_since(start, method="POST", object_type="referrals.referral", object_id=str(referral.pk))
    assert [entry.subject_ids for entry in entries] == [[referral.case.person_id]]


def test_a_link_read_without_an_account_is_logged_under_the_link(as_user) -> None:  # type: ignore[no-untyped-def]
    referral = worker_referral()
    worker = get_user_model().objects.get(username="worker")
    _link, token = issue_link(referral, by=worker)
    start = last_seq()
    page = as_user(None).get(f"/referrals/answer/{token}/")
    assert page.status_code == 200
    (entry,) = reads_since(start, object_type="referrals.referral", object_id=str(referral.pk))
    assert entry.user is None and entry.username == "(single-use link)"
    assert entry.subject_ids == [referral.case.person_id]


def test_the_transfer_page_logs_its_person_also_after_the_transfer_was_declined(as_user) -> None:  # type: ignore[no-untyped-def]
    from tests.cases.test_lifecycle_views import other_unit_supervisor, other_unit_supervisor_client

    case = worker_case()
    worker = get_user_model().objects.get(username="worker")
    transfer = request_transfer(
        case, to_unit=Unit.objects.get(name="嘉義縣民雄社會福利服務中心"), reason="遷居", by=worker
    )
    decide_transfer(transfer, accept=False, by=other_unit_supervisor(), worker=None, note="仍住朴子")
    start = last_seq()
    shown = other_unit_supervisor_client().get(f"/cases/transfers/{transfer.pk}/")
    assert shown.status_code == 200 and case.person.name in shown.content.decode()
    entries = reads_since(start, object_type="cases.transfer", object_id=str(transfer.pk))
    assert [entry.subject_ids for entry in entries] == [[case.person_id]]
