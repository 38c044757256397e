"""Rule-set pages (篩派規則): versions and their history, a readable view of one version, drafting a new
version from it, what-if over past reports, and publishing. For administrators and managers only.

The shipped default (v1) has no database row until someone stores one under its version; it is listed
as 內建預設 and can be the base of a draft like any other version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from safetynet.core import words
from safetynet.core.access import kinds_required
from safetynet.core.errors import DomainError
from safetynet.domain.triage import Condition, Rule, RuleSet, default_rule_set
from safetynet.domain.triage.ruleset import TERMS, field_name
from safetynet.intake import services
from safetynet.intake.forms import DraftForm, WhatIfForm, document_text
from safetynet.intake.models import RuleSetStatus, RuleSetVersion
from safetynet.intake.rules import current_rule_set
from safetynet.intake.whatif import (
    ChangedReport,
    RouteOutcome,
    compare,
    default_period,
    parameter_text,
    what_if,
)
from safetynet.org.models import AccessKind

RULE_KINDS = (AccessKind.ADMIN, AccessKind.MANAGER)
PUBLISH_PREVIEW = 20

STATUS_BADGES = {RuleSetStatus.CURRENT: "ok", RuleSetStatus.DRAFT: "warn"}


@dataclass(frozen=True)
class Version:
    """A rule-set version as listed: a stored row, or the shipped default (row None)."""

    version: str
    name: str
    status: RuleSetStatus
    row: RuleSetVersion | None

    @property
    def builtin(self) -> bool:
        return self.row is None

    @property
    def is_draft(self) -> bool:
        return self.status == RuleSetStatus.DRAFT

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def badge(self) -> str:
        return STATUS_BADGES.get(self.status, "")

    def rule_set(self) -> RuleSet:
        return RuleSet.from_dict(self.row.document) if self.row is not None else default_rule_set()


def _status(row: RuleSetVersion | None, current: str, version: str) -> RuleSetStatus:
    if version == current:
        return RuleSetStatus.CURRENT
    if row is not None and row.published_at is None:
        return RuleSetStatus.DRAFT
    return RuleSetStatus.PUBLISHED


def _versions() -> list[Version]:
    current = current_rule_set().version
    rows = RuleSetVersion.objects.select_related("created_by__staff", "published_by__staff").order_by("id")
    listed = [Version(r.version, r.name, _status(r, current, r.version), r) for r in rows]
    default = default_rule_set()
    if all(v.version != default.version for v in listed):
        listed.insert(
            0, Version(default.version, default.name, _status(None, current, default.version), None)
        )
    return listed


def _version_or_404(version: str) -> Version:
    found = next((v for v in _versions() if v.version == version), None)
    if found is None:
        raise Http404
    return found


def who(user: Any) -> str:
    if user is None:
        return ""
    staff = getattr(user, "staff", None)  # None too when the account has no staff record
    return str(staff.name) if staff is not None else str(user.get_username())


# --- readable summaries -------------------------------------------------------------------------------

TERM_LABELS: dict[str, Any] = {
    "types_any": gettext_lazy("Report type is"),
    "report_types_any": gettext_lazy("The report includes type"),
    "role_in": gettext_lazy("Role is"),
    "flags_any": gettext_lazy("Any of the flags"),
    "flags_all": gettext_lazy("All of the flags"),
    "flags_none": gettext_lazy("None of the flags"),
    "source_in": gettext_lazy("Report source is"),
    "open_routes_any": gettext_lazy("Has an open case on"),
    "routed_any": gettext_lazy("Already routed in this report to"),
    "tipvda_at_least": gettext_lazy("TIPVDA score ≥"),
    "suicide_within_days": gettext_lazy("A suicide report in the last N days, N ="),
    "psychiatric_level_in": gettext_lazy("Psychiatric care level is"),
}
YES_NO_LABELS: dict[str, tuple[Any, Any]] = {
    "outside_area": (
        gettext_lazy("Lives in another county"),
        gettext_lazy("Lives in this county or unknown"),
    ),
    "protective_issue": (gettext_lazy("Has a protective issue"), gettext_lazy("No protective issue")),
    "drug_registry": (
        gettext_lazy("On the drug addiction register"),
        gettext_lazy("Not on the drug addiction register"),
    ),
    "court_ordered_treatment": (
        gettext_lazy("Court-ordered treatment programme"),
        gettext_lazy("No court-ordered treatment programme"),
    ),
}
CODE_KIND_OF_TERM = {key: term.codes for key, term in TERMS.items() if term.kind == "codes"}


def _argument(rules: RuleSet, key: str, value: Any) -> str:
    """A condition's argument in words: codes by their labels; a parameter by its value and name."""
    resolved = rules.parameters.get(value, value) if isinstance(value, str) else value
    kind = CODE_KIND_OF_TERM.get(key)
    if kind is not None and isinstance(resolved, tuple):
        labels = rules.codes.of(kind)
        text = "、".join(labels.get(c, labels.get(c.rstrip("*"), c)) for c in resolved if isinstance(c, str))
    else:
        text = parameter_text(resolved)
    if isinstance(value, str) and value in rules.parameters:
        text += _(" (parameter %(name)s)") % {"name": value}
    return text


