"""Every planned row ends in the result exactly once, however slow the checkpoint store is.

The runner runs on real NATS and Postgres. The stores below are the real checkpoint store with
latency (a database under load) or with a lost write (a commit that never happened): the runner
must keep each row until it is committed, and refuse to call a job ``done`` without every row.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import msgspec
import pytest

from outsend_contracts import errors, subjects
from outsend_contracts.clock import new_job_id, utc_now
from outsend_contracts.jobs import events as ev
from outsend_contracts.jobs.commands import WorkOrder
from outsend_contracts.jobs.state import JobState
from outsend_contracts.resultfile import decode_csv, result_object
from outsend_deploy.local import LocalPlatform
from outsend_platform import db
from outsend_platform.broker import connect
from outsend_platform.eventstore import EventStore
from outsend_platform.objects import ObjectStorage
from outsend_runner import MIGRATIONS as RUNNER_MIGRATIONS
from outsend_runner.checkpoints import Checkpoints, RowRecord
from outsend_runner.journal import load_job
from outsend_runner.module import JobContext, RowModule
from outsend_runner.runner import JobRunner
from outsend_runner.table import Table
from tests.support.api import Api

JOBS = 20
ROWS = 100
"""Rows of the job with a lost write; the slow store's jobs have 50 to 240 rows, so that they end at
every moment of the flush cycle (all under the runner's 250-row flush)."""


class SlowCheckpoints(Checkpoints):
    """The real store, each save taking as long as on a loaded database."""

    async def save(self, job_id: str, records: Sequence[RowRecord]) -> None:
        await asyncio.sleep(0.3)
        await super().save(job_id, records)


class LosingCheckpoints(Checkpoints):
    """The real store, whose first save of a job loses one row (a write that never committed)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._lost: set[str] = set()

    async def save(self, job_id: str, records: Sequence[RowRecord]) -> None:
        if records and job_id not in self._lost:
            self._lost.add(job_id)
            records = records[1:]
        await super().save(job_id, records)


class Echo(RowModule):
    """Copies each row's name into a score after a short, uneven wait (rows end at any moment)."""

    slug = "pagespeed"
    concurrency: ClassVar[int] = 8

    async def process(self, table: Table, row: dict[str, str], context: JobContext) -> list[dict[str, Any]]:
        await asyncio.sleep(random.uniform(0.01, 0.08))
        return [{"perf_score_mobile": table.value(row, "nom").removeprefix("site ")}]


class Fragile(Echo):
    """Echo with a bug: rows whose number ends in 3 raise what no module should let out."""

    async def process(self, table: Table, row: dict[str, str], context: JobContext) -> list[dict[str, Any]]:
        if table.value(row, "nom").endswith("3"):
            raise ValueError("Port out of range 0-65535")
        return await super().process(table, row, context)


@dataclass
class Backbone:
    store: EventStore
    objects: ObjectStorage
    runner: JobRunner
    user_id: int

    async def run_job(self, rows: int) -> tuple[JobState, list[dict[str, str]]]:
        job_id = new_job_id()
        items = [{"Name": f"site {index}", "Website": f"https://site-{index}.fr"} for index in range(rows)]
        await self.objects.put(subjects.OBJ_INPUTS, f"{job_id}.json", msgspec.json.encode(items))
        created = ev.JobCreated(
            at=utc_now(), job_id=job_id, user_id=self.user_id, job_type="pagespeed", lane="parallel", params={},
            input_object=f"{job_id}.json", items_count=rows,
        )  # fmt: skip
        await self.store.append(subjects.job_event(job_id, "created"), ev.encode_event(created))
        order = WorkOrder(job_id=job_id, job_type="pagespeed", user_id=self.user_id, attempt=1, params={},
                          input_object=f"{job_id}.json")  # fmt: skip
        async with asyncio.timeout(120):  # a job that never ends fails here, with where it was stuck
            await self.runner.run(order)
        state = await load_job(self.store, job_id)
        assert state is not None
        data = await self.objects.get(subjects.OBJ_RESULTS, result_object(job_id))
        return state, decode_csv(data)[1] if data is not None else []

    async def events(self, job_id: str) -> AsyncIterator[ev.JobEvent]:
        async for _, _, data in self.store.read(subjects.job_events(job_id)):
            yield ev.decode_event(data)


@pytest.fixture
async def backbone_with(platform: LocalPlatform, user: Api) -> AsyncIterator[Any]:
    env = platform.connection_env()
    broker = await connect(env["OUTSEND_NATS_URL"], "runner-rows-test")
    # each running job holds a connection for its lock, as each of a worker's slots does
    pool = await db.create_pool(env["OUTSEND_DATABASE_URL"], "runner_rows_test", max_size=2 * JOBS)
    await db.migrate(pool, "runner_rows_test", RUNNER_MIGRATIONS)

    async def backbone(store_class: type[Checkpoints], module: RowModule | None = None) -> Backbone:
        checkpoints = store_class(pool)
        store, objects = EventStore(broker.js), ObjectStorage(broker.js)
        runner = JobRunner(broker.nc, store, objects, checkpoints, {"pagespeed": module or Echo()})
        return Backbone(store, objects, runner, int(user.user["id"]))

    try:
        yield backbone
    finally:
        await pool.close()
        await broker.close()


@pytest.mark.asyncio
async def test_every_row_of_every_job_is_in_its_result_once_with_a_slow_checkpoint_store(backbone_with: Any) -> None:
    backbone = await backbone_with(SlowCheckpoints)
    sizes = [50 + 10 * job for job in range(JOBS)]
    ended = await asyncio.gather(*(backbone.run_job(size) for size in sizes))
    for size, (state, rows) in zip(sizes, ended, strict=True):
        assert (state.status.value, state.results_count, state.error_count) == ("done", size, 0)
        assert [row["Name"] for row in rows] == [f"site {index}" for index in range(size)]
        assert [row["perf_score_mobile"] for row in rows] == [str(index) for index in range(size)]


@pytest.mark.asyncio
async def test_a_job_missing_a_committed_row_fails_with_the_reason_instead_of_ending_done(
    backbone_with: Any,
) -> None:
    backbone = await backbone_with(LosingCheckpoints)
    state, _ = await backbone.run_job(ROWS)
    assert state.status.value == "failed"
    assert state.error_message == errors.ROWS_NOT_COMMITTED.format(missing=1, planned=ROWS)


@pytest.mark.asyncio
async def test_a_row_raising_an_unexpected_error_fails_alone_and_the_job_ends_done(backbone_with: Any) -> None:
    backbone = await backbone_with(Checkpoints, Fragile())
    state, rows = await backbone.run_job(ROWS)
    crashed = [row for row in rows if row["Name"].endswith("3")]
    assert (state.status.value, state.results_count, state.error_count) == ("done", ROWS - 10, 10)
    assert [row["Name"] for row in rows] == [f"site {index}" for index in range(ROWS)]
    assert all(row["perf_score_mobile"] == "" for row in crashed) and len(crashed) == 10
    logs = [e.message async for e in backbone.events(state.id) if isinstance(e, ev.JobLogged)]
    assert f"10 ligne(s) en erreur : {errors.ROW_CRASHED.format(kind='ValueError')}" in logs
