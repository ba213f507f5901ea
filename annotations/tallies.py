"""Counted once, read for ever: the arithmetic of the desk's transition tallies.

Every transition adds one to a tally keyed by its local day, its new status, who made
it, the claim's verdict (for approvals) and, for an editor's answer to a submission,
how long the submission waited. The desk's charts sum the tallies of their window,
a few rows a day however many claims the desk holds, instead of reading every event.

A wait is kept as the bucket it falls in: buckets grow by ``RATIO`` (5%) from one
minute, so a percentile estimated from them is within 5% of the exact one (the whole
first bucket is "under a minute"). Nothing here touches the database.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from django.utils import timezone

RATIO = 1.05
FIRST_EDGE = 60.0  # seconds: bucket 0 is every wait under a minute
NO_WAIT = -1  # the bucket of a transition that answers no submission


def day_of(moment: datetime) -> date:
    """The local day a moment falls on: the charts' weeks start at local midnight."""
    return timezone.localtime(moment).date()


def wait_bucket(seconds: float) -> int:
    if seconds < FIRST_EDGE:
        return 0
    return math.floor(math.log(seconds / FIRST_EDGE) / math.log(RATIO)) + 1


def bucket_bounds(bucket: int) -> tuple[float, float]:
    """The waits a bucket holds, in seconds: [low, high)."""
    if bucket == 0:
        return 0.0, FIRST_EDGE
    return FIRST_EDGE * RATIO ** (bucket - 1), FIRST_EDGE * RATIO**bucket


def percentile(buckets: dict[int, int], p: float) -> float | None:
    """The ``p``-th percentile (0–100) of the waits counted in ``buckets`` ({bucket: n}),
    in seconds, by linear interpolation between closest ranks; each bucket's waits are
    taken as spread evenly (on the log scale) across it. None for no waits."""
    ordered = sorted((b, n) for b, n in buckets.items() if n > 0)
    total = sum(n for _, n in ordered)
    if not total:
        return None
    position = (total - 1) * p / 100
    low, high = math.floor(position), math.ceil(position)
    below_low, below_high = _at_rank(ordered, low), _at_rank(ordered, high)
    return below_low + (below_high - below_low) * (position - low)


def _at_rank(ordered: list[tuple[int, int]], rank: int) -> float:
    """The estimated wait of the ``rank``-th smallest (from 0)."""
    seen = 0
    for bucket, n in ordered:
        if rank < seen + n:
            low, high = bucket_bounds(bucket)
            share = (rank - seen + 0.5) / n  # the middle of its slice of the bucket
            if bucket == 0:
                return low + (high - low) * share
            return low * (high / low) ** share
        seen += n
    raise IndexError(rank)
