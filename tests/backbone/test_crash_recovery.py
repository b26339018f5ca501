"""Nothing lost: a worker killed mid-job and a broker restarted mid-job still give every row once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from outsend_contracts import registry, streams, subjects
from outsend_deploy.local import LocalPlatform
from outsend_platform.broker import connect
from tests.support.api import Api
from tests.support.platform import running_platform
from tests.world import World
from tests.world.sheets import SheetsServer

ROWS = 300


@pytest.fixture(scope="module")
def fragile() -> Iterator[LocalPlatform]:
    world = World([SheetsServer()])
    settings = world.start()
    try:
        with running_platform(settings) as started:
            yield started
    finally:
        world.stop()


def assert_every_row_once(api: Api, job_id: str) -> None:
    job = api.wait(job_id, timeout=120)
    assert job["status"] == "done", job
    names = [row["nom"] for row in api.all_items(job_id)]
    assert len(names) == ROWS == job["results_count"]
    assert sorted(names) == sorted(f"Commerce {index}" for index in range(ROWS))


def test_a_worker_killed_mid_job_is_replaced_and_the_job_ends_with_every_row_once(fragile: LocalPlatform) -> None:
    api = Api(fragile).signup()
    job = api.create("import", source="url", url=SheetsServer.url(ROWS, 3))
    api.wait(job["id"], until={"running"})
    assert fragile.supervisor is not None
    enrichers = fragile.supervisor.get("enrichers")
    enrichers.kill()
    assert api.job(job["id"])["status"] == "running"
    health = api.http.get("/api/health")
    assert health.status_code == 503 and health.json()["services"]["enrichers"] == {"ready": False}
    enrichers.start()
    assert_every_row_once(api, job["id"])


def test_a_broker_restart_mid_job_loses_nothing(fragile: LocalPlatform) -> None:
    api = Api(fragile).signup()
    job = api.create("import", source="url", url=SheetsServer.url(ROWS, 3))
    api.wait(job["id"], until={"running"})
    if fragile.nats is None:
        pytest.skip("restarting the broker needs the wheel-started NATS (OUTSEND_TEST_INFRA=wheels)")
    fragile.nats.stop()
    fragile.nats.start()
    fragile.wait_healthy(timeout=60)
    assert_every_row_once(api, job["id"])
    follow_up = api.create("sort", source_job_id=job["id"], sort_by="nom", top_n=5)
    assert api.wait(follow_up["id"])["results_count"] == 5


def deliver_again_until_done(platform: LocalPlatform, job_type: str, api: Api, job_id: str) -> int:
    """Publish the in-flight work order again and again while the job runs, as JetStream does when
    keep-alives come late; returns how many duplicates went out."""

    async def publish() -> int:
        broker = await connect(platform.connection_env()["OUTSEND_NATS_URL"], "tests")
        subject = subjects.work(registry.REGISTRY[job_type].lane.value, job_type)  # type: ignore[union-attr]
        sent = 0
        try:
            order = await broker.js.get_last_msg(streams.WORK.name, subject)
            while api.job(job_id)["status"] == "running":
                await broker.js.publish(subject, order.data, headers={"Nats-Msg-Id": f"again-{sent}"})
                sent += 1
                await asyncio.sleep(0.05)
        finally:
            await broker.close()
        return sent

    return asyncio.run(publish())


def test_a_work_order_delivered_again_while_its_job_runs_still_gives_every_row_once(fragile: LocalPlatform) -> None:
    api = Api(fragile).signup()
    items = [{"nom": f"Client {i}", "telephone": f"06 12 {i // 10_000:02d} {i // 100 % 100:02d} {i % 100:02d}"}
             for i in range(8_000)]  # fmt: skip
    job = api.create("phone_info", items=items)
    api.wait(job["id"], until={"running"})
    assert deliver_again_until_done(fragile, "phone_info", api, job["id"]) > 0

    finished = api.wait(job["id"], timeout=300)
    assert finished["status"] == "done", finished
    assert [row["nom"] for row in api.all_items(job["id"])] == [item["nom"] for item in items]
    assert (finished["results_count"], finished["error_count"]) == (len(items), 0)
