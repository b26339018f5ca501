"""Reading the event log directly, for tests that check what happened and in which order."""

from __future__ import annotations

import asyncio

from outsend_contracts import subjects
from outsend_deploy.local import LocalPlatform
from outsend_platform.broker import connect
from outsend_platform.eventstore import EventStore


def job_event_log(platform: LocalPlatform, job_ids: list[str]) -> list[tuple[int, str, str]]:
    """``(stream sequence, job id, event name)`` of every event of these jobs, in stream order."""

    async def read() -> list[tuple[int, str, str]]:
        broker = await connect(platform.connection_env()["OUTSEND_NATS_URL"], "tests")
        try:
            store = EventStore(broker.js)
            log = []
            for job_id in job_ids:
                async for seq, subject, _ in store.read(subjects.job_events(job_id)):
                    log.append((seq, job_id, subjects.event_name_from_subject(subject)))
            return sorted(log)
        finally:
            await broker.close()

    return asyncio.run(read())


def peak_concurrency(log: list[tuple[int, str, str]]) -> int:
    """Most jobs running at once, from ``started`` to their terminal event, in stream order."""
    running: set[str] = set()
    peak = 0
    for _, job_id, event in log:
        if event == "started":
            running.add(job_id)
        elif event in subjects.JOB_TERMINAL_EVENTS:
            running.discard(job_id)
        peak = max(peak, len(running))
    return peak
