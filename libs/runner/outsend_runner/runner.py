"""Running one job of one module, from its work order to its terminal event."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

import msgspec
from nats.aio.client import Client
from nats.aio.msg import Msg

from outsend_contracts import errors, subjects
from outsend_contracts.aliases import missing_column_message
from outsend_contracts.clock import utc_now
from outsend_contracts.jobs import events as ev
from outsend_contracts.jobs.commands import ForgetJob, WorkOrder
from outsend_contracts.jobs.state import JobState
from outsend_contracts.resultfile import encode_csv, result_object
from outsend_platform.eventstore import EventStore
from outsend_platform.logging import get_logger
from outsend_platform.objects import ObjectStorage
from outsend_runner.checkpoints import NO_OUTPUT, Checkpoints, RowRecord
from outsend_runner.journal import JobJournal, load_job
from outsend_runner.module import JobContext, JobFailure, Module, RowError, RowModule, SourceModule, TableModule
from outsend_runner.sources import SourceRun
from outsend_runner.table import Table, cell, read_csv
from outsend_runner.units import UnitCheckpoints

log = get_logger(__name__)

FLUSH_EVERY = 0.5
FLUSH_ROWS = 250
ROW_TIMEOUT = 120.0
MAX_DELIVERIES = 5
"""After this many attempts an unexpected error fails the job instead of retrying it."""
STOP_EVENTS = frozenset({"cancel_requested", "cancelled", "failed", "deleted", "expired"})


class JobRunner:
    def __init__(
        self,
        nc: Client,
        store: EventStore,
        objects: ObjectStorage,
        checkpoints: Checkpoints,
        modules: Mapping[str, Module],
        resources: dict[str, Any] | None = None,
        units: UnitCheckpoints | None = None,
    ) -> None:
        self._nc = nc
        self._units = units
        self._store = store
        self._objects = objects
        self._checkpoints = checkpoints
        self._modules = modules
        self._resources = resources or {}

    async def run(self, order: WorkOrder, deliveries: int = 1) -> None:
        async with self._checkpoints.exclusive(order.job_id):
            await self._run(order, deliveries)

    async def _run(self, order: WorkOrder, deliveries: int) -> None:
        state = await load_job(self._store, order.job_id)
        if state is None or state.status.terminal:
            await self._checkpoints.forget(order.job_id)
            return
        journal = JobJournal(self._store, order.job_id)
        context = JobContext(
            job_id=order.job_id,
            job_type=order.job_type,
            user_id=order.user_id,
            options=order.params,
            journal=journal,
            objects=self._objects,
            input_object=order.input_object,
            source_job_id=order.source_job_id,
            resources=self._resources,
        )
        stop = asyncio.Event()
        if state.cancel_requested:
            stop.set()
        watch = await self._nc.subscribe(subjects.job_events(order.job_id), cb=_stop_on(stop))
        try:
            await self._execute(self._modules[order.job_type], state, context, stop)
        except JobFailure as failure:
            await self._fail(context, str(failure))
        except Exception as error:
            if deliveries < MAX_DELIVERIES:
                raise
            log.exception("runner.giving_up", job_id=order.job_id)
            await self._fail(context, f"Erreur interne du worker ({type(error).__name__})")
        finally:
            with contextlib.suppress(Exception):
                await watch.unsubscribe()

    async def _execute(self, module: Module, state: JobState, context: JobContext, stop: asyncio.Event) -> None:
        already = await self._checkpoints.counts(context.job_id)
        if already.processed:
            await context.log(f"Reprise après interruption : {already.processed} lignes déjà traitées")
        if isinstance(module, SourceModule):
            await self._run_source(module, state, context, stop)
            return
        if isinstance(module, TableModule):
            source = await self._input(context) if module.spec.reads_input else None
            output = await module.transform(source, context)
            await self._finish(context, output.columns, output.rows, errors=0, stop=stop)
            return
        assert isinstance(module, RowModule)
        table = self._usable_rows(module, await self._input(context), context)
        await self._process_rows(module, table, context, stop, state)
        if not stop.is_set():  # a cancelled job ends short on purpose; a finished one has every row
            await self._require_every_row(context.job_id, len(table.rows))
        columns, rows, error_count = await self._assemble(module, table, context.job_id)
        await self._finish(context, columns, rows, errors=error_count, stop=stop)

    async def _run_source(
        self, module: SourceModule, state: JobState, context: JobContext, stop: asyncio.Event
    ) -> None:
        assert self._units is not None, "a source module needs unit checkpoints"
        run = SourceRun(module, self._units, context, state)
        rows = await run.run(stop)
        if not stop.is_set():  # a cancelled job's unexplored units are not failures
            await run.account_for_failures()
        ended = await self._finish(
            context, module.columns(context), rows, errors=run.flagged, stop=stop, processed=run.processed
        )
        if ended is not None and not ended.cancel_requested:  # done: nothing left to resume
            await self._units.forget(context.job_id)
            if context.options.get("resume") and context.source_job_id:
                await self._units.forget(context.source_job_id)

    # --- input -----------------------------------------------------------------------------------
    async def _input(self, context: JobContext) -> Table:
        if context.input_object:
            data = await self._objects.get(subjects.OBJ_INPUTS, context.input_object)
            if data is None:
                raise JobFailure(errors.RESULT_GONE)
            return Table.from_items(msgspec.json.decode(data))
        if context.source_job_id:
            data = await self._objects.get(subjects.OBJ_RESULTS, result_object(context.source_job_id))
            if data is None:
                raise JobFailure(errors.RESULT_GONE)
            return read_csv(data)
        raise JobFailure(errors.MODULE_NEEDS_ITEMS)

    def _usable_rows(self, module: RowModule, table: Table, context: JobContext) -> Table:
        """Say which columns were matched; drop rows lacking a column the module needs."""
        if notice := table.mapping.notice():
            context.note(notice)
        if not module.spec.drops_rows_without_needs or not module.spec.needs:
            return table
        kept = [row for row in table.rows if all(table.value(row, need) for need in module.spec.needs)]
        if not kept:
            absent = (need for need in module.spec.needs if not any(table.value(row, need) for row in table.rows))
            need = next(absent, module.spec.needs[0])
            raise JobFailure(missing_column_message(need))
        if dropped := len(table.rows) - len(kept):
            context.note(f"{dropped} ligne(s) ignorée(s) : {', '.join(module.spec.needs)} vide.")
        return Table(table.columns, kept)

    # --- rows ------------------------------------------------------------------------------------
    async def _process_rows(
        self, module: RowModule, table: Table, context: JobContext, stop: asyncio.Event, state: JobState
    ) -> None:
        done = await self._checkpoints.processed_indices(context.job_id)
        todo = iter([index for index in range(len(table.rows)) if index not in done])
        buffer: list[RowRecord] = []
        planned = len(table.rows)
        notice = " ".join(context.notices) or None

        async def flush(force: bool = False) -> None:
            records, buffer[:] = list(buffer), []
            try:
                await self._checkpoints.save(context.job_id, records)
            except BaseException:  # not committed (or not known to be): back in the buffer for the next flush
                buffer[:0] = records
                raise
            counts = await self._checkpoints.counts(context.job_id)
            await context.journal.progress(
                processed=counts.processed,
                planned=planned,
                results=counts.results,
                errors=counts.errors,
                started=state.started_at,
                notice=notice,
                force=force,
            )

        async def worker() -> None:
            for index in todo:
                if stop.is_set():
                    return
                buffer.extend(await self._process_one(module, table, index, context))
                if len(buffer) >= FLUSH_ROWS:
                    await flush()

        rows_over = asyncio.Event()

        async def flusher() -> None:
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(rows_over.wait(), FLUSH_EVERY)
                last = rows_over.is_set()  # read before flushing: rows may end during a flush begun earlier
                await flush(force=last)
                if last:
                    return

        await module.open(context)
        ticker = asyncio.create_task(flusher())
        try:
            await asyncio.gather(*(worker() for _ in range(module.rows_at_once(context))))
            rows_over.set()  # the ticker ends with a last flush of everything buffered, awaited here
            await ticker
        finally:
            if not ticker.done():  # the rows did not end (a crash, the worker stopping): nothing to finish
                ticker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ticker
            await module.close(context)
        for reason, count in await self._checkpoints.failure_reasons(context.job_id):
            await context.log(f"{count} ligne(s) en erreur : {reason}", "warn")

    async def _process_one(self, module: RowModule, table: Table, index: int, context: JobContext) -> list[RowRecord]:
        try:
            produced = await asyncio.wait_for(module.process(table, table.rows[index], context), ROW_TIMEOUT)
        except RowError as error:
            kept = {key: cell(value) for key, value in error.columns.items()}
            return [RowRecord(index, 0, kept, failed=True, counted=False, error=str(error))]
        except TimeoutError:
            return [RowRecord(index, 0, {}, failed=True, counted=False, error=errors.ROW_TIMED_OUT)]
        except JobFailure:
            raise
        except Exception as error:  # a module's bug on one row's data: that row fails, never the job
            log.exception("runner.row_crashed", job_id=context.job_id, job_type=context.job_type, row=index)
            reason = errors.ROW_CRASHED.format(kind=type(error).__name__)
            return [RowRecord(index, 0, {}, failed=True, counted=False, error=reason)]
        if not produced:
            return [RowRecord(index, NO_OUTPUT, {}, counted=False)]
        records = []
        for part, values in enumerate(produced):
            data = {key: cell(value) for key, value in values.items()}
            records.append(RowRecord(index, part, data, counted=module.counts_as_result(data)))
        return records

    async def _require_every_row(self, job_id: str, planned: int) -> None:
        """A job is ``done`` only if each planned row is committed: anything else would be a short
        result presented as complete."""
        committed = await self._checkpoints.processed_indices(job_id)
        if committed != set(range(planned)):
            missing = len(set(range(planned)) - committed)
            log.error("runner.rows_missing", job_id=job_id, planned=planned, committed=len(committed))
            raise JobFailure(errors.ROWS_NOT_COMMITTED.format(missing=missing, planned=planned))

    async def _assemble(
        self, module: RowModule, table: Table, job_id: str
    ) -> tuple[list[str], list[dict[str, str]], int]:
        """Input rows in order, each with its module columns appended (the column guarantee)."""
        records = await self._checkpoints.records(job_id)
        columns = list(table.columns)
        for column in _produced_columns(module, records):
            if column not in columns:
                columns.append(column)
        rows: list[dict[str, str]] = []
        errors = 0
        for record in records:
            if record.part == NO_OUTPUT or record.index >= len(table.rows):
                continue
            errors += record.failed
            rows.append({**table.rows[record.index], **record.data})
        return columns, rows, errors

    # --- the end ---------------------------------------------------------------------------------
    async def _finish(
        self,
        context: JobContext,
        columns: list[str],
        rows: list[dict[str, str]],
        *,
        errors: int,
        stop: asyncio.Event,
        processed: int | None = None,
    ) -> JobState | None:
        """Write the result and the terminal event; returns the state it was decided on (``None``
        if the job had already ended)."""
        output = _output_name(context) if rows or not stop.is_set() else None
        if output is not None:
            await self._objects.put(subjects.OBJ_RESULTS, result_object(context.job_id), encode_csv(columns, rows))
        notice = " ".join(context.notices) or None
        results = await self._result_count(context, rows)

        def decide(state: JobState) -> ev.JobEvent:
            if state.cancel_requested:
                return ev.JobCancelled(at=utc_now(), results_count=results, error_count=errors, output_filename=output)
            return ev.JobDone(
                at=utc_now(),
                results_count=results,
                error_count=errors,
                processed=processed if processed is not None else max(state.grid_points_count, len(rows)),
                output_filename=output,
                notice=notice,
            )

        ended = await context.journal.finish(decide)
        if ended is None:
            await self._clean_if_deleted(context.job_id)
        await self._checkpoints.forget(context.job_id)
        return ended

    async def _clean_if_deleted(self, job_id: str) -> None:
        """The job ended elsewhere; if it was deleted (account deletion cancels and deletes running
        jobs), what this worker wrote since — its result file, its last logs — must not outlive it."""
        state = await load_job(self._store, job_id)
        if state is None or state.deleted:
            await self._objects.delete(subjects.OBJ_RESULTS, result_object(job_id))
            await self._store.purge(subjects.job_events(job_id))
            await self.forget(ForgetJob(job_id=job_id))

    async def forget(self, command: ForgetJob) -> dict[str, bool]:
        """A deleted job: its checkpoints go now (an interrupted source job's are otherwise kept to resume)."""
        await self._checkpoints.forget(command.job_id)
        if self._units is not None:
            await self._units.forget(command.job_id)
        return {"ok": True}

    async def _result_count(self, context: JobContext, rows: list[dict[str, str]]) -> int:
        counts = await self._checkpoints.counts(context.job_id)
        return counts.results if counts.processed else len(rows)

    async def _fail(self, context: JobContext, message: str) -> None:
        await context.log(message, "error")
        counts = await self._checkpoints.counts(context.job_id)
        failure = await context.journal.finish(
            lambda _: ev.JobFailed(
                at=utc_now(), error_message=message, results_count=counts.results, error_count=counts.errors
            )
        )
        if failure is None:
            await self._clean_if_deleted(context.job_id)
        await self._checkpoints.forget(context.job_id)


def _produced_columns(module: RowModule, records: list[RowRecord]) -> Iterator[str]:
    yield from module.spec.produces
    for record in records:
        yield from record.data


def _output_name(context: JobContext) -> str:
    return f"results_{context.job_type}_{context.job_id.removeprefix('j_').lower()}.csv"


def _stop_on(stop: asyncio.Event) -> Any:
    async def callback(message: Msg) -> None:
        if subjects.event_name_from_subject(message.subject) in STOP_EVENTS:
            stop.set()

    return callback
