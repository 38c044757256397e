"""Choices from a domain enum: every code labelled once, in the enum's order, read in the page's language."""

from __future__ import annotations

from enum import StrEnum

import pytest
from django.utils import translation

from safetynet.core.choices import Labels
from safetynet.domain.casestatus import CaseStatus


class Light(StrEnum):
    RED = "red"
    GREEN = "green"


def test_it_gives_the_choices_in_the_order_of_the_enum() -> None:
    labels = Labels(Light, {Light.GREEN: "go", Light.RED: "stop"})
    assert labels.choices == [("red", "stop"), ("green", "go")]
    assert labels["green"] == "go" and labels[Light.RED] == "stop"


def test_it_refuses_a_code_without_a_label_or_a_label_without_a_code() -> None:
    with pytest.raises(ValueError, match="green"):
        Labels(Light, {Light.RED: "stop"})
    with pytest.raises(ValueError, match="pending"):
        Labels(Light, {Light.RED: "stop", Light.GREEN: "go", CaseStatus.PENDING: "wait"})  # type: ignore[dict-item]


def test_an_unknown_code_has_no_label() -> None:
    with pytest.raises(ValueError):
        Labels(Light, {Light.RED: "stop", Light.GREEN: "go"})["amber"]


def test_a_case_status_reads_in_the_language_of_the_page() -> None:
    from safetynet.cases.models import CASE_STATUS_LABELS

    with translation.override("en"):
        assert CASE_STATUS_LABELS[CaseStatus.REVIEW] == "Supervisor reviewing"
