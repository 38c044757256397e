"""The whole UI in both languages: every page each persona reads shows, in English, no Chinese outside the
data (persons' and places' names, units, partners, what someone typed), and in zh-Hant no English
sentence.

The pages are the access matrix's (tests/test_access_matrix.py) that answer the persona's GET with 200,
made by the matrix's own factories, the case pages of each kind the persona may open, and the pages of
someone not signed in. "The data" is every text the database holds, and the screening rules the county
runs (the shipped rule set until it publishes its own: its rules, reasons and code lists are the county's
to word): a run of Chinese characters on an English page passes when the same run stands in some record.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from importlib import resources
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from safetynet.domain.referral import mask_name
from tests.test_access_matrix import ANON, CASE_KIND_MATRIX, MATRIX, PAGE_NAMES

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# On a page a masked name (王○明) is one run with its mask.
SHOWN_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff○]+")
# Three English words in a row, the first capitalised or not: a sentence or a label left untranslated.
ENGLISH_WORDS = re.compile(r"\b[A-Za-z][a-z]+(?: [a-z]{2,}){2,}\b")
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
# Each language is offered in its own words (繁體中文 on an English page).
LANGUAGE_NAMES = {name for _code, name in settings.LANGUAGES}
SHIPPED_RULES = resources.files("safetynet.domain.triage") / "data" / "default_v1.json"


class Text(HTMLParser):
    """The text a reader sees or hears: text nodes and the labelling attributes, not scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in SHOWN_ATTRIBUTES and value]
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def shown_text(html: str) -> list[str]:
    parser = Text()
    parser.feed(html)
    return parser.parts


class Data:
    """The Chinese runs of every text the database holds; rows added since the last look are read
    on the next (the matrix's factories make a case, a referral, a meeting per page)."""

    def __init__(self) -> None:
        self.runs: set[str] = set()
        self.seen: dict[type[models.Model], Any] = {}
        self._add(json.loads(SHIPPED_RULES.read_text(encoding="utf-8")))

    def _add(self, value: Any) -> None:
        if isinstance(value, str):
            for run in CJK.findall(value):
                self.runs.update((run, mask_name(run)))
        elif isinstance(value, dict):
            for key, item in value.items():
                self._add(key)
                self._add(item)
        elif isinstance(value, list | tuple):
            for item in value:
                self._add(item)

    def refresh(self) -> set[str]:
        for model in apps.get_models():
            fields = [
                f.attname
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField | models.JSONField)
            ]
            if not fields:
                continue
            rows = model._default_manager.all()
            numeric = isinstance(model._meta.pk, models.AutoField | models.BigAutoField)
            if model in self.seen:
                if not numeric:
                    continue
                rows = rows.filter(pk__gt=self.seen[model])
            last = self.seen.get(model, 0)
            for *values, pk in rows.values_list(*fields, "pk").iterator():
                self._add(values)
                last = max(last, pk) if numeric else last
            self.seen[model] = last
        return self.runs


DATA = Data()


def chinese_outside_the_data(html: str) -> set[str]:
    """Runs of Chinese that no record holds, whole or as two records side by side (嘉義縣 and 東石鄉 as
    嘉義縣東石鄉)."""
    runs = DATA.refresh() | LANGUAGE_NAMES

    def data(run: str) -> bool:
        return run in runs or any(run[:i] in runs and run[i:] in runs for i in range(1, len(run)))

    return {run for text in shown_text(html) for run in SHOWN_CJK.findall(text) if not data(run)}


def english_sentences(html: str) -> set[str]:
    """English words on a zh-Hant page, outside what is code (a command to type, a field's name)."""
    main = re.sub(r"<code>.*?</code>|`[^`]*`", "", html[html.find("<main") :], flags=re.S)
    return {match for text in shown_text(main) for match in ENGLISH_WORDS.findall(text)}


READERS = [
    (name, persona)
    for name in PAGE_NAMES
    for persona, status in MATRIX[name][2].items()
    if status == 200 and persona != ANON
]
CASE_READERS = [
    (kind, persona)
    for kind, (_make, expected) in sorted(CASE_KIND_MATRIX.items())
    for persona, status in expected.items()
    if status == 200
]


def assert_it_reads_in_either_language(as_user, persona: str | None, address: str) -> None:  # type: ignore[no-untyped-def]
    pages = {}
    for language in ("en", "zh-hant"):
        client = as_user(persona)
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        response = client.get(address)
        assert response.status_code in (200, 404), address
        pages[language] = response.content.decode()
    chinese = chinese_outside_the_data(pages["en"])
    assert not chinese, f"{address} in English: {sorted(chinese)}"
    english = english_sentences(pages["zh-hant"])
    assert not english, f"{address} in zh-Hant: {sorted(english)}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "persona"), READERS, ids=[f"{n}-{p}" for n, p in READERS])
def test_every_page_reads_in_either_language(name: str, persona: str, as_user) -> None:  # type: ignore[no-untyped-def]
    assert_it_reads_in_either_language(as_user, persona, reverse(name, kwargs=MATRIX[name][1]()))


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "persona"), CASE_READERS, ids=[f"{k}-{p}" for k, p in CASE_READERS])
def test_every_kind_of_case_page_reads_in_either_language(kind: str, persona: str, as_user) -> None:  # type: ignore[no-untyped-def]
    assert_it_reads_in_either_language(as_user, persona, f"/cases/{CASE_KIND_MATRIX[kind][0]().pk}/")


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/login/", "/no-such-page/"])
def test_the_pages_of_someone_not_signed_in_read_in_either_language(address: str, as_user) -> None:  # type: ignore[no-untyped-def]
    assert_it_reads_in_either_language(as_user, None, address)
