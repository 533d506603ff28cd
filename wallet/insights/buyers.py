"""Sets of buyers as Roaring bitmaps of their numbers (``insights_buyer_index``).

A period's set holds everyone who bought in it and the *repeaters*, who bought at least
twice in it. Over periods that do not overlap, a buyer is a repeater of their union when
they repeat in one of them or bought in two of them: that is all ``Buyers.add`` needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pyroaring import BitMap

ALL_APPS = "*"
# numbers given, in a request, to buyers the rollup has not numbered yet
UNNUMBERED_BASE = 2**31


@dataclass
class Buyers:
    """Everyone who bought, and who bought at least twice, over some periods."""

    seen: BitMap = field(default_factory=BitMap)
    twice: BitMap = field(default_factory=BitMap)

    def add(self, buyers: BitMap, repeaters: BitMap) -> None:
        """Fold in the sets of one more period that overlaps none before it."""
        self.twice |= repeaters | (self.seen & buyers)
        self.seen |= buyers

    def add_stored(self, buyers: bytes, repeaters: bytes) -> None:
        self.add(BitMap.deserialize(buyers), BitMap.deserialize(repeaters))

    def stored(self) -> dict[str, bytes]:
        return {"buyers": self.seen.serialize(), "repeaters": self.twice.serialize()}


def from_counts(counts: dict[int, int]) -> Buyers:
    """The sets of one period from each buyer's number of purchases in it."""
    return Buyers(BitMap(counts), BitMap(n for n, c in counts.items() if c > 1))


def period_sets(rows: Iterable[Any], numbers: dict[str, int] | None = None
                ) -> dict[tuple[str, str, date | str], Buyers]:
    """(merchant, app, period) -> sets, plus (merchant, "*", period) over all its apps,
    from rows of (merchant_id, app_id, period, user_id, idx, purchases)."""
    counts: dict[tuple[str, str, Any], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    numbers = numbers if numbers is not None else {}
    for merchant_id, app_id, period, user_id, idx, purchases in rows:
        if idx is None:
            idx = numbers.setdefault(user_id, UNNUMBERED_BASE + len(numbers))
        counts[(merchant_id, app_id, period)][idx] += int(purchases)
        counts[(merchant_id, ALL_APPS, period)][idx] += int(purchases)
    return {key: from_counts(found) for key, found in counts.items()}
