"""Admission: FIFO, five running jobs per user, one proxy-lane job and six parallel platform-wide."""

from __future__ import annotations

from outsend_jobs.admission import Slot, select_admissions


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
    assert [slot.user_id for slot in admitted] == [1, 2]
