"""`safetynet import partners` and `safetynet import referrals`: all rows or none, each problem by row and column."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safetynet.referrals.imports import parse_hours
from safetynet.referrals.models import Organization, Referral, Schedule, Service

pytestmark = pytest.mark.django_db

PARTNER_HEADER = (
    "organization,kind,area,service,categories,location,town,latitude,longitude,phone,hours,towns_served"
)


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def run(kind: str, path: Path) -> str:
    out = io.StringIO()
    call_command("import", kind, str(path), stdout=out)
    return out.getvalue()


def refused(kind: str, path: Path) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import", kind, str(path), stderr=err)
    return err.getvalue()


def test_it_imports_partners_with_services_locations_hours_and_service_areas(tmp_path: Path) -> None:
    file = write_csv(
        tmp_path / "partners.csv",
        [
            PARTNER_HEADER,
            "山海關懷協會,ngo,嘉義縣,到宅關懷,charity、急難救助,本會,阿里山鄉,23.51,120.74,05-1234567,MO-FR 08:00-17:00; SA 09:00-12:00,阿里山鄉 大埔鄉",
            "山海關懷協會,ngo,10010,法律諮詢,legal_aid,布袋據點,布袋鎮,23.38,120.17,,TU 13:00-16:00,",
        ],
    )
    assert "imported 2 partners" in run("partners", file)
    organization = Organization.objects.get(name="山海關懷協會")
    assert organization.area_id == "10010"
    visits = Service.objects.get(organization=organization, name="到宅關懷")
    assert {c.code for c in visits.categories.all()} == {"charity", "emergency_relief"}
    assert {t.name for t in visits.towns.all()} == {"阿里山鄉", "大埔鄉"}
    assert [loc.town.name for loc in visits.locations.all()] == ["阿里山鄉"]
    assert [
        (s.byday, s.opens_at.hour, s.closes_at.hour) for s in Schedule.objects.filter(service=visits)
    ] == [
        ("MO,TU,WE,TH,FR", 8, 17),
        ("SA", 9, 12),
    ]
    assert organization.locations.count() == 2
    assert organization.phones.get().number == "05-1234567"


def test_an_unknown_category_town_or_bad_hours_imports_nothing(tmp_path: Path) -> None:
    before = Organization.objects.count()
    file = write_csv(
        tmp_path / "partners.csv",
        [
            PARTNER_HEADER,
            "好協會,ngo,10010,關懷,charity,,,,,,,",
            "壞協會,club,10099,關懷,算命,據點,火星鄉,91,120.5,,MO-XX 08:00-17:00,",
            "缺經度,ngo,10010,關懷,charity,據點,太保市,23.4,,,FR 17:00-08:00,",
            "嘉義家扶中心,ngo,10010,重複,charity,,,,,,,",
        ],
    )
    report = refused("partners", file)
    for expected in [
        "row 3, column kind: unknown kind",
        "row 3, column area: unknown county",
        "row 3, column categories: unknown category '算命'",
        "row 3, column town: unknown town",
        "row 3, column latitude: outside Taiwan",
        "row 3, column hours: unknown day 'XX'",
        "row 4, column longitude: give both",
        "row 4, column hours: closes before it opens",
        "row 5, column organization: already in the directory",
    ]:
        assert expected in report, report
    assert Organization.objects.count() == before


def test_hours_read_day_ranges_and_lists() -> None:
    assert parse_hours("MO,WE 09:00-12:00") == [(["MO", "WE"], datetime.time(9), datetime.time(12))]
    with pytest.raises(ValueError, match="runs backwards"):
        parse_hours("FR-MO 09:00-12:00")


REFERRAL_HEADER = "referred_on,area,case_external_id,category,partner,status,responded_on,outcome,route"


def test_it_imports_past_referrals_as_history(tmp_path: Path) -> None:
    file = write_csv(
        tmp_path / "referrals.csv",
        [
            REFERRAL_HEADER,
            "108/03/04,10010,OLD-0001,就業服務,朴子就業中心,已完成,108/03/08,已媒合工作,MHSW",
            "2019-05-06,嘉義縣,OLD-0002,charity,嘉義縣慈善團體聯合協會,requested,,,MHSW",
        ],
    )
    assert "imported 2 referrals" in run("referrals", file)
    done = Referral.objects.get(case_external_id="OLD-0001")
    assert (done.legacy, done.status, done.route, done.outcome) == (True, "completed", "MHSW", "已媒合工作")
    assert done.requested_at.date() == datetime.date(2019, 3, 4) and done.closed_at is not None
    assert [e.to_status for e in done.events.all()] == ["requested", "completed"]
    waiting = Referral.objects.get(case_external_id="OLD-0002")
    assert waiting.responded_at is None and waiting.closed_at is None


def test_an_unknown_partner_or_category_imports_no_referral(tmp_path: Path) -> None:
    before = Referral.objects.count()
    file = write_csv(
        tmp_path / "referrals.csv",
        [
            REFERRAL_HEADER,
            "108/03/04,10010,A1,就業服務,朴子就業中心,completed,108/03/08,已媒合,MHSW",
            "108/03/04,10010,A2,占卜,不存在協會,completed,108/03/01,,MHSW",
            "108/13/04,10010,A3,charity,嘉義家扶中心,draft,,,",
            "108/03/04,10010,A4,charity,嘉義家扶中心,rejected,,,",
        ],
    )
    report = refused("referrals", file)
    for expected in [
        "row 3, column category: unknown category '占卜'",
        "row 3, column partner: unknown partner '不存在協會'",
        "row 3, column outcome: required",
        "row 4, column referred_on: not a date",
        "row 4, column status: unknown status",
        "row 5, column responded_on: required when the referral was answered",
        "row 5, column outcome: required",
    ]:
        assert expected in report, report
    assert Referral.objects.count() == before
