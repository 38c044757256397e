"""On a phone at the door: the case page gives the address and numbers to call, the household and the
family's other cases with whom to call; the worker corrects the contact just recorded, and Enter never
marks a record entered in error."""

from __future__ import annotations

import re

from tests.browser.test_personas import shot

# A mother served by the demo worker and her son served by 家防中心, whose unit and worker can be called.
FAMILY = """
import datetime
from django.contrib.auth import get_user_model
from django.utils import timezone
from safetynet.cases.services import assign_case, record_contact
from safetynet.domain import nationalid
from safetynet.geo.models import Town
from safetynet.intake.services import receive_report, screen_report
from safetynet.org.models import Staff, Unit
from safetynet.people import services as people

users = get_user_model().objects
screener = users.get(username="screener")
town = Town.objects.get(code="10010020")

def person(name, sex, born, stem, **extra):
    stem = stem + str(nationalid.check_digit(stem))
    return people.register_person(people.PersonData(name=name, sex=sex, birth_date=born, national_id=stem, town=town, **extra))

def case_of(who, types, route, role):
    received = timezone.localtime() - datetime.timedelta(hours=3)
    document = {"received_at": received.isoformat(), "area": "10010", "source": "113",
                "subjects": [{"ref": "s", "role": role, "types": types, "town": "10010020", "national_id": who.national_id}]}
    report = receive_report(document, by=screener).report
    screen_report(report, by=screener, at=received + datetime.timedelta(minutes=30))
    return report.case_links.get(case__route=route).case

mother = person("郭淑芬", "F", datetime.date(1987, 4, 2), "Q28800001", phones=["0933-222-111"], address="嘉義縣朴子市大同里3鄰中正路88號")
son = person("郭子翔", "M", datetime.date(2016, 9, 9), "Q18800002")
household = people.create_household(mother)
people.add_household_member(household, son, "child")
people.relate_persons(mother, son, "parent")
theirs = case_of(son, ["CP"], "FPC", "child")
Unit.objects.filter(pk=theirs.unit_id).update(phone="05-362-0900")
Staff.objects.filter(pk=theirs.lead_id).update(phone_extension="205")
case = case_of(mother, ["VF"], "SWC", "victim")
worker = users.get(username="worker")
case = assign_case(case, Staff.objects.get(user=worker), by=users.get(username="supervisor"),
                   at=timezone.now() - datetime.timedelta(hours=2))
contact = record_contact(case, kind="home_visit", occurred_at=timezone.now() - datetime.timedelta(hours=1),
                         minutes=30, note="案母說明家中經濟狀況", by=worker)
print(f"CASE={case.pk} CONTACT={contact.pk} THEIRS={theirs.pk} LEAD={theirs.lead.name}")
"""


def test_the_case_page_is_the_sheet_of_a_home_visit_on_a_phone(login, server, in_server) -> None:  # type: ignore[no-untyped-def]
    found = re.search(r"CASE=(\d+) CONTACT=(\d+) THEIRS=(\d+) LEAD=(\S+)", in_server(FAMILY))
    assert found is not None
    case, contact, theirs, lead = found.groups()
    page = login("worker", width=390, height=844)
    page.goto(f"{server}/cases/{case}/")

    address = page.locator("[data-testid=address]")
    assert "中正路88號" in address.inner_text()
    box = address.bounding_box()
    assert box is not None and box["y"] + box["height"] < 844  # on the first screen, without scrolling
    call = page.locator("[data-testid=phones] a").first
    assert call.get_attribute("href") == "tel:0933222111"
    call_box = call.bounding_box()
    assert call_box is not None and call_box["height"] >= 44
    household = page.locator("[data-testid=household]").inner_text()
    assert "郭子翔" in household and "子女" in household
    family = page.locator("[data-testid=family-cases]")
    assert "家防中心" in family.inner_text() and lead in family.inner_text()
    reach = family.locator("[data-testid=reach]")
    assert reach.get_attribute("href") == "tel:053620900,205"
    assert "05-362-0900 分機 205" in reach.inner_text()
    assert family.locator(f"a[href='/cases/{theirs}/']").count() == 0  # not the worker's to open
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    shot(page, "worker-visit-sheet-390")

    # Enter in the reason of "entered in error" asks first; dismissed, nothing is marked.
    entry = page.locator("[data-testid=entry-contact]").first
    entry.locator("details summary").last.click()
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    reason = entry.locator("input[name=reason]")
    reason.fill("記錯案")
    reason.press("Enter")
    page.wait_for_timeout(300)
    assert asked and "無法復原" in asked[0]
    assert page.locator("[data-testid=entered-in-error]").count() == 0

    # The worker corrects the contact just recorded: a bad value comes back with everything typed.
    entry.locator("[data-testid=edit-contact]").click()
    page.wait_for_selector("[data-testid=contact-form]")
    assert page.input_value("#id_note") == "案母說明家中經濟狀況"
    page.fill("#id_note", "案母說明家中經濟狀況，同意轉介急難救助")
    page.fill("#id_minutes", "0")
    page.click("[data-testid=save-contact]")
    summary = page.locator("[data-testid=error-summary]")
    summary.wait_for()
    assert page.evaluate("document.activeElement.dataset.testid") == "error-summary"
    assert page.input_value("#id_note") == "案母說明家中經濟狀況，同意轉介急難救助"
    shot(page, "worker-contact-correction-error-390")
    page.fill("#id_minutes", "50")
    page.click("[data-testid=save-contact]")
    page.wait_for_url(f"{server}/cases/{case}/")
    corrected = page.locator("[data-testid=entry-contact]").first
    assert "已修改" in corrected.inner_text() and "同意轉介急難救助" in corrected.inner_text()
    corrected.locator("[data-testid=contact-history] summary").click()
    assert "案母說明家中經濟狀況" in corrected.locator("[data-testid=revision]").inner_text()
    shot(page, "worker-contact-corrected-390")
    assert f"/contacts/{contact}/edit/" in page.content()
