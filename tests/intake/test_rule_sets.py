from __future__ import annotations

import copy
import io
import json
import sys

import pytest
from django.core.management import call_command

from safetynet.core.errors import DomainError
from safetynet.domain.triage import default_rule_set
from safetynet.intake import services
from safetynet.intake.rules import current_rule_set

pytestmark = pytest.mark.django_db

IPV_SEVEN = {
    "received_at": "2021-11-24T09:00:00+08:00",
    "area": "10010",
    "source": "POLICE",
    "subjects": [{"ref": "v", "role": "victim", "types": ["IPV"], "town": "10010020", "tipvda_score": 7}],
}


def priority_of_victim(monkeypatch) -> int | None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(IPV_SEVEN)))
    out = io.StringIO()
    call_command("triage", stdout=out)
    return next(r["priority"] for r in json.loads(out.getvalue())["routes"] if r["route"] == "FPC")


def test_it_screens_with_the_default_set_until_a_version_is_published(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert current_rule_set().version == "v1"
    assert priority_of_victim(monkeypatch) == 2
    document = copy.deepcopy(default_rule_set().to_dict())
    document["version"] = "v2"
    document["parameters"]["tipvda_high"] = 7
    draft = services.draft_rule_set(document, notes="TIPVDA 7 起列為高危機")
    assert current_rule_set().version == "v1"  # a draft changes nothing
    services.publish_rule_set(draft)
    assert current_rule_set().version == "v2"
    assert priority_of_victim(monkeypatch) == 1
    with pytest.raises(DomainError, match="已發布|已於"):
        services.publish_rule_set(draft)


def test_it_refuses_an_invalid_or_repeated_version_naming_the_place_at_fault() -> None:
    document = copy.deepcopy(default_rule_set().to_dict())
    document["version"] = "v9"
    document["rules"][0]["when"] = {"types_any": ["XX"]}
    with pytest.raises(DomainError) as error:
        services.draft_rule_set(document)
    assert "rules[0].when.types_any[0]" in error.value.message
    with pytest.raises(DomainError, match="v1"):
        services.draft_rule_set(default_rule_set().to_dict())
