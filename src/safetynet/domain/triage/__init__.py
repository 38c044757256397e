"""Screening and dispatch (篩派): a rule engine over plain facts, driven by a versioned rule-set document.

    decision = decide(report, default_rule_set())

See `ruleset` for the document format and `engine` for how it is applied; `data/default_v1.json` is the
default rule set v1 (DOMAIN §4 rules 1-9, §5 clocks).
"""

from __future__ import annotations

from safetynet.domain.triage.engine import Clock, Decision, RouteDecision, decide, manual_route
from safetynet.domain.triage.facts import (
    OWN_TYPES_ROLES,
    ROLES,
    FactsError,
    RegistryFacts,
    Report,
    Subject,
    types_taken,
)
from safetynet.domain.triage.ruleset import (
    ClockDef,
    Codes,
    Condition,
    NoCase,
    OpenCaseAttach,
    Outcome,
    Rule,
    RuleSet,
    RuleSetError,
    default_rule_set,
)

__all__ = [
    "OWN_TYPES_ROLES",
    "ROLES",
    "Clock",
    "ClockDef",
    "Codes",
    "Condition",
    "Decision",
    "FactsError",
    "NoCase",
    "OpenCaseAttach",
    "Outcome",
    "RegistryFacts",
    "Report",
    "RouteDecision",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "Subject",
    "decide",
    "default_rule_set",
    "manual_route",
    "types_taken",
]
