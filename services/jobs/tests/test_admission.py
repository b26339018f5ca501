"""Admission: round-robin across accounts, five running jobs per user, lane capacities platform-wide."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from outsend_jobs.admission import Slot, fair_order, select_admissions


def slots(user: int, lane: str, count: int, prefix: str = "j") -> list[Slot]:
    return [Slot(job_id=f"{prefix}{user}-{lane}-{index}", user_id=user, lane=lane) for index in range(count)]


def test_a_user_runs_at_most_five_jobs() -> None:
    admitted = select_admissions(slots(1, "parallel", 7), [])
    assert len(admitted) == 5
    assert [slot.job_id for slot in admitted] == [f"j1-parallel-{index}" for index in range(5)]


def test_the_parallel_lane_has_six_slots_platform_wide() -> None:
    pending = slots(1, "parallel", 4) + slots(2, "parallel", 4)
    admitted = select_admissions(pending, [])
    assert len(admitted) == 6


def test_the_proxy_lane_runs_one_job_and_does_not_block_the_parallel_lane() -> None:
    pending = slots(1, "multi_proxy", 2) + slots(1, "parallel", 1)
    admitted = select_admissions(pending, [])
    assert [slot.lane for slot in admitted] == ["multi_proxy", "parallel"]
    assert select_admissions(slots(2, "multi_proxy", 1), slots(1, "multi_proxy", 1)) == []


def test_running_jobs_count_against_the_limits() -> None:
    running = slots(1, "parallel", 4, prefix="r")
    admitted = select_admissions(slots(1, "parallel", 3) + slots(2, "parallel", 3), running)
    assert sorted(slot.user_id for slot in admitted) == [1, 2]


def test_a_backlog_takes_one_turn_per_round_oldest_first_within_the_account() -> None:
    pending = slots(1, "parallel", 3) + slots(2, "parallel", 1) + slots(3, "parallel", 2)
    assert [slot.job_id for slot in fair_order(pending, [], {})] == [
        "j1-parallel-0", "j2-parallel-0", "j3-parallel-0", "j1-parallel-1", "j3-parallel-1", "j1-parallel-2",
    ]  # fmt: skip


def test_a_later_account_gets_the_next_free_slot_of_a_full_lane() -> None:
    """Account 1 just had its job started in the one-slot lane; account 2 queued after its backlog."""
    now = datetime(2026, 5, 1, tzinfo=UTC)
    pending = slots(1, "multi_proxy", 5) + slots(2, "multi_proxy", 1)
    assert select_admissions(pending, [], last_started={("multi_proxy", 1): now}) == [pending[-1]]


def test_each_round_starts_with_the_accounts_served_least() -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    pending = slots(1, "parallel", 2) + slots(2, "parallel", 2) + slots(3, "parallel", 1)
    running = slots(1, "parallel", 1, prefix="r")
    served = {("parallel", 2): now, ("parallel", 3): now - timedelta(hours=1)}
    assert [slot.user_id for slot in fair_order(pending, running, served)] == [3, 2, 1, 2, 1]


def test_a_turn_in_one_lane_is_not_a_turn_in_another() -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    pending = slots(1, "parallel", 1) + slots(2, "parallel", 1)
    assert [slot.user_id for slot in fair_order(pending, [], {("multi_proxy", 1): now})] == [1, 2]
