"""GET /api/v1/directory/services: the partner directory as HSDS 3.0 compiled services, checked against
the specification's own schema (a copy in `hsds-3.0/`, CC BY-SA 4.0, since CI has no /work/shared)."""

from __future__ import annotations

import functools
import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safetynet.core.tokens import issue_token
from safetynet.referrals.hsds import NAMESPACE, id_of
from safetynet.referrals.models import Location, Organization, Service, ServiceCategory
from tests.referrals.helpers import user

pytestmark = pytest.mark.django_db

URL = "/api/v1/directory/services"
SCHEMA = Path(__file__).resolve().parent / "hsds-3.0" / "compiled" / "service.json"


@functools.cache
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    # The compiled schema nests every object in place: nothing to resolve, nothing fetched.
    assert "$ref" not in SCHEMA.read_text(encoding="utf-8")
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture
def token() -> str:
    _, plain = issue_token(user("worker"), scopes=["read"])
    return plain


def get(token: str, **params: Any) -> Any:
    return Client().get(URL, params, HTTP_AUTHORIZATION=f"Bearer {token}")


def every_service(token: str, **params: Any) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    number = 1
    while True:
        body = get(token, page=number, **params).json()
        records += body["contents"]
        if body["last_page"]:
            return records
        number += 1


def exported() -> Any:
    return Service.objects.filter(organization__active=True)


def test_the_url_is_named_in_the_api_namespace() -> None:
    assert reverse("api:directory_services") == URL


def test_every_exported_service_validates_against_the_hsds_schema(token: str) -> None:
    records = every_service(token, per_page=10)
    assert len(records) == exported().count() > 20
    for record in records:
        errors = sorted(validator().iter_errors(record), key=lambda e: list(e.absolute_path))
        assert not errors, (record["name"], [f"{list(e.absolute_path)}: {e.message}" for e in errors])


def test_the_schema_catches_what_a_wrong_export_would_send(token: str) -> None:
    record = get(token, per_page=1).json()["contents"][0]
    for wrong in ({"status": "open"}, {"id": "12"}, {"organization": {"name": "x"}}, {"email": None}):
        assert not validator().is_valid(record | wrong), wrong


def test_a_service_carries_its_organisation_categories_areas_and_locations(token: str) -> None:
    service = Service.objects.get(organization__name="嘉義縣政府社會局", name="急難救助")
    record = next(r for r in every_service(token) if r["id"] == id_of(service))
    assert record["id"] == str(uuid.uuid5(NAMESPACE, f"safetynet:referrals.service:{service.pk}"))
    assert (record["name"], record["status"]) == ("急難救助", "active")
    assert record["organization"]["name"] == "嘉義縣政府社會局"
    assert record["organization"]["alternate_name"] == "嘉義縣社會局"
    assert record["organization"]["description"]  # falls back to the name when the directory has none
    codes = {a["taxonomy_term"]["code"] for a in record["attributes"]}
    assert codes == {c.code for c in service.categories.all()}
    for attribute in record["attributes"]:
        assert (attribute["link_entity"], attribute["link_type"]) == ("service", "service_category")
        assert attribute["link_id"] == record["id"]
        assert attribute["taxonomy_term"]["taxonomy"] == "SafetyNet referral categories"
        assert attribute["taxonomy_term_id"] == attribute["taxonomy_term"]["id"]
    assert {a["name"] for a in record["service_areas"]} == {t.full_name for t in service.towns.all()}
    assert "嘉義縣太保市" in {a["name"] for a in record["service_areas"]}
    [at] = record["service_at_locations"]
    location = at["location"]
    assert (location["location_type"], location["latitude"], location["longitude"]) == (
        "physical",
        23.4594,
        120.3326,
    )
    [address] = location["addresses"]
    assert (address["city"], address["state_province"], address["country"]) == ("太保市", "嘉義縣", "TW")
    assert (address["postal_code"], address["address_type"]) == ("612", "physical")
    [hours] = record["schedules"]
    assert (hours["freq"], hours["byday"], hours["opens_at"], hours["closes_at"]) == (
        "WEEKLY",
        "MO,TU,WE,TH,FR",
        "08:00",
        "17:30",
    )
    assert (hours["location_id"], hours["service_at_location_id"]) == (location["id"], at["id"])
    assert [p["number"] for p in record["organization"]["phones"]] == ["05-0000-1001"]


def test_ids_stay_the_same_from_one_export_to_the_next(token: str) -> None:
    assert every_service(token) == every_service(token)


def test_the_zh_hant_text_is_sent_as_it_reads(token: str) -> None:
    assert "嘉義縣政府社會局" in get(token).content.decode()


def test_the_total_counts_the_services_of_active_organisations(token: str) -> None:
    body = get(token).json()
    # In the demo every service is active, so these are also the active services of active organisations.
    assert body["total_items"] == exported().count() == exported().filter(status="active").count()


