"""The UI is zh-Hant first: every message has its translation, compiled and in use."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "src" / "safetynet" / "locale"


def test_it_translates_every_message_into_traditional_chinese() -> None:
    po = polib.pofile(str(LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert untranslated == []
    assert not [e.msgstr for e in po if "台" in e.msgstr]


def test_the_english_catalogue_leaves_every_message_as_written() -> None:
    # The messages are written in English: an English "translation" can only be a wrong guess.
    po = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    guessed = [e.msgid for e in po if e.msgstr or any(e.msgstr_plural.values())]
    assert guessed == []


def test_it_ships_compiled_catalogues_that_match_their_sources() -> None:
    for language in ("zh_Hant", "en"):
        po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
        compiled = {
            e.msgid: e.msgstr for e in polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
        }
        stale = [
            e.msgid
            for e in po.translated_entries()
            if not e.msgid_plural and compiled.get(e.msgid) != e.msgstr
        ]
        assert stale == [], f"run `make messages` ({language})"


@pytest.mark.django_db
def test_it_speaks_chinese_by_default_and_english_on_request(as_user) -> None:  # type: ignore[no-untyped-def]
    worker = as_user("worker")
    assert "人員與家戶" in worker.get("/").content.decode()
    worker.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Persons &amp; households" in worker.get("/").content.decode()


@pytest.mark.django_db
def test_it_stays_in_chinese_for_a_browser_that_prefers_english(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("worker").get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "人員與家戶" in response.content.decode()
    assert response["Content-Language"] == "zh-hant"


@pytest.mark.django_db
def test_a_missing_or_closed_record_answers_a_page_in_the_readers_language(as_user) -> None:  # type: ignore[no-untyped-def]
    worker = as_user("worker")
    missing = worker.get("/cases/999999999/")
    assert missing.status_code == 404
    page = missing.content.decode()
    assert "找不到這一頁" in page and "Not Found" not in page and 'href="/"' in page
    worker.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = worker.get("/cases/999999999/").content.decode()
    assert "Page not found" in page and "找不到" not in page


@pytest.mark.django_db
def test_someone_not_signed_in_can_read_the_login_page_in_english(client) -> None:  # type: ignore[no-untyped-def]
    assert 'data-testid="language"' in client.get("/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    page = client.get("/login/").content.decode()
    assert "Username" in page and "帳號" not in page


def test_labels_and_lists_take_the_readers_punctuation() -> None:
    template = Template("{% load words %}Where{% colon %}A{% comma %}B")
    with translation.override("en"):
        assert template.render(Context()) == "Where: A, B"
    with translation.override("zh-hant"):
        assert template.render(Context()) == "Where：A、B"
