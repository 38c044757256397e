"""The demo's flow of reports (通報) for the plan years, through the same services as real ones.

For every day from the first plan year to `today`, reports arrive at plausible hours (volumes, report
types and sources from data/report_flow.csv), naming mostly the demo's own persons, so that re-reports
(續報) and co-cases (共案) happen as they do in a county. Each report is received by the county's
screener account (`receive_report`), screened a few hours later (`screen_report`: mostly confirmed, a
few overridden with a reason, a few after the 24-hour clock), and each case it opens is assigned,
visited (its clocks met, most on time), and moved through 評估中 → 處遇中 → 督導審核中 → 已結案 (or
未成案) by the case services, each at its own time.

Everything runs in time order, so each service sees the county as it was at that moment: the open
cases of a person (re-reports), each worker's caseload (who gets a case), the registries (rule 4).
Nothing that happens after the demo's end (`last_moment`: the start of the day it is built on, or
`today` late afternoon) is done: the last hours' reports wait for screening, the last days' cases wait
for their supervisor in the units that confirm dispatch, and recent clocks are still running. Fixed
reports give the demo accounts a working day at any scale and on any day (`safetynet.demo.workday`).

The worker's records on each case (contacts, assessments, visits) are `safetynet.demo.casework`'s;
the monthly high-risk meeting and the units' supervision sessions `safetynet.demo.teamwork`'s.
嘉義縣's 心衛社工 and 處遇協調社工 are brought to seed 000's caseloads (`safetynet.demo.caseloads`) twice:
on seed 000's own day, when the flow gets there (`checkpoint.balance_at_checkpoint`), and after the flow.

The modules: `flow` runs the days in order over the event queue (`scheduler`) and the state its steps
share (`state`); `subjects` draws each day's reports and the persons they name, `screening` receives and
screens them, `progress` moves each case from its dispatch to its closure, and `checkpoint` brings the
caseloads to seed 000's; `flowdata` reads data/report_flow.csv and `people` holds the persons reports
can name.
"""

from safetynet.demo.reports.flow import last_moment, simulate_reports
from safetynet.demo.reports.flowdata import DATA, FlowData, FlowDataError, load_flow
from safetynet.demo.reports.people import People
from safetynet.demo.reports.state import FlowSummary

__all__ = [
    "DATA",
    "FlowData",
    "FlowDataError",
    "FlowSummary",
    "People",
    "last_moment",
    "load_flow",
    "simulate_reports",
]
