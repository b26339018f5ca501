"""The module runner on real NATS and Postgres: checkpoints, resume, row errors, column guarantee.

The module here is written for the test (its slug borrows a registry entry whose worker is not
deployed), and the runner drives it exactly as a worker service would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, ClassVar

import msgspec
import pytest

from outsend_contracts import subjects
from outsend_contracts.clock import new_job_id, utc_now
from outsend_contracts.jobs import events as ev
from outsend_contracts.jobs.commands import WorkOrder
from outsend_contracts.resultfile import decode_csv, result_object
from outsend_deploy.local import LocalPlatform
from outsend_platform import db
from outsend_platform.broker import connect
from outsend_platform.eventstore import EventStore
from outsend_platform.objects import ObjectStorage
from outsend_runner import MIGRATIONS as RUNNER_MIGRATIONS
from outsend_runner.checkpoints import Checkpoints
from outsend_runner.journal import load_job
from outsend_runner.module import JobContext, RowError, RowModule
from outsend_runner.runner import JobRunner
from outsend_runner.table import Table
from tests.support.api import Api

ROWS = 400


class SlowScores(RowModule):
    """Scores each site; sites named ``bad…`` fail; ``gate`` can hold the work mid-way."""

    slug = "pagespeed"
    concurrency: ClassVar[int] = 8

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.gate = asyncio.Event()
        self.gate.set()

    async def process(self, table: Table, row: dict[str, str], context: JobContext) -> list[dict[str, Any]]:
        name = table.value(row, "nom")
        if name.endswith("200"):
            await self.gate.wait()
        self.calls.append(name)
        if name.startswith("bad"):
            raise RowError("site injoignable")
        return [{"perf_score_mobile": len(name), "note_interne": "ok"}]

    def counts_as_result(self, produced: Mapping[str, str]) -> bool:
        return produced.get("perf_score_mobile", "") != ""


def items() -> list[dict[str, str]]:
    rows = [{"Name": f"site {index}", "Website": f"https://site-{index}.fr", "ville": "Lyon"} for index in range(ROWS)]
    rows[7]["Name"] = rows[77]["Name"] = "bad site"
    rows[9]["Website"] = ""  # dropped: pagespeed keeps rows without site, so this one stays
    return rows


@pytest.mark.asyncio
async def test_a_job_interrupted_mid_way_resumes_after_its_last_committed_row(
    platform: LocalPlatform, user: Api
) -> None:
    env = platform.connection_env()
    broker = await connect(env["OUTSEND_NATS_URL"], "runner-test")
    pool = await db.create_pool(env["OUTSEND_DATABASE_URL"], "runner_test")
    await db.migrate(pool, "runner_test", RUNNER_MIGRATIONS)
    try:
        store, objects, checkpoints = EventStore(broker.js), ObjectStorage(broker.js), Checkpoints(pool)
        job_id = new_job_id()
        await objects.put(subjects.OBJ_INPUTS, f"{job_id}.json", msgspec.json.encode(items()))
        created = ev.JobCreated(
            at=utc_now(), job_id=job_id, user_id=int(user.user["id"]), job_type="pagespeed", lane="parallel",
            params={}, input_object=f"{job_id}.json", items_count=ROWS,
        )  # fmt: skip
        await store.append(subjects.job_event(job_id, "created"), ev.encode_event(created))
        order = WorkOrder(job_id=job_id, job_type="pagespeed", user_id=int(user.user["id"]), attempt=1, params={},
                          input_object=f"{job_id}.json")  # fmt: skip

        first = SlowScores()
        first.gate.clear()  # the row "site 200" waits: the first run stops mid-way
        crashed = asyncio.create_task(
            JobRunner(broker.nc, store, objects, checkpoints, {"pagespeed": first}).run(order)
        )
        await _until(lambda: len(first.calls) >= 250)
        await asyncio.sleep(1.2)  # past a flush: what was processed is committed
        crashed.cancel()  # the worker dies
        await asyncio.gather(crashed, return_exceptions=True)
        committed = (await checkpoints.counts(job_id)).processed
        assert 0 < committed < ROWS

        second = SlowScores()
        await JobRunner(broker.nc, store, objects, checkpoints, {"pagespeed": second}).run(order, deliveries=2)
        assert (
            len(second.calls) <= ROWS - committed + second.concurrency
        )  # only what was left, give or take in-flight rows

        state = await load_job(store, job_id)
        assert state is not None and state.status.value == "done"
        assert (state.results_count, state.error_count) == (ROWS - 2, 2)
        data = await objects.get(subjects.OBJ_RESULTS, result_object(job_id))
        assert data is not None
        columns, rows = decode_csv(data)
        assert columns == ["Name", "Website", "ville", "perf_score_mobile", "perf_score_desktop", "lcp_ms", "cls",
                           "accessibility_score", "seo_score", "best_practices_score", "fcp_ms", "tbt_ms", "inp_ms",
                           "suggestions", "note_interne"]  # fmt: skip
        assert [row["Name"] for row in rows] == [row["Name"] for row in items()]  # every row once, in order
        failed = [row for row in rows if row["Name"] == "bad site"]
        assert all(row["perf_score_mobile"] == "" for row in failed) and len(failed) == 2
        assert rows[0]["perf_score_mobile"] == str(len("site 0"))
        assert (await checkpoints.counts(job_id)).processed == 0  # checkpoints are cleaned once the job is done
        logs = [e.message for _, _, data in [x async for x in store.read(subjects.job_events(job_id))]
                if isinstance(e := ev.decode_event(data), ev.JobLogged)]  # fmt: skip
        assert any(message.startswith("Reprise après interruption") for message in logs)
        assert "2 ligne(s) en erreur : site injoignable" in logs
    finally:
        await pool.close()
        await broker.close()


async def _until(condition: Any, timeout: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.05)