def describe(condition: Condition, rules: RuleSet) -> str:
    """A condition as one line of zh-Hant: every part must hold, joined by 「且」."""
    parts: list[str] = []
    for key in TERMS:
        value = getattr(condition, field_name(key))
        if value is None:
            continue
        if key in YES_NO_LABELS:
            parts.append(str(YES_NO_LABELS[key][0 if value else 1]))
        elif key == "any_of":
            options = _(" or ").join(describe(c, rules) for c in value)
            parts.append(_("(%(options)s)") % {"options": options})
        elif key == "not":
            parts.append(_("not (%(inner)s)") % {"inner": describe(value, rules)})
        elif key == "use":
            parts.append(
                "、".join(_("meets the shared condition “%(name)s”") % {"name": name} for name in value)
            )
        else:
            parts.append(f"{TERM_LABELS[key]} {_argument(rules, key, value)}")
    return _("; and ").join(parts) if parts else _("(always)")


def _rule_row(rule: Rule, rules: RuleSet) -> dict[str, Any]:
    then = rule.then
    return {
        "rule": rule,
        "condition": describe(rule.when, rules),
        "route": rules.codes.routes.get(then.route, then.route),
        "clocks": [rules.clocks[c].label if c in rules.clocks else c for c in then.clocks],
        "lists": [rules.codes.lists.get(c, c) for c in then.lists],
    }


def _details(rules: RuleSet) -> dict[str, Any]:
    return {
        "parameters": [(name, parameter_text(value)) for name, value in rules.parameters.items()],
        "clocks": [
            {"name": name, "clock": clock, "screening": name == rules.screening_clock}
            for name, clock in rules.clocks.items()
        ],
        "rule_rows": [_rule_row(rule, rules) for rule in rules.rules],
        "no_case_route": rules.codes.routes.get(rules.no_case.route, rules.no_case.route),
        "attach_routes": "、".join(
            rules.codes.routes.get(r, r)
            for r in (rules.attach_to_open_case.routes if rules.attach_to_open_case else ())
        ),
        "conditions": [(name, describe(c, rules)) for name, c in rules.conditions.items()],
    }


def _outcome_text(outcome: RouteOutcome, routes: dict[str, str], who: dict[str, str]) -> str:
    priority = f" P{outcome.priority}" if outcome.priority is not None else ""
    route = words.term(
        routes.get(outcome.route, outcome.route)
    )  # the version's own labels: a draft may add one
    return f"{who.get(outcome.subject, outcome.subject)}：{route}{priority}"


