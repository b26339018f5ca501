"""Running a :class:`SourceModule`: units explored concurrently, checkpointed one by one."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from typing import Any

from outsend_contracts import errors
from outsend_contracts.jobs.state import JobState
from outsend_platform.logging import get_logger
from outsend_runner.module import JobContext, JobFailure, SourceModule, Unit, UnitError, UnitOutcome, UnitResult
from outsend_runner.table import cell
from outsend_runner.units import UnitCheckpoints

log = get_logger(__name__)

FLUSH_EVERY = 1.0
MAX_SPAWN_RATIO = 0.9
"""Cap of the observed follow-ups per unit when projecting the ETA (keeps the series finite)."""


class SourceRun:
    """One run of a source job: resume what is checkpointed, explore the rest, report progress."""

    def __init__(self, module: SourceModule, units: UnitCheckpoints, context: JobContext, state: JobState) -> None:
        self._module = module
        self._units = units
        self._context = context
        self._state = state
        self._outcomes: list[UnitOutcome] = []
        self._known: set[str] = set()
        self._tallies: dict[str, Counter[str]] = {column: Counter() for column in module.tallied}
        self._total = 0
        self._started = time.monotonic()
        self._done_here = 0
        self._spawned = 0
        self._limit = int(context.options.get("stop_at") or 0)

    @property
    def processed(self) -> int:
        return len(self._outcomes)

    @property
    def flagged(self) -> int:
        return sum(outcome.flagged for outcome in self._outcomes)

    async def run(self, stop: asyncio.Event) -> list[dict[str, str]]:
        """Explore every pending unit (or until ``stop``); return the rows found, in order."""
        context = self._context
        await self._inherit()
        await self._units.add(context.job_id, await self._module.plan(context))
        self._outcomes = await self._units.outcomes(context.job_id)
        if self._outcomes:
            await context.log(f"Reprise : {len(self._outcomes)} tuiles déjà traitées, ignorées")
        self._known = await self._units.row_keys(context.job_id)
        if self._module.tallied and self._known:
            for row in await self._units.rows(context.job_id):
                self._tally(row)
        self._total = await self._units.total(context.job_id)
        queue: asyncio.Queue[Unit] = asyncio.Queue()
        for unit in await self._units.pending(context.job_id):
            queue.put_nowait(unit)
        await self._module.open(context)
        reporter = asyncio.create_task(self._report_every(FLUSH_EVERY))
        try:
            await self._drain(queue, stop)
        finally:
            reporter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reporter
            await self._module.close(context)
        rows = await self._recount()
        await self._report(force=True)
        return rows[: self._limit] if self._limit else rows

    async def _recount(self) -> list[dict[str, Any]]:
        """Rebuild the final counts from the job's committed units and rows.

        This process's counters only saw the units it completed itself: a unit redelivered to
        another run of the job (an ``ack_wait`` outlived on a loaded machine) commits rows these
        counters never saw, and the statistics a user compares with the rows must not miss them.
        """
        job_id = self._context.job_id
        rows = await self._units.rows(job_id)
        self._outcomes = await self._units.outcomes(job_id)
        self._known = await self._units.row_keys(job_id)
        self._tallies = {column: Counter() for column in self._module.tallied}
        for row in rows:
            self._tally(row)
        return rows

    async def account_for_failures(self) -> None:
        """Log the units that could not be done; when none could, the job found nothing it can
        stand for (Maps unreachable, blocked, its pages changed) and fails with the reason."""
        failed = [outcome for outcome in self._outcomes if outcome.flagged]
        if not failed:
            return
        reason = Counter(str(outcome.facts.get("error", "")) for outcome in failed).most_common(1)[0][0]
        total = len(self._outcomes)
        log.warning("source.units_failed", job_id=self._context.job_id, failed=len(failed), units=total, reason=reason)
        if len(failed) == total:
            raise JobFailure(errors.SEARCHES_ALL_FAILED.format(count=total, reason=reason))
        partial = errors.SEARCHES_SOME_FAILED.format(failed=len(failed), total=total, reason=reason)
        await self._context.log(partial, "warn")

    async def _inherit(self) -> None:
        context = self._context
        if context.options.get("resume") and context.source_job_id:
            copied = await self._units.inherit(context.job_id, context.source_job_id)
            if copied:
                await context.log(f"Reprise du job {context.source_job_id} : {copied} tuiles et leurs résultats repris")

    async def _drain(self, queue: asyncio.Queue[Unit], stop: asyncio.Event) -> None:
        busy = 0
        wake = asyncio.Event()

        async def worker() -> None:
            nonlocal busy
            while not stop.is_set() and not self._enough():
                if queue.empty():
                    if busy == 0:
                        return
                    wake.clear()
                    await wake.wait()
                    continue
                unit = queue.get_nowait()
                busy += 1
                try:
                    for child in await self._process(unit):
                        queue.put_nowait(child)
                finally:
                    busy -= 1
                    wake.set()

        workers = [asyncio.create_task(worker()) for _ in range(self._module.units_at_once(self._context))]
        gathered = asyncio.gather(*workers)
        stopping = asyncio.create_task(_wake_on(stop, wake))
        try:
            waiting: list[asyncio.Future[Any]] = [gathered, stopping]
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not gathered.done():  # cancelled: in-flight units are abandoned and stay pending
                gathered.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await gathered

    async def _process(self, unit: Unit) -> list[Unit]:
        module, context = self._module, self._context
        flagged = False
        try:
            result = await module.explore(unit, context, self._known)
        except UnitError as error:
            flagged = True
            result = UnitResult(rows=[], attempts=error.attempts, facts={**unit.data, "error": str(error)})
        keyed = [(module.row_key(row), {key: cell(value) for key, value in row.items()}) for row in result.rows]
        new_keys: list[str] = []

        def decide(new: list[str]) -> tuple[dict[str, Any], list[Unit]]:
            new_keys[:] = new
            follow_ups = [] if flagged else module.follow_ups(unit, result, len(new), context)
            record = {
                "found": len(keyed),
                "new_rows": len(new),
                "attempts": result.attempts,
                "flagged": flagged,
                "facts": result.facts,
            }
            return record, follow_ups

        outcome, follow_ups = await self._units.complete(context.job_id, unit, keyed, decide)
        self._outcomes.append(outcome)
        self._known.update(key for key, _ in keyed)
        fresh = set(new_keys)
        for key, row in keyed:
            if key in fresh:
                self._tally(row)
        self._total += len(follow_ups)
        self._done_here += 1
        self._spawned += len(follow_ups)
        return follow_ups

    def _tally(self, row: dict[str, Any]) -> None:
        for column, counter in self._tallies.items():
            counter[str(row.get(column, ""))] += 1

    def _enough(self) -> bool:
        return bool(self._limit) and len(self._known) >= self._limit

    async def _report_every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            await self._report()

    async def _report(self, force: bool = False) -> None:
        processed = len(self._outcomes)
        results = min(len(self._known), self._limit) if self._limit else len(self._known)
        await self._context.journal.progress(
            processed=processed,
            planned=max(self._total, processed),
            results=results,
            errors=self.flagged,
            stats=self._module.statistics(self._outcomes, self._tallies, self._context),
            notice=" ".join(self._context.notices) or None,
            force=force,
            eta_seconds=self._eta(processed),
        )

    def _eta(self, processed: int) -> int | None:
        """Remaining units × time per unit, counting the follow-ups the pending ones will spawn."""
        pending = self._total - processed
        if self._done_here == 0 or pending <= 0:
            return None
        ratio = min(self._spawned / self._done_here, MAX_SPAWN_RATIO)
        expected = pending / (1 - ratio)
        per_unit = (time.monotonic() - self._started) / self._done_here
        return int(expected * per_unit)


async def _wake_on(stop: asyncio.Event, wake: asyncio.Event) -> None:
    await stop.wait()
    wake.set()
