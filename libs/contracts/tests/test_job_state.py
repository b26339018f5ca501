"""A job's state is the fold of its events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from outsend_contracts.jobs import events as ev
from outsend_contracts.jobs.state import JobStatus, fold

T0 = datetime(2026, 5, 27, 9, 12, 3, tzinfo=UTC)


def created(**overrides: object) -> ev.JobCreated:
    fields: dict[str, object] = {
        "at": T0,
        "job_id": "j_1",
        "user_id": 42,
        "job_type": "emails",
        "lane": "multi_proxy",
        "params": {"mode": "normal"},
        "items_count": 10,
        "retention_seconds": 7 * 86400,
    }
    fields.update(overrides)
    return ev.JobCreated(**fields)  # type: ignore[arg-type]


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_new_job_is_pending_with_its_items_planned() -> None:
    state = fold([(1, created())])
    assert state is not None
    assert state.status is JobStatus.PENDING
    assert state.grid_points_count == 10
    assert state.public().email_mode == "normal"
    assert state.public().created_at == "2026-05-27T09:12:03Z"


def test_done_sets_counters_and_the_seven_day_expiry() -> None:
    state = fold(
        [
            (1, created()),
            (2, ev.JobStarted(at=at(2), attempt=1)),
            (3, ev.JobProgress(at=at(5), processed=4, planned=10, results_count=3, error_count=1)),
            (4, ev.JobDone(at=at(9), results_count=8, error_count=1, processed=10, output_filename="r.csv")),
        ]
    )
    assert state is not None
    public = state.public()
    assert (public.status, public.processed_points, public.results_count, public.error_count) == ("done", 10, 8, 1)
    assert public.download_available is True
    assert public.expires_at == "2026-06-03T09:12:12Z"
    assert state.version == 4


def test_events_after_the_end_change_nothing_but_expiry() -> None:
    state = fold(
        [
            (1, created()),
            (2, ev.JobCancelled(at=at(1))),
            (3, ev.JobProgress(at=at(2), processed=5, planned=10, results_count=5)),
            (4, ev.JobExpired(at=at(3))),
        ]
    )
    assert state is not None
    assert state.status is JobStatus.EXPIRED
    assert state.processed_points == 0
    assert state.download_available is False


def test_replaying_an_event_twice_is_harmless() -> None:
    progress = ev.JobProgress(at=at(2), processed=3, planned=10, results_count=3)
    once = fold([(1, created()), (2, ev.JobStarted(at=at(1))), (3, progress)])
    twice = fold([(1, created()), (2, ev.JobStarted(at=at(1))), (3, progress), (3, progress)])
    assert once == twice


def test_events_round_trip_through_their_wire_format() -> None:
    event = ev.JobProgress(at=at(2), processed=3, planned=10, results_count=3, stats={"query_stats": {"a": 1}})
    decoded = ev.decode_event(ev.encode_event(event))
    assert decoded == event
    assert ev.event_name(decoded) == "progress"
    assert b'"schema_version":1' in ev.encode_event(event)
