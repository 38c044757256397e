"""Following referrals up: what is overdue reaches the worker's inbox and the supervisor's team page,
the partner's home counts what waits for it, the person's timeline shows the referral."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safetynet.referrals.models import Referral
from tests.referrals.helpers import S, partner_move, refer

pytestmark = pytest.mark.django_db


def overdue() -> Referral:
    referral = refer()
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - datetime.timedelta(hours=2))
    return referral


def test_an_overdue_referral_is_in_the_workers_inbox_and_on_the_team_page(as_user) -> None:  # type: ignore[no-untyped-def]
    referral = overdue()
    home = as_user("worker").get("/").content.decode()
    inbox = home.split('data-testid="inbox-referrals"', 1)[1].split("</table>", 1)[0]
    assert f"/referrals/{referral.pk}/" in inbox and "逾期未回覆" in inbox
    team = as_user("supervisor").get("/cases/team/")
    assert referral in team.context["overdue_referrals"]
    assert as_user("manager").get("/cases/team/").context["overdue_referrals"] is None


def test_the_partners_answer_reaches_the_inbox_for_a_week(as_user) -> None:  # type: ignore[no-untyped-def]
    referral = partner_move(refer(), S.ACCEPTED)
    home = as_user("worker").get("/")
    assert (referral, False) in home.context["referrals"]
    Referral.objects.filter(pk=referral.pk).update(responded_at=timezone.now() - datetime.timedelta(days=8))
    assert not [r for r, _ in as_user("worker").get("/").context["referrals"] if r.pk == referral.pk]


def test_the_partners_home_counts_what_waits_for_its_answer(as_user) -> None:  # type: ignore[no-untyped-def]
    before = as_user("partner").get("/").context["partner"]
    overdue()
    after = as_user("partner").get("/").context["partner"]
    assert after["organization"].name == "嘉義家扶中心"
    assert (after["waiting"], after["late"]) == (before["waiting"] + 1, before["late"] + 1)


def test_the_persons_timeline_shows_the_referral_and_its_outcome(as_user) -> None:  # type: ignore[no-untyped-def]
    referral = refer()
    page = as_user("worker").get(f"/people/{referral.case.person_id}/").content.decode()
    assert 'data-testid="entry-referral"' in page and "兒少及家庭支持" in page
    assert as_user("otherunit").get(f"/people/{referral.case.person_id}/").status_code == 404
