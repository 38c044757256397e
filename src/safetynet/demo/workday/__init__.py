"""The demo accounts' working day: what waits for them when they first sign in, whatever the day.

The report flow (`safetynet.demo.reports`) runs the plan years' reports and their case work on to the
demo's end, the start of the day it is built on (Asia/Taipei). It receives the few fixed reports
planned in data/working_day.toml (`plan`) with its own, in the weeks before that end, so that every
account finds a day's work at any scale, on any day of the week:

- `screener`: reports waiting for screening from the last day and night, one past its 24-hour clock
  and others close to it, three naming two persons (victim or child, and respondent);
- `supervisor` (朴子社福中心, which confirms each dispatch): three cases waiting to be assigned, one
  raised to priority 1 by the screener; two closures asked in the last working days by `worker` and
  `teammate`, with reason, checklist and summary; a case of 民雄社福中心 (`otherunit`) whose family
  moved to 朴子, waiting for the unit to accept its transfer; the team's overdue visits;
- `worker`: new dispatches, first visits due in the coming days and one overdue, a case served for
  months whose next visit falls due this week, a family of five whose child is served by 社福中心
  and, after a later report, by 家防中心 too (a co-case across units), a case closed last month;
  referrals: one completed by `partner`, one past its answer's deadline, one waiting for `partner`;
- `teammate`: a new dispatch, a case due this week, one whose visit is overdue, a closure waiting, a
  referral waiting for `partner`;
- `partner` (嘉義家扶中心): referrals to answer, one being served, one answered and completed.

Everything goes through the services (receive_report, screen_report, assign_case, record_contact,
request_closure, request_transfer, create_referral, move_referral …) inside the flow's event queue,
at moments counted back from the end in days or working days: the same seed on the same day gives the
same county. The persons are invented like every other (`safetynet.demo.names`, synthetic IDs).

`planned`: the fixed reports and what each becomes; `day`: the hooks the report flow calls for them.
"""

from safetynet.demo.workday.day import PERSONA_LEADS, WorkingDay
from safetynet.demo.workday.planned import OVERDUE_VISIT, UNSCREENED, WAITING, PersonaCase, Planned, plan

__all__ = [
    "OVERDUE_VISIT",
    "PERSONA_LEADS",
    "UNSCREENED",
    "WAITING",
    "PersonaCase",
    "Planned",
    "WorkingDay",
    "plan",
]
