"""The flow's event queue: what is planned is done in time order, and nothing after the demo's end."""

from __future__ import annotations

import datetime
import heapq
from collections.abc import Callable
from zoneinfo import ZoneInfo

TAIPEI = ZoneInfo("Asia/Taipei")
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


class Scheduler:
    def __init__(self, end: datetime.datetime) -> None:
        self.end = end
        self.events: list[tuple[datetime.datetime, int, Callable[[], None]]] = []
        self.sequence = 0

    def at(self, moment: datetime.datetime, action: Callable[[], None]) -> None:
        """Do `action` at `moment`, unless that is after the demo's end."""
        if moment <= self.end:
            self.sequence += 1
            heapq.heappush(self.events, (moment, self.sequence, action))

    def run_until(self, moment: datetime.datetime) -> None:
        """Do everything planned before `moment`, in time order."""
        while self.events and self.events[0][0] < moment:
            heapq.heappop(self.events)[2]()

    def drain(self) -> None:
        while self.events:
            heapq.heappop(self.events)[2]()
