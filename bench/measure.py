"""What the benchmarks share: timing a step run n times, and running a step in a forked child to read
its own peak memory."""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable


def in_child(work: Callable[[], dict[str, float]]) -> tuple[dict[str, float], float]:
    """Run `work` in a forked child: its figures, and its peak memory in MiB."""
    from django.db import connections

    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            figures = work()
            code = 0
        except BaseException as error:  # noqa: BLE001 - reported to the parent
            figures = {"error": repr(error)}  # type: ignore[dict-item]
            code = 1
        with os.fdopen(write, "wb") as out:
            pickle.dump(figures, out)
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as source:
        figures = pickle.load(source)  # noqa: S301 - our own child's figures
    _pid, status, usage = os.wait4(pid, 0)
    if status != 0:
        raise SystemExit(f"child failed: {figures}")
    return figures, usage.ru_maxrss / 1024


def timed(fn: Callable[[int], object], repeat: int) -> float:
    """Seconds for `fn(0)`, `fn(1)` … `fn(repeat - 1)`."""
    started = time.perf_counter()
    for i in range(repeat):
        fn(i)
    return time.perf_counter() - started
