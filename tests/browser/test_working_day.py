"""A working day per persona, on a phone (390×844), through a real browser: the worker's visit, the
supervisor's queue and closures, the screening desk's report. Every page of each journey is photographed
and read: it shows words, never codes, usernames or English, on the zh-Hant interface."""

from __future__ import annotations

import re

from tests.browser.conftest import worker_case_code
from tests.browser.test_personas import shot

PHONE = {"width": 390, "height": 844}

# Codes of the code lists (report types, routes) and the demo's usernames: none may show as such.
CODES = re.compile(r"\b(CP|IPV|FV|SA|EP|DP|VF|SU|MH|DR|YR|DO|FPC|SWC|MHSW|TCSW|CV|DRUG|YAC|EDU|XFER|NONE)\b")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")
# Latin that belongs on a zh-Hant page: the instruments' and formats' own names.
LATIN_ALLOWED = {"BSRS", "TIPVDA", "XLSX", "PDF", "CSV", "Email", "LINE"}


def read_as_words(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Photograph the page and check what it says: no code, no username, no English."""
    shot(page, name)
    text = page.evaluate("document.body.innerText")
    codes = sorted(set(CODES.findall(text)))
    assert not codes, f"{name}: codes where words belong: {codes}"
    latin = sorted(set(LATIN_WORD.findall(text)) - LATIN_ALLOWED)
    assert not latin, f"{name}: Latin on a zh-Hant page (English or a username): {latin}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        f"{name}: scrolls sideways"
    )


# In the server's database: a named child's fresh case of the worker (in a household of their own), and
# the mother, registered in 六腳 in a household of hers.
WORKER_DAY = worker_case_code(
    "周日安",
    """
import datetime
from safetynet.domain import nationalid
from safetynet.geo.models import Town
from safetynet.people import services
from safetynet.people.services import PersonData
household = services.create_household(case.person)
stem = "F22990021"
mother = services.register_person(PersonData(
    name="吳日惠", sex="F", birth_date=datetime.date(1986, 2, 3), town=Town.objects.get(pk="10010080"),
    national_id=stem + str(nationalid.check_digit(stem)),
))
services.create_household(mother)
print(f"CASE={case.pk} HOUSEHOLD={household.pk} MOTHER={mother.pk}")
""",
)


def test_a_workers_day_inbox_my_cases_the_visit_the_household_and_back(login, server, in_server) -> None:  # type: ignore[no-untyped-def]
    found = re.search(r"CASE=(\d+) HOUSEHOLD=(\d+) MOTHER=(\d+)", in_server(WORKER_DAY))
    assert found is not None
    case, household, mother = found.groups()
    page = login("worker", **PHONE)
    page.wait_for_selector("[data-testid=inbox]")
    read_as_words(page, "day-worker-1-inbox")

    page.click("[data-testid=menu-toggle]")
    page.click("nav.areas >> text=個案")
    page.wait_for_selector("[data-testid=my-cases]")
    read_as_words(page, "day-worker-2-my-cases")
    page.fill("input[name=q]", "周日安")
    page.click("[data-testid=filter]")
    page.wait_for_url(re.compile(r"q="))
    page.locator("[data-testid=my-cases] tbody tr").first.locator("a").first.click()
    page.wait_for_url(f"{server}/cases/{case}/")
    read_as_words(page, "day-worker-3-case")

    # The visit, with a BSRS-5.
    page.click("[data-testid=record-contact]")
    page.wait_for_selector("[data-testid=contact-form]")
    page.locator("label.pick.kind", has_text="家訪").click()
    page.click("button[data-minutes='30']")
    page.fill("#id_place", "案家")
    page.fill("#id_note", "案母說孩子近來睡不好")
    page.locator("[data-testid=bsrs5-block] summary").click()
    for item in ("item_1", "item_2", "item_3", "item_4", "item_5"):
        page.locator(f"[data-testid=q-{item}] label.pick", has_text="1").click()
    page.locator("[data-testid=q-suicide] label.pick", has_text="0").click()
    page.locator("#bsrs5-result [data-testid=score-total]", has_text="5").wait_for()
    read_as_words(page, "day-worker-4-visit")
    page.click("[data-testid=save-contact]")
    page.wait_for_url(f"{server}/cases/{case}/")
    assert "家訪" in page.locator("[data-testid=timeline]").inner_text()
    read_as_words(page, "day-worker-5-case-after-visit")

    # The household, from the case; the mother met on the visit is found and added.
    page.click("[data-testid=open-household]")
    page.wait_for_url(f"{server}/people/households/{household}/")
    page.locator("#search-q").fill("吳日惠")
    row = page.locator(f"[data-testid=pick-{mother}]")
    row.wait_for()
    row.click()
    page.select_option("#id_role", "parent")
    read_as_words(page, "day-worker-6-household-search")
    page.click("[data-testid=add-member]")
    page.wait_for_url(f"{server}/people/households/{household}/")
    assert "吳日惠" in page.locator("[data-testid=members]").inner_text()
    read_as_words(page, "day-worker-7-household")

    # Back to the case, which now lists her among those living with the child.
    page.click(f"[data-testid=household-case-{case}]")
    page.wait_for_url(f"{server}/cases/{case}/")
    assert "吳日惠" in page.locator("[data-testid=household]").inner_text()
    read_as_words(page, "day-worker-8-case-with-mother")


# In the server's database: a report screened to the supervisor's unit and waiting to be assigned, and a
# case of the worker whose closure waits for the supervisor.
SUPERVISOR_DAY = worker_case_code(
    None,
    """
from safetynet.cases.services import request_closure
subject = {"ref": "c", "role": "child", "types": ["VF"], "town": "10010020", "name": "李待派"}
document = {"received_at": timezone.localtime().isoformat(), "area": "10010", "source": "113", "subjects": [subject]}
waiting = receive_report(document, by=screener).report
screen_report(waiting, by=screener)
closure = request_closure(
    case, reason="refused", checklist=["plan_reviewed", "family_informed"],
    open_clocks_reason="案家明確拒絕訪視", by=worker.user,
)
print(f"CLOSURE={closure.pk} CASE={case.pk}")
""",
)

ASK_AGAIN = """
from django.contrib.auth import get_user_model
from safetynet.cases.models import Case
from safetynet.cases.services import request_closure
closure = request_closure(
    Case.objects.get(pk={case}), reason="refused", checklist=["plan_reviewed", "last_assessment"],
    open_clocks_reason="已補結案前評估，案家仍拒絕訪視", by=get_user_model().objects.get(username="worker"),
)
print(f"CLOSURE={{closure.pk}}")
"""

STATUS = """
from safetynet.cases.models import Case
print("STATUS=" + Case.objects.get(pk={case}).status)
"""


def status_of(in_server, case: str) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r"STATUS=(\w+)", in_server(STATUS.format(case=case)))
    assert found is not None
    return found.group(1)


def test_a_supervisors_day_team_queue_assign_and_a_closure_returned_by_enter_then_approved(  # type: ignore[no-untyped-def]
    login, server, in_server
) -> None:
    found = re.search(r"CLOSURE=(\d+) CASE=(\d+)", in_server(SUPERVISOR_DAY))
    assert found is not None
    closure, case = found.groups()
    page = login("supervisor", **PHONE)
    read_as_words(page, "day-supervisor-1-home")
    page.goto(f"{server}/cases/team/")
    page.wait_for_selector("[data-testid=caseload]")
    read_as_words(page, "day-supervisor-2-team")

    # The queue: the waiting report's case, assigned to a worker named by name.
    page.goto(f"{server}/cases/queue/")
    row = page.locator("tr", has_text="李待派").first
    picker = row.locator("[data-testid=assign-worker]")
    options = [o for o in picker.locator("option").all_inner_texts() if o.strip()]
    assert options and not {"worker", "teammate"} & {o.split(" ")[0] for o in options}
    read_as_words(page, "day-supervisor-3-queue")
    value = picker.locator("option").nth(1).get_attribute("value")
    assert value
    picker.select_option(value)
    with page.expect_navigation():
        row.locator("button").click()
    assert page.locator("tr", has_text="李待派").count() == 0
    read_as_words(page, "day-supervisor-4-queue-after")

    # Enter in the return note returns the closure: nothing asks and the case stays open.
    asked: list[str] = []
    answer = {"yes": False}

    def reply(dialog) -> None:  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.accept() if answer["yes"] else dialog.dismiss()

    page.on("dialog", reply)
    page.goto(f"{server}/cases/team/")
    note = page.locator(f"[data-testid=closure-{closure}] [data-testid=return-note]")
    note.fill("請先完成結案前評估")
    note.press("Enter")
    page.wait_for_url(f"{server}/cases/team/")
    assert asked == [] and status_of(in_server, case) != "closed"
    read_as_words(page, "day-supervisor-5-returned")

    # Asked again, approved by its own button, which asks first.
    again = re.search(r"CLOSURE=(\d+)", in_server(ASK_AGAIN.format(case=case)))
    assert again is not None
    page.goto(f"{server}/cases/team/")
    approve = page.locator(f"[data-testid=closure-{again.group(1)}] [data-testid=approve]")
    approve.click()
    assert len(asked) == 1 and status_of(in_server, case) != "closed"  # said no: nothing closed
    answer["yes"] = True
    with page.expect_navigation():
        approve.click()
    assert status_of(in_server, case) == "closed"
    read_as_words(page, "day-supervisor-6-approved")
    page.goto(f"{server}/cases/{case}/")
    assert "已結案" in page.locator("[data-testid=case-status]").inner_text()
    read_as_words(page, "day-supervisor-7-closed-case")


def test_a_screeners_day_a_report_an_override_that_keeps_its_routes_and_the_cases_it_opened(  # type: ignore[no-untyped-def]
    login, server
) -> None:
    desk = login("screener", **PHONE)
    read_as_words(desk, "day-screener-1-home")
    desk.goto(f"{server}/intake/queue/")
    read_as_words(desk, "day-screener-2-queue")
    desk.goto(f"{server}/intake/new/")
    form = desk.locator("[data-testid=report-form]")
    form.locator("#id_source").select_option("113")
    subject = desk.locator("[data-testid=subject-0]")
    subject.locator("select[name='subjects-0-role']").select_option("victim")
    subject.locator("input[name='subjects-0-name']").fill("林日篩")
    subject.locator("input[name='subjects-0-birth_date']").fill("80/5/3")
    subject.locator("[data-town-input]").fill("民雄")
    subject.locator("[data-town-input]").press("Enter")
    chips = subject.locator("[data-chips-input][data-for='subjects-0-types']")
    chips.fill("親密")
    chips.press("Enter")
    form.locator("#id_narrative").fill("案妻來電，稱遭案夫毆打")
    read_as_words(desk, "day-screener-3-report-form")
    form.locator("button[type=submit]").click()
    desk.wait_for_selector("[data-testid=confirm]")
    read_as_words(desk, "day-screener-4-suggestion")

    # An override without a reason is refused and keeps the route and priority chosen.
    desk.locator("[data-testid=override] > summary").click()
    victim = desk.locator("[data-testid=override-subject]").nth(0)
    victim.locator("input[value='MHSW']").check()
    victim.locator("select[name$='-MHSW']").select_option("2")
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.click("[data-testid=override-submit]")
    desk.wait_for_selector("[data-testid=error-summary]")
    victim = desk.locator("[data-testid=override-subject]").nth(0)
    assert victim.locator("input[value='MHSW']").is_checked()
    assert victim.locator("select[name$='-MHSW']").input_value() == "2"
    read_as_words(desk, "day-screener-5-override-refused")

    # Confirmed as suggested (it asks first): the report names every case its decision opened.
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.click("[data-testid=confirm]")
    desk.wait_for_selector("[data-testid=dispatches]")
    dispatch = desk.locator("[data-testid=dispatch]").first.inner_text()
    assert "林日篩" in dispatch and re.search(r"個案 \d+", dispatch)
    read_as_words(desk, "day-screener-6-dispatched")
