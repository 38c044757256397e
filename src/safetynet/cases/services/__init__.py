"""Every write of the cases app: one atomic function per business action."""

from safetynet.cases.services.common import EditConflict, case_url, supervisors_of
from safetynet.cases.services.dispatch import (
    DEFAULT_CASELOAD,
    ClockSpec,
    assign_case,
    attach_report,
    candidates,
    mark_overdue,
    meet_clock,
    open_case,
)
from safetynet.cases.services.lifecycle import (
    CLOSURE_CHECKLIST,
    change_status,
    decide_closure,
    decide_transfer,
    reopen_case,
    reopen_for_report,
    request_closure,
    request_transfer,
)
from safetynet.cases.services.network import (
    CaseNote,
    Decision,
    record_risk_meeting,
    record_supervision,
)
from safetynet.cases.services.work import (
    mark_entered_in_error,
    record_assessment,
    record_contact,
    score,
    set_co_workers,
    update_plan,
)

__all__ = [
    "CLOSURE_CHECKLIST",
    "DEFAULT_CASELOAD",
    "CaseNote",
    "ClockSpec",
    "Decision",
    "EditConflict",
    "assign_case",
    "attach_report",
    "candidates",
    "case_url",
    "change_status",
    "decide_closure",
    "decide_transfer",
    "mark_entered_in_error",
    "mark_overdue",
    "meet_clock",
    "open_case",
    "record_assessment",
    "record_contact",
    "record_risk_meeting",
    "record_supervision",
    "reopen_case",
    "reopen_for_report",
    "request_closure",
    "request_transfer",
    "score",
    "set_co_workers",
    "supervisors_of",
    "update_plan",
]
