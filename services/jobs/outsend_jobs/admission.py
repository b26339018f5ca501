"""Who runs next: FIFO, at most five running jobs per user, lane capacity platform-wide."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from outsend_contracts.registry import Lane

MAX_RUNNING_PER_USER = 5
LANE_CAPACITY: Mapping[str, int] = MappingProxyType({Lane.MULTI_PROXY.value: 1, Lane.PARALLEL.value: 6})


@dataclass(frozen=True)
class Slot:
    """A job as admission sees it."""

    job_id: str
    user_id: int
    lane: str


def select_admissions(
    pending: Iterable[Slot],
    running: Iterable[Slot],
    *,
    per_user: int = MAX_RUNNING_PER_USER,
    lanes: Mapping[str, int] = LANE_CAPACITY,
) -> list[Slot]:
    """Pending jobs (oldest first) that can start now.

    A job waits only for its own constraints: a full proxy lane does not hold back a parallel
    job queued behind it, and a user at their limit does not hold back other users.
    """
    by_user = Counter(slot.user_id for slot in running)
    by_lane = Counter(slot.lane for slot in running)
    admitted: list[Slot] = []
    for slot in pending:
        if by_user[slot.user_id] >= per_user or by_lane[slot.lane] >= lanes.get(slot.lane, 0):
            continue
        admitted.append(slot)
        by_user[slot.user_id] += 1
        by_lane[slot.lane] += 1
    return admitted
