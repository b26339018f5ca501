"""A worker's side of a job's event stream: reading the job, recording progress and the end."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from outsend_contracts import subjects
from outsend_contracts.clock import utc_now
from outsend_contracts.jobs import events as ev
from outsend_contracts.jobs.state import JobState, fold
from outsend_platform.aggregate import AggregateWriter
from outsend_platform.eventstore import EventStore
from outsend_platform.logging import get_logger

log = get_logger(__name__)

PROGRESS_EVERY = 1.0
"""Progress events are coalesced: at most one a second (and one at the end)."""


async def load_job(store: EventStore, job_id: str) -> JobState | None:
    """The job as its events say right now (no read model in between)."""
    events = [(seq, ev.decode_event(data)) async for seq, _, data in store.read(subjects.job_events(job_id))]
    return fold(events)


class JobJournal:
    def __init__(self, store: EventStore, job_id: str) -> None:
        self._store = store
        self.job_id = job_id
        self._writer: AggregateWriter[JobState, ev.JobEvent] = AggregateWriter(
            store, ev.CODEC, lambda job_id: load_job(store, job_id)
        )
        self._last_progress = 0.0

    async def log(self, message: str, level: str = "info") -> None:
        event = ev.JobLogged(at=utc_now(), message=message, level=level)  # type: ignore[arg-type]
        await self._append(event)

    async def progress(
        self,
        *,
        processed: int,
        planned: int,
        results: int,
        errors: int,
        started: datetime | None = None,
        stats: dict[str, Any] | None = None,
        notice: str | None = None,
        force: bool = False,
        eta_seconds: int | None = None,
    ) -> None:
        now = time.monotonic()
        if not force and now - self._last_progress < PROGRESS_EVERY:
            return
        self._last_progress = now
        event = ev.JobProgress(
            at=utc_now(),
            processed=processed,
            planned=planned,
            results_count=results,
            error_count=errors,
            eta_seconds=eta_seconds if eta_seconds is not None else _eta(started, processed, planned),
            stats=stats,
            notice=notice,
        )
        await self._append(event)

    async def finish(self, decide: Callable[[JobState], ev.JobEvent]) -> JobState | None:
        """Append the terminal event ``decide(state)`` returns, against the job's latest version.

        Returns the state it was decided on, or ``None`` if the job had already ended.
        """
        decided = await self._writer.decide(self.job_id, lambda state: None if state.status.terminal else decide(state))
        if decided is None or decided.event is None:
            return None
        return decided.state

    async def _append(self, event: ev.JobEvent) -> None:
        try:
            await self._store.append(subjects.job_event(self.job_id, ev.event_name(event)), ev.encode_event(event))
        except Exception as error:  # progress is advisory: a broker hiccup must not fail the job
            log.warning("journal.append_failed", job_id=self.job_id, error=repr(error))


def _eta(started: datetime | None, processed: int, planned: int) -> int | None:
    if started is None or processed <= 0 or planned <= processed:
        return None
    elapsed = (utc_now() - started).total_seconds()
    return int(elapsed / processed * (planned - processed))
