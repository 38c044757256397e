from __future__ import annotations

import pytest

from safetynet.domain.casestatus import CaseStatus, IllegalTransition, check_transition


def test_a_dispatched_case_moves_from_pending_to_assessing() -> None:
    assert check_transition("pending", "assessing") is CaseStatus.ASSESSING


def test_a_closed_case_cannot_skip_to_serving_but_can_be_reopened() -> None:
    with pytest.raises(IllegalTransition):
        check_transition("closed", "serving")
    assert check_transition("closed", "assessing") is CaseStatus.ASSESSING


def test_closing_needs_the_supervisors_review_first() -> None:
    with pytest.raises(IllegalTransition):
        check_transition("serving", "closed")


def test_the_case_model_offers_exactly_the_lifecycles_statuses() -> None:
    from safetynet.cases.models import CaseStatus as ModelStatus

    assert set(ModelStatus.values) == {s.value for s in CaseStatus}
