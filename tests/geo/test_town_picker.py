"""Towns are picked by name with their county: ten counties have a 東區, a 中正區 or a 中山區."""

from __future__ import annotations

import re

import pytest

from safetynet.geo.forms import town_choices
from safetynet.geo.models import Town
from safetynet.people.forms import PersonForm

pytestmark = pytest.mark.django_db


def test_town_choices_are_grouped_by_county_the_receiving_one_first_each_with_its_county() -> None:
    choices = town_choices("10020")
    assert choices[0] == ("", "—")
    groups = choices[1:]
    assert groups[0][0] == "嘉義市" and dict(groups[0][1]) == {
        "10020010": "嘉義市東區",
        "10020020": "嘉義市西區",
    }
    labels = [label for _county, towns in groups for _code, label in towns]
    assert len(labels) == Town.objects.count() == len(set(labels))  # no two towns read the same


def test_the_person_form_names_towns_with_their_county_and_offers_the_typed_picker() -> None:
    form = PersonForm(towns=Town.objects.filter(county_id="10020"))
    html = str(form["town"])
    assert "data-town-picker" in html
    assert re.search(r'<option value="10020010">嘉義市東區</option>', html)


def test_the_person_form_page_loads_the_picker(as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user("worker").get("/people/new/").content.decode()
    assert "core/pickers.js" in page and "data-town-picker" in page
    assert ">嘉義縣朴子市<" in page
