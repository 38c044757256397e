"""Writing to the access log, and the break-glass grants and alerts it watches.

`log`: appending to the chain, reads, listings, verification; `grants`: break-glass openings and their
review; `alerts`: the watch over the log and the review of its alerts.
"""

from safetynet.audit.services.alerts import (
    RULE_FIELDS,
    alerts_visible_to,
    raise_alerts,
    review_alert,
    update_alert_rule,
    watch_access_log,
)
from safetynet.audit.services.grants import (
    approve_grant,
    break_glass,
    break_glass_minutes,
    grants_to_review,
    review_grant,
)
from safetynet.audit.services.log import (
    MAX_SUBJECTS,
    Verification,
    chain_key,
    last_link,
    move_head,
    record,
    record_listing,
    record_read,
    verify_chain,
    write_pending_reads,
)

__all__ = [
    "MAX_SUBJECTS",
    "RULE_FIELDS",
    "Verification",
    "alerts_visible_to",
    "approve_grant",
    "break_glass",
    "break_glass_minutes",
    "chain_key",
    "grants_to_review",
    "last_link",
    "move_head",
    "raise_alerts",
    "record",
    "record_listing",
    "record_read",
    "review_alert",
    "review_grant",
    "update_alert_rule",
    "verify_chain",
    "watch_access_log",
    "write_pending_reads",
]
