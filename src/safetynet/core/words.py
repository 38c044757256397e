"""The words a person reads where the system keeps a code: routes, report types, sources, statuses, roles.

Code lists are data (the rule set in force, the role table, the clocks of a rule set, model choices) and
their labels are written in zh-Hant by the county. The English UI looks each label up in
`core/data/terms_en.csv` (zh-Hant → English), an editable list; a label without an entry (a county's own
addition) shows as the county wrote it. Names that carry their own English (roles, counties, towns) use it.
The instruments keep their English beside their zh-Hant wording (`safetynet.domain.instruments`).
Statuses the code defines (a case's, a referral's, a report's edition) are labelled with translated
messages instead (`core.choices`), and need no entry here.

The rule set in force is read once per request (`request_started` forgets it) and at most every
`CODES_TTL` seconds elsewhere (the job worker), so a page that names fifty routes asks the database once.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Iterable
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from django.core.signals import request_started
from django.utils.translation import get_language

from safetynet.domain import instruments
from safetynet.domain.triage import Codes, RuleSet

TERMS_FILE = Path(__file__).resolve().parent / "data" / "terms_en.csv"
CODES_TTL = 30.0

_rules: ContextVar[tuple[float, RuleSet] | None] = ContextVar("safetynet_rules", default=None)


def forget_codes(**_kwargs: Any) -> None:
    """Read the rule set in force again at the next label (a request starts, a version is published)."""
    _rules.set(None)


request_started.connect(forget_codes, dispatch_uid="safetynet.core.words.forget_codes")


def rule_set() -> RuleSet:
    """The rule set in force, for pages that show it (labels, cut-offs); services read their own."""
    from safetynet.intake.rules import current_rule_set

    held = _rules.get()
    now = time.monotonic()
    if held is not None and now - held[0] < CODES_TTL:
        return held[1]
    found = current_rule_set()
    _rules.set((now, found))
    return found


def codes() -> Codes:
    """The code lists of the rule set in force."""
    return rule_set().codes


@cache
def terms_en() -> dict[str, str]:
    with TERMS_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["zh"]: row["en"] for row in csv.DictReader(handle) if row["zh"] and row["en"]}


def english() -> bool:
    return (get_language() or "").startswith("en")


def term(text: Any) -> str:
    """A zh-Hant label of a code list, in the language of the page."""
    label = "" if text is None else str(text)
    return terms_en().get(label, label) if english() else label


def local_name(obj: Any) -> str:
    """A role's, county's or town's name in the language of the page (`name_en` where it has one)."""
    if obj is None:
        return ""
    name_en = str(getattr(obj, "name_en", None) or "")
    if english() and name_en:
        return name_en
    return str(getattr(obj, "name", obj))


def _label(kind: str, code: Any) -> str:
    if code in (None, ""):
        return ""
    return term(codes().of(kind).get(str(code), str(code)))  # type: ignore[arg-type]


def route_name(code: Any) -> str:
    return _label("routes", code)


def type_name(code: Any) -> str:
    return _label("types", code)


def source_name(code: Any) -> str:
    return _label("sources", code)


def flag_name(code: Any) -> str:
    return _label("flags", code)


def subject_role_name(code: Any) -> str:
    return _label("roles", code)


def list_name(code: Any) -> str:
    return _label("lists", code)


def instrument_name(code: Any) -> str:
    """An instrument's name in the language of the page; an unknown code as it is."""
    return instruments.names(get_language()).get(str(code), str(code))


def assessment_label(assessment: Any) -> str:
    """What an assessment's result means, in the language of the page: its label as recorded (zh-Hant),
    or in English the English of its band; the label as recorded where the wording has no such band."""
    recorded = str(getattr(assessment, "label", "") or "")
    if not english():
        return recorded
    result = {"instrument": assessment.instrument, "band": assessment.band} | dict(assessment.result or {})
    try:
        return instruments.label(result, get_language())
    except (KeyError, ValueError):
        return term(recorded)


def referral_status_name(code: Any) -> str:
    """A referral's status in the language of the page (notifications written before statuses were kept
    as codes hold the zh-Hant label)."""
    from safetynet.referrals.models import REFERRAL_STATUS_LABELS

    try:
        return REFERRAL_STATUS_LABELS[str(code)]
    except ValueError:
        return term(code)


def joined(labels: Iterable[str]) -> str:
    """Labels as a list a reader of the page's language expects: 兒少保護、脆弱家庭 / CP, VF."""
    return (", " if english() else "、").join(label for label in labels if label)


def type_names(codes_: Iterable[Any]) -> str:
    return joined(type_name(code) for code in codes_)


def staff_name(user: Any) -> str:
    """The person behind an account, by name: never the username (「系統」 for none)."""
    from django.utils.translation import gettext

    if user is None:
        return gettext("system")
    staff = getattr(user, "staff", None)
    if staff is not None and getattr(staff, "name", None):
        return str(staff.name)
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or gettext("(an account without a name)")


# Labels the services compose for a case's clocks: 定期訪視（風險高，每14日）, 轉介回覆（就業服務・某協會）.
_PLAN_CLOCK_RE = re.compile(r"^(?P<task>[^（]+)（風險(?P<level>[^，]+)，每(?P<days>\d+)日）$")
_REFERRAL_CLOCK_RE = re.compile(r"^轉介回覆（(?P<what>.+)）$")


def clock_label(label: Any) -> str:
    """A clock's label in the language of the page."""
    text = "" if label is None else str(label)
    if not english():
        return text
    if match := _PLAN_CLOCK_RE.match(text):
        level = "not assessed" if match["level"] == "未評估" else term(match["level"]).lower()
        return f"{term(match['task'])} (risk {level}, every {match['days']} days)"
    if match := _REFERRAL_CLOCK_RE.match(text):
        return f"{term('轉介回覆')} ({match['what'].replace('・', ' · ')})"
    return term(text)
