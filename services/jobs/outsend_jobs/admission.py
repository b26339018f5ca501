"""Who runs next: round-robin across accounts, five running jobs per user, lane capacity platform-wide."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from outsend_contracts.registry import LANE_CAPACITY

MAX_RUNNING_PER_USER = 5
NEVER = datetime.min.replace(tzinfo=UTC)
"""The last start of an account that never had a job started in a lane: it is served first."""


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
    last_started: Mapping[tuple[str, int], datetime] | None = None,
    per_user: int = MAX_RUNNING_PER_USER,
    lanes: Mapping[str, int] = LANE_CAPACITY,
) -> list[Slot]:
    """Pending jobs (oldest first) that can start now, in :func:`fair_order`.

    A job waits only for its own constraints: a full proxy lane does not hold back a parallel
    job queued behind it, and a user at their limit does not hold back other users.
    """
    running = list(running)
    by_user = Counter(slot.user_id for slot in running)
    by_lane = Counter(slot.lane for slot in running)
    admitted: list[Slot] = []
    for slot in fair_order(pending, running, last_started or {}):
        if by_user[slot.user_id] >= per_user or by_lane[slot.lane] >= lanes.get(slot.lane, 0):
            continue
        admitted.append(slot)
        by_user[slot.user_id] += 1
        by_lane[slot.lane] += 1
    return admitted


def fair_order(
    pending: Iterable[Slot], running: Iterable[Slot], last_started: Mapping[tuple[str, int], datetime]
) -> list[Slot]:
    """Pending jobs (oldest first) dealt round-robin across the accounts waiting in each lane.

    One account's backlog takes one turn per round, so another account's single job gets the
    next free slot of the lane instead of waiting for the backlog to drain. Each round starts
    with the accounts that run the fewest jobs in the lane, then the ones served longest ago
    (``last_started``: when the account last had a job started in the lane), then the one that
    has waited longest.
    """
    queues: dict[str, dict[int, list[Slot]]] = defaultdict(dict)
    for slot in pending:
        queues[slot.lane].setdefault(slot.user_id, []).append(slot)
    busy = Counter((slot.lane, slot.user_id) for slot in running)
    ordered: list[Slot] = []
    for lane, by_account in queues.items():
        accounts = sorted(
            by_account,
            key=lambda user: (busy[lane, user], last_started.get((lane, user), NEVER)),
        )  # a stable sort: ties keep the order of the accounts' oldest pending jobs
        for turn in range(max(len(queue) for queue in by_account.values())):
            ordered += [by_account[user][turn] for user in accounts if turn < len(by_account[user])]
    return ordered
