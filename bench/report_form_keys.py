"""Benchmark: how many keys the screening desk presses, besides the report's own characters, to type
one fixed report into the report form (`/intake/new/`) with the keyboard alone.

    .venv/bin/python bench/report_form_keys.py --base http://127.0.0.1:8103 [--user screener]
        [--password safetynet-demo] [--width 1366 --height 768] [--show]

The report: an IPV report from the 113 line, with a narrative; subject 1 the victim (被害人) with a name,
a birth date, the town 民雄鄉 and the type IPV; subject 2 the respondent (相對人) with a name. It is typed
as a fast typist would: from where the page puts the focus, Tab to the next field to fill (empty fields
are passed with Tab), characters typed into text fields and into selects whose labels start with them,
arrow keys where a select cannot be typed into (its labels are Chinese), Space on a checkbox, Enter on a
button. Every key that is not a character of the content is counted: Tab, arrows, Enter, Space on a
checkbox.

The form is found as it is: the plan for a form with typed pickers (`[data-chips]`, a town field filtered
as one types, a 「新增通報對象」 button) or for the plain form (checkboxes, selects, every subject shown). The report's
content is the same in both; the plain form refuses a respondent without a report type, so there the
respondent's IPV is ticked as well, as the form demands. The report is recorded (on the server given:
use a demo or test server, never a county's own).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# Three-character names new to the database each run (a person already on record would be offered as a
# candidate, and picking one is another report); the count is the same whatever the characters.
GIVEN = "曉薇志豪雅婷冠宇佳蓉承翰怡君家瑋淑芬俊傑"
VICTIM, RESPONDENT = ("林" + "".join(random.sample(GIVEN, 2)), "張" + "".join(random.sample(GIVEN, 2)))
BIRTH = "69/5/3"
TOWN, TOWN_TYPED = "10010050", "民雄"  # 嘉義縣民雄鄉
NARRATIVE = "案妻來電，稱昨晚遭案夫毆打頭部，現暫住娘家"
MAX_STEPS = 400


@dataclass
class Typist:
    page: Any
    keys: Counter[str] = field(default_factory=Counter)
    content: int = 0
    steps: list[tuple[str, Counter[str]]] = field(default_factory=list)

    def press(self, key: str) -> None:
        self.keys[key] += 1
        self.steps[-1][1][key] += 1
        self.page.keyboard.press(key)
        if key == "Enter":
            self.page.wait_for_timeout(100)  # what Enter opens or moves to settles, as a person would see it

    def type(self, text: str) -> None:
        self.content += len(text)
        self.page.keyboard.type(text)

    def step(self, name: str) -> None:
        self.steps.append((name, Counter()))

    def focused(self, selector: str) -> bool:
        return bool(
            self.page.evaluate(
                "s => { const a = document.activeElement; return !!a && a.matches(s) }", selector
            )
        )

    def go(self, selector: str) -> None:
        """Tab forward until the field is focused (the page settles in between: HTMX lookups may add
        fields, as they would for a person)."""
        for _ in range(MAX_STEPS):
            if self.focused(selector):
                return
            self.press("Tab")
            self.page.wait_for_timeout(30)
        raise SystemExit(f"never reached {selector} by Tab")

    def value(self, selector: str) -> str:
        return str(self.page.eval_on_selector(selector, "e => e.value"))

    def arrows_to(self, selector: str, value: str) -> None:
        """A select whose labels cannot be typed: ArrowDown until the wanted option is chosen."""
        for _ in range(MAX_STEPS):
            if self.value(selector) == value:
                return
            self.press("ArrowDown")
        raise SystemExit(f"{selector}: no option {value!r} below")


def typed_pickers(page: Any) -> bool:
    return bool(page.query_selector("[data-chips]"))


def plain_form(t: Typist) -> None:
    t.step("source")
    t.go("#id_source")
    t.type("113")
    assert t.value("#id_source") == "113"
    t.step("narrative")
    t.go("#id_narrative")
    t.type(NARRATIVE)
    for i, (role, name) in enumerate((("victim", VICTIM), ("respondent", RESPONDENT))):
        p = f"#id_subjects-{i}-"
        t.step(f"subject {i + 1} role")
        t.go(p + "role")
        t.arrows_to(p + "role", role)
        t.step(f"subject {i + 1} name")
        t.go(p + "name")
        t.type(name)
        if i == 0:
            t.step("subject 1 birth date")
            t.go(p + "birth_date")
            t.type(BIRTH)
            t.step("subject 1 town")
            t.go(p + "town")
            t.arrows_to(p + "town", TOWN)
        # The plain form wants a report type for every subject: the respondent's is ticked too.
        t.step(f"subject {i + 1} type IPV")
        t.go(f"input[name='subjects-{i}-types'][value='IPV']")
        t.press("Space")
    t.step("submit")
    t.go("form[data-testid=report-form] button[type=submit]")
    t.press("Enter")


def picker_form(t: Typist) -> None:
    t.step("source")
    t.go("#id_source")
    t.type("113")
    assert t.value("#id_source") == "113"
    for i, (role, name) in enumerate((("victim", VICTIM), ("respondent", RESPONDENT))):
        p = f"#id_subjects-{i}-"
        if i == 1:
            t.step("add subject 2")
            t.go("[data-add-subject]")
            t.press("Enter")
        t.step(f"subject {i + 1} role")
        t.go(p + "role")
        t.arrows_to(p + "role", role)
        t.step(f"subject {i + 1} name")
        t.go(p + "name")
        t.type(name)
        if i == 0:
            t.step("subject 1 birth date")
            t.go(p + "birth_date")
            t.type(BIRTH)
            t.step("subject 1 town")
            t.go(f"[data-town-input][data-for='subjects-{i}-town']")
            t.type(TOWN_TYPED)
            t.press("Enter")  # picks the first match (and moves on)
            town = t.value(f"select[name='subjects-{i}-town']")
            assert town == TOWN, town
            t.step("subject 1 type IPV")
            t.go(f"[data-chips-input][data-for='subjects-{i}-types']")
            t.type("IPV")
            t.press("Enter")
            checked = t.page.eval_on_selector_all(
                f"input[name='subjects-{i}-types']:checked", "els => els.map(e => e.value)"
            )
            assert checked == ["IPV"], checked
    t.step("narrative")
    t.go("#id_narrative")
    t.type(NARRATIVE)
    t.step("submit")
    t.go("form[data-testid=report-form] button[type=submit]")
    t.press("Enter")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="e.g. http://127.0.0.1:8103")
    parser.add_argument("--user", default="screener")
    parser.add_argument("--password", default="safetynet-demo")
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("--height", type=int, default=768)
    parser.add_argument("--show", action="store_true", help="print each step's keys")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        context = browser.new_context(viewport={"width": args.width, "height": args.height}, locale="zh-TW")
        page = context.new_page()
        page.goto(f"{args.base}/login/")
        page.fill("#id_username", args.user)
        page.fill("#id_password", args.password)
        page.press("#id_password", "Enter")
        page.wait_for_url(f"{args.base}/")
        page.goto(f"{args.base}/intake/new/")
        page.wait_for_load_state("networkidle")
        typist = Typist(page)
        kind = "typed pickers" if typed_pickers(page) else "plain"
        (picker_form if kind == "typed pickers" else plain_form)(typist)
        page.wait_for_url(re.compile(r"/intake/reports/\d+/$"), timeout=15_000)
        text = page.inner_text("main")
        assert VICTIM in text and RESPONDENT in text, "the report does not name both subjects"
        browser.close()

    total = sum(typist.keys.values())
    figures = {
        "form": kind,
        "navigation_keys": total,
        "by_key": dict(typist.keys.most_common()),
        "content_characters": typist.content,
        "report": page.url,
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print(f"form: {kind} ({args.width}×{args.height})")
        print(
            f"keys besides the content: {total}  ({', '.join(f'{k} {n}' for k, n in typist.keys.most_common())})"
        )
        print(f"content characters typed: {typist.content}")
        if args.show:
            for name, keys in typist.steps:
                print(f"  {name:<22} {sum(keys.values()):>3}  {dict(keys)}")
    sys.exit(0)


if __name__ == "__main__":
    main()