def _changed_rows(changed: tuple[ChangedReport, ...], rules: RuleSet) -> list[dict[str, Any]]:
    """Each changed report's outcomes, its subjects by role and place in the report (被害人1): the
    what-if is read by managers, who see no names."""
    routes, rows = rules.codes.routes, []
    for change in changed:
        who = {
            ref: f"{words.subject_role_name(role)}{' ' if words.english() else ''}{i}"
            for i, (ref, role) in enumerate(change.roles, start=1)
        }
        rows.append(
            {
                "change": change,
                "before": [(_outcome_text(o, routes, who), o in change.removed) for o in change.before],
                "after": [(_outcome_text(o, routes, who), o in change.added) for o in change.after],
            }
        )
    return rows


# --- views --------------------------------------------------------------------------------------------


@kinds_required(*RULE_KINDS)
@require_safe
def rule_list(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "version": v,
            "published_by": who(v.row.published_by) if v.row else "",
            "created_by": who(v.row.created_by) if v.row else "",
        }
        for v in _versions()
    ]
    return render(request, "intake/rules/list.html", {"rows": rows})


@kinds_required(*RULE_KINDS)
@require_safe
def rule_detail(request: HttpRequest, version: str) -> HttpResponse:
    found = _version_or_404(version)
    rules = found.rule_set()
    diff = compare(current_rule_set(), rules) if found.is_draft else None
    context = {
        "v": found,
        "rules": rules,
        "diff": diff,
        "document": document_text(rules),
        "published_by": who(found.row.published_by) if found.row else "",
        "created_by": who(found.row.created_by) if found.row else "",
        **_details(rules),
    }
    return render(request, "intake/rules/detail.html", context)


@kinds_required(*RULE_KINDS)
@require_http_methods(["GET", "HEAD", "POST"])
def rule_draft(request: HttpRequest, version: str) -> HttpResponse:
    """A new draft from this version: one form, one service call; nothing is stored on any error."""
    base = _version_or_404(version)
    form = DraftForm(request.POST or None, base=base.rule_set())
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.draft_rule_set(
                form.rule_document(), by=request.user, notes=form.cleaned_data["notes"]
            )
        except DomainError as error:
            form.show_error(error)
        else:
            messages.success(
                request,
                _("Draft %(version)s created; run a what-if before publishing it.")
                % {"version": draft.version},
            )
            return redirect("intake:rule", version=draft.version)
    return render(request, "intake/rules/draft_form.html", {"base": base, "form": form})


@kinds_required(*RULE_KINDS)
@require_http_methods(["GET", "HEAD", "POST"])
def rule_publish(request: HttpRequest, version: str) -> HttpResponse:
    """GET: what publishing would change (against the rule set in force, last 90 days); POST: publish."""
    found = _version_or_404(version)
    if not found.is_draft or found.row is None:
        messages.error(
            request,
            _("Version %(version)s is not a draft and cannot be published.") % {"version": found.version},
        )
        return redirect("intake:rule", version=found.version)
    if request.method == "POST":
        try:
            services.publish_rule_set(found.row, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Version %(version)s is published and applies to new reports from now on.")
                % {"version": found.version},
            )
        return redirect("intake:rule", version=found.version)
    rules, current = found.rule_set(), current_rule_set()
    start, end = default_period()
    result = what_if(rules, start, end, against=current, limit=PUBLISH_PREVIEW)
    context = {
        "v": found,
        "current": current,
        "diff": compare(current, rules),
        "result": result,
        "changed": _changed_rows(result.changed, rules),
    }
    return render(request, "intake/rules/publish.html", context)


@kinds_required(*RULE_KINDS)
@require_safe
def rule_whatif(request: HttpRequest, version: str) -> HttpResponse:
    found = _version_or_404(version)
    start, end = default_period()
    form = WhatIfForm(request.GET or {"start": start, "end": end, "against": "receipt"})
    result, changed = None, []
    if form.is_valid():
        rules = found.rule_set()
        against = current_rule_set() if form.cleaned_data["against"] == "current" else None
        result = what_if(rules, form.cleaned_data["start"], form.cleaned_data["end"], against=against)
        changed = _changed_rows(result.changed, rules)
    return render(
        request, "intake/rules/whatif.html", {"v": found, "form": form, "result": result, "changed": changed}
    )
