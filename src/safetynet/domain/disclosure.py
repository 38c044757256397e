"""Small-cell suppression for published aggregates (DOMAIN §11: cells under 3 are not shown).

A count of people or cases from 1 to `threshold - 1` is hidden (0 is shown: it tells of nobody).
When a column is printed with its total, one hidden cell could be worked out from the total and the
others, so a second cell is hidden with it: the smallest shown non-zero cell of the column
(complementary suppression). Totals themselves are hidden only when they are small.
"""

from __future__ import annotations

from collections.abc import Sequence

THRESHOLD = 3


def small(value: int | None, threshold: int = THRESHOLD) -> bool:
    return value is not None and 0 < value < threshold


def hidden(values: Sequence[int | None], *, with_total: bool, threshold: int = THRESHOLD) -> set[int]:
    """Indexes of the cells of one column to hide."""
    hide = {i for i, value in enumerate(values) if small(value, threshold)}
    if with_total and len(hide) == 1:
        shown = [(value, i) for i, value in enumerate(values) if i not in hide and value]
        if shown:
            hide.add(min(shown)[1])
    return hide
