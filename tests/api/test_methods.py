"""Pages answer only the methods they serve: OPTIONS, TRACE, PUT, DELETE and PATCH get 405 and an empty
body on every page of the URL conf, asked by an account the page serves, and nothing enters the access
log as read. Each view refuses them itself too (`require_safe`, `require_POST`,
`require_http_methods`), should the middleware in front of them be taken out. HEAD follows GET.

The API's operations are tried against every undocumented method in tests/api/test_schemathesis.py.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safetynet.audit.models import Action, AuditEntry
from tests.test_access_matrix import ALL, ANON, MATRIX

REFUSED = ("options", "trace", "put", "delete", "patch")
PAGES = sorted(name for name in MATRIX if not name.startswith("api:"))
METHODS_MIDDLEWARE = "safetynet.core.middleware.PageMethodsMiddleware"


def server_of(name: str) -> str | None:
    """A persona the page serves (neither 403 nor 404): the one who would get its content."""
    expected = MATRIX[name][2]
    served = [persona for persona in ALL if persona != ANON and expected[persona] not in (403, 404)]
    return served[0] if served else None


def last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def assert_refused(client: Client, url: str, name: str) -> None:
    start = last_seq()
    for method in REFUSED:
        response = getattr(client, method)(url)
        assert response.status_code == 405, f"{method.upper()} {name}"
        assert response["Allow"], f"{method.upper()} {name}"
        assert response.content == b"", f"{method.upper()} {name} showed a page"
    assert not AuditEntry.objects.filter(seq__gt=start, action=Action.READ).exists(), name


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_a_page_answers_methods_it_does_not_serve_with_405_and_nothing_else(name: str, as_user) -> None:  # type: ignore[no-untyped-def]
    _method, kwargs, _expected = MATRIX[name]
    assert_refused(as_user(server_of(name)), reverse(name, kwargs=kwargs()), name)


# Pages no demo account is served (the FPC supervisor's meeting form) are left to the first test.
SERVED_PAGES = [name for name in PAGES if server_of(name)]


@pytest.mark.django_db
@pytest.mark.parametrize("name", SERVED_PAGES)
def test_each_view_refuses_those_methods_itself(name: str, as_user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MIDDLEWARE = [entry for entry in settings.MIDDLEWARE if entry != METHODS_MIDDLEWARE]
    _method, kwargs, _expected = MATRIX[name]
    assert_refused(as_user(server_of(name)), reverse(name, kwargs=kwargs()), name)


GET_PAGES = [name for name in PAGES if MATRIX[name][0] == "get"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", GET_PAGES)
def test_head_is_answered_as_get_is(name: str, as_user) -> None:  # type: ignore[no-untyped-def]
    _method, kwargs, expected = MATRIX[name]
    persona = server_of(name)
    response = as_user(persona).head(reverse(name, kwargs=kwargs()))
    assert response.status_code == expected[persona or ANON], name
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body == b""
