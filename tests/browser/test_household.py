"""A worker on a phone completes a household during a visit: finds the mother by searching, registers a
new person without leaving the page, and moving a member out asks first."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_personas import shot

# In the server's database: a child's household in 朴子, and the mother, who lives in 六腳 in a household
# of her own (both the worker's area).
FAMILY = """
import datetime
from safetynet.domain import nationalid
from safetynet.geo.models import Town
from safetynet.people import services
from safetynet.people.services import PersonData

def person(name, sex, town, stem, born):
    return services.register_person(PersonData(
        name=name, sex=sex, birth_date=born, town=Town.objects.get(pk=town),
        national_id=stem + str(nationalid.check_digit(stem)),
    ))

child = person("陳小芸", "F", "10010020", "F22990010", datetime.date(2015, 6, 1))
household = services.create_household(child)
mother = person("吳美惠", "F", "10010080", "F22990011", datetime.date(1985, 3, 4))
services.create_household(mother)
print(f"HOUSEHOLD={household.pk} CHILD={child.pk} MOTHER={mother.pk} MOTHER_ID={mother.national_id}")
"""

STATE = """
from safetynet.people.models import HouseholdMember
for m in HouseholdMember.objects.filter(household_id={household}).select_related("person").order_by("pk"):
    print(f"MEMBER {{m.person.name}} {{m.role}} {{m.left_on}}")
"""


@pytest.fixture
def family(in_server) -> dict[str, str]:  # type: ignore[no-untyped-def]
    found = re.search(r"HOUSEHOLD=(\d+) CHILD=(\d+) MOTHER=(\d+) MOTHER_ID=(\w+)", in_server(FAMILY))
    assert found is not None
    return dict(zip(("household", "child", "mother", "mother_id"), found.groups(), strict=True))


def members(in_server, household: str) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r"^MEMBER (.+)$", in_server(STATE.format(household=household)), re.M)


def test_a_worker_adds_the_mother_by_searching_registers_the_father_and_moving_out_asks(  # type: ignore[no-untyped-def]
    login, server, in_server, family
) -> None:
    page = login("worker", width=390, height=844)
    page.goto(f"{server}/people/households/{family['household']}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The mother: typed into the search box, offered as a row (her ID masked), picked, added.
    search = page.locator("#search-q")
    search.fill("吳美惠")
    row = page.locator(f"[data-testid=pick-{family['mother']}]")
    row.wait_for()
    assert family["mother_id"] not in page.content()
    assert "F2*****" in row.inner_text()
    row.click()
    page.select_option("#id_role", "parent")
    page.fill("#id_joined_on", "114/01/01")  # typing elsewhere on the page does not search again
    page.wait_for_timeout(600)
    assert page.locator(f"[data-testid=pick-{family['mother']}] input").is_checked()
    shot(page, "worker-household-search-390")
    page.click("[data-testid=add-member]")
    page.wait_for_url(f"{server}/people/households/{family['household']}/")
    assert "吳美惠" in page.locator("[data-testid=members]").inner_text()
    assert "吳美惠 parent None" in members(in_server, family["household"])

    # The father is not on record: registered here; a wrong ID is refused and nothing typed is lost.
    page.click("[data-testid=register-toggle]")
    page.fill("#id_new-name", "陳大明")
    page.select_option("#id_new-sex", "M")
    page.fill("#id_new-birth_date", "72/08/15")
    page.fill("#id_new-national_id", "A123456788")  # a wrong check digit
    page.fill("#id_new-phones", "0912-000-111")
    page.select_option("#id_new-role", "spouse")
    page.click("[data-testid=register-member]")
    page.wait_for_selector("[data-testid=error-summary]")
    assert page.evaluate("document.activeElement.dataset.testid") == "error-summary"
    assert (
        page.input_value("#id_new-name") == "陳大明" and page.input_value("#id_new-phones") == "0912-000-111"
    )
    assert (
        page.input_value("#id_new-role") == "spouse" and page.input_value("#id_new-birth_date") == "72/08/15"
    )
    shot(page, "worker-household-register-error-390")
    page.fill("#id_new-national_id", "")
    page.click("[data-testid=register-member]")
    page.wait_for_url(f"{server}/people/households/{family['household']}/")
    assert "陳大明" in page.locator("[data-testid=members]").inner_text()
    assert "陳大明 spouse None" in members(in_server, family["household"])

    # Moving out asks first, naming the person; "no" changes nothing, "yes" records today.
    asked: list[str] = []
    answer = {"yes": False}

    def reply(dialog) -> None:  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.accept() if answer["yes"] else dialog.dismiss()

    page.on("dialog", reply)
    leave = page.locator("[data-testid=members] tr", has_text="陳大明").locator("[data-testid^=move-out-]")
    leave.click()
    assert len(asked) == 1 and "陳大明" in asked[0]
    assert "陳大明 spouse None" in members(in_server, family["household"])
    answer["yes"] = True
    with page.expect_navigation():
        leave.click()
    assert not any(line.startswith("陳大明 spouse None") for line in members(in_server, family["household"]))
    shot(page, "worker-household-after-390")
    # Names read whole on a phone, never a character a line; every button is big enough for a thumb.
    for url in (f"/people/households/{family['household']}/", f"/people/{family['child']}/"):
        page.goto(f"{server}{url}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        heights = page.evaluate(
            "Array.from(document.querySelectorAll('main .btn, main summary'))"
            ".filter(b => b.offsetParent !== null).map(b => b.getBoundingClientRect().height)"
        )
        assert heights and min(heights) >= 44, (url, heights)
    page.goto(f"{server}/people/households/{family['household']}/")
    for name in page.locator("[data-testid=members] td.name a").all():
        box = name.bounding_box()
        assert box is not None and box["height"] < 50 and box["width"] > box["height"]