def test_a_paused_service_is_exported_with_its_status_and_an_inactive_partner_not_at_all(
    token: str,
) -> None:
    paused = Service.objects.get(organization__name="嘉義縣政府社會局", name="急難救助")
    Service.objects.filter(pk=paused.pk).update(status="temporarily closed")
    gone = Organization.objects.get(name="嘉義家扶中心")
    Organization.objects.filter(pk=gone.pk).update(active=False)
    records = {r["id"]: r for r in every_service(token)}
    assert records[id_of(paused)]["status"] == "temporarily closed"
    assert not any(r["organization"]["id"] == id_of(gone) for r in records.values())
    assert len(records) == exported().count()
    errors = get(token, organization_id=id_of(gone)).json()["errors"]
    assert list(errors) == ["organization_id"]


def test_the_page_object_describes_the_page(token: str) -> None:
    total = exported().count()
    first = get(token, per_page=10).json()
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": total,
        "total_pages": -(-total // 10),
        "page_number": 1,
        "size": 10,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    last = get(token, per_page=10, page=first["total_pages"]).json()
    assert (last["size"], last["first_page"], last["last_page"]) == (
        total - (total // 10) * 10 or 10,
        False,
        True,
    )
    past = get(token, per_page=10, page=99).json()
    assert (past["size"], past["contents"], past["empty"], past["last_page"]) == (0, [], True, True)
    assert past["total_items"] == total


def test_pages_split_the_directory_without_gaps_or_repeats(token: str) -> None:
    whole = [r["id"] for r in get(token, per_page=200).json()["contents"]]
    paged = [r["id"] for r in every_service(token, per_page=7)]
    assert paged == whole
    assert len(set(whole)) == len(whole) == exported().count()
    assert get(token).json()["size"] == min(50, len(whole))


def test_the_category_filter_returns_only_services_tagged_with_it(token: str) -> None:
    charity = ServiceCategory.objects.get(code="charity")
    expected = {id_of(s) for s in exported().filter(categories=charity)}
    by_code = every_service(token, category="charity")
    assert {r["id"] for r in by_code} == expected and len(expected) > 3
    for record in by_code:
        assert "charity" in {a["taxonomy_term"]["code"] for a in record["attributes"]}
    by_term = every_service(token, taxonomy_term_id=id_of(charity))
    assert [r["id"] for r in by_term] == [r["id"] for r in by_code]


def test_the_organisation_filter_returns_its_services_only(token: str) -> None:
    organization = Organization.objects.get(name="嘉義縣政府社會局")
    records = every_service(token, organization_id=id_of(organization).upper())
    assert {r["id"] for r in records} == {id_of(s) for s in organization.services.all()}
    assert len(records) >= 2


def test_a_confidential_location_exports_neither_address_nor_coordinates(token: str) -> None:
    house = Location.objects.get(organization__name="女性藥癮者中途之家", address_confidential=True)
    # Give it an address and coordinates, as a real directory would hold, to see that they stay home.
    Location.objects.filter(pk=house.pk).update(
        address="嘉義縣民雄鄉保密路99號",
        postal_code="621",
        latitude=Decimal("23.551"),
        longitude=Decimal("120.428"),
    )
    records = every_service(token)
    found = [
        at["location"]
        for r in records
        for at in r.get("service_at_locations", [])
        if at["location"]["id"] == id_of(house)
    ]
    assert found
    for location in found:
        assert not {"addresses", "latitude", "longitude"} & set(location)
        assert location["name"] == house.name
    text = json.dumps(records, ensure_ascii=False)
    assert "保密路" not in text and "23.551" not in text and "120.428" not in text


def test_it_needs_a_token(as_user) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(URL).status_code == 401
    assert as_user("worker").get(URL).status_code == 401  # a session is not enough
    assert Client().get(URL, HTTP_AUTHORIZATION="Bearer sn_nope_nope").status_code == 401


def test_a_token_without_the_read_scope_is_refused() -> None:
    _, plain = issue_token(user("screener"), scopes=["reports:write"])
    assert get(plain).status_code == 401


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-3"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"page": "9" * 5000}, "page"),
        ({"per_page": "1000"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "²"}, "per_page"),
        ({"category": "no_such_category"}, "category"),
        ({"category": "charity\x00"}, "category"),
        ({"taxonomy_term_id": "not-a-uuid"}, "taxonomy_term_id"),
        ({"taxonomy_term_id": str(uuid.uuid4())}, "taxonomy_term_id"),
        ({"organization_id": "12345"}, "organization_id"),
        ({"organization_id": str(uuid.uuid4())}, "organization_id"),
    ],
)
def test_a_bad_parameter_answers_422_naming_it(token: str, params: dict[str, str], parameter: str) -> None:
    response = get(token, **params)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [parameter]


def test_a_huge_page_number_answers_an_empty_page(token: str) -> None:
    body = get(token, page=str(10**30)).json()
    assert (body["contents"], body["total_items"]) == ([], exported().count())


def page_queries(token: str, per_page: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        body = get(token, per_page=per_page).json()
    assert body["size"] == min(per_page, exported().count())
    return len(queries)


def test_the_query_count_does_not_grow_with_the_page(token: str, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    get(token)  # the token's first use records when it was used
    with django_assert_max_num_queries(20):
        get(token, per_page=50)
    with django_assert_max_num_queries(20):
        get(token, per_page=5, category="charity")
    assert page_queries(token, 5) == page_queries(token, 50)
