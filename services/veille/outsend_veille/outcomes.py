"""A finished run compared with the last completed one: counts, samples, signals, snapshot.

The previous run is read back from its stored snapshot (not from its job's result file, which
expires with the job), so a veille compares week after week whatever the jobs' retention.
"""

from __future__ import annotations

import time
import zlib
from datetime import datetime
from typing import Any

import msgspec

from outsend_contracts.veille import events as ev
from outsend_contracts.veille.state import VeilleState
from outsend_platform.logging import get_logger
from outsend_veille.diff import Bucket, Snapshot, summarise
from outsend_veille.platform_client import PlatformClient
from outsend_veille.repository import VeilleRepository
from outsend_veille.signals import signals

log = get_logger(__name__)


def pack(snapshot: Snapshot) -> bytes:
    return zlib.compress(msgspec.msgpack.encode(snapshot), 3)


def unpack(data: bytes) -> Snapshot:
    return msgspec.msgpack.decode(zlib.decompress(data), type=Snapshot)


class RunOutcomes:
    def __init__(self, repository: VeilleRepository, platform: PlatformClient) -> None:
        self._repository = repository
        self._platform = platform

    async def compare(
        self,
        state: VeilleState,
        run_id: int,
        job_id: str,
        result_job_id: str,
        completed_at: datetime | None,
        now: datetime,
    ) -> ev.VeilleRunCompleted:
        """Diff the run's result against the last completed run, store what it found, and
        return the event that records it (idempotent: computing it twice stores the same)."""
        columns, rows = await self._platform.result_rows(result_job_id)
        packed = (
            await self._repository.snapshot(state.last_completed_run_id)
            if state.last_completed_run_id is not None
            else None
        )
        started = time.process_time()
        current = Snapshot.of(columns, rows)
        if packed is None:
            samples: dict[str, Any] = {}
            found: list[dict[str, Any]] = []
            counts = dict.fromkeys(Bucket, 0)
            total, prev_total = current.total, 0
        else:
            summary, modified = summarise(unpack(packed), rows)
            samples = {bucket.value: kept for bucket, kept in summary.samples.items()}
            found = signals(modified)
            counts, total, prev_total = summary.counts, summary.total, summary.prev_total
        log.info("veille.diff", veille_id=state.id, run_id=run_id, rows=len(rows), cpu_s=time.process_time() - started)
        await self._repository.save_details(run_id, state, samples, found, pack(current))
        return ev.VeilleRunCompleted(
            at=now,
            run_id=run_id,
            job_id=job_id,
            result_job_id=result_job_id,
            job_completed_at=completed_at,
            prev_job_id=state.last_result_job_id,
            is_baseline=packed is None,
            total_count=total,
            prev_total_count=prev_total,
            new_count=counts[Bucket.NEW],
            removed_count=counts[Bucket.REMOVED],
            modified_count=counts[Bucket.MODIFIED],
            unchanged_count=counts[Bucket.UNCHANGED],
            signals_count=len(found),
        )
