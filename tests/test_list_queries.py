"""The list pages read a bounded number of queries, not one per row: each is read, full of the session's
demo county's rows, within its ceiling (the access log's append included; PostgreSQL takes a lock more)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

# Measured on SQLite, plus the PostgreSQL lock and one to spare.
PAGES = [
    ("screener", "/intake/queue/", 12),
    ("supervisor", "/cases/queue/", 13),
    ("worker", "/cases/clocks/", 10),
    ("supervisor", "/cases/clocks/", 11),
    ("worker", "/referrals/", 9),
    ("admin", "/audit/", 9),
]


@pytest.mark.parametrize(("username", "url", "ceiling"), PAGES)
def test_the_list_page_reads_a_bounded_number_of_queries(  # type: ignore[no-untyped-def]
    as_user, django_assert_max_num_queries, username: str, url: str, ceiling: int
) -> None:
    client = as_user(username)
    first = client.get(url)  # session and caches warm
    assert first.status_code == 200
    with django_assert_max_num_queries(ceiling):
        assert client.get(url).status_code == 200
