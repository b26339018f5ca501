"""Concurrency limits, result retention and tracing, on a platform of their own."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from outsend_deploy.local import LocalPlatform
from tests.support.api import Api
from tests.support.events import job_event_log, peak_concurrency
from tests.support.platform import running_platform
from tests.world import World
from tests.world.otlp import OtlpCollector, ReceivedSpan
from tests.world.sheets import SheetsServer

RETENTION_SECONDS = 4


@pytest.fixture(scope="module")
def collector() -> Iterator[OtlpCollector]:
    server = OtlpCollector()
    yield server


@pytest.fixture(scope="module")
def limited(collector: OtlpCollector) -> Iterator[LocalPlatform]:
    world = World([SheetsServer(), collector])
    settings = world.start()
    try:
        with running_platform({**settings, "OUTSEND_RESULT_RETENTION_SECONDS": str(RETENTION_SECONDS)}) as started:
            yield started
    finally:
        world.stop()


def slow_jobs(api: Api, count: int, delay: float) -> list[str]:
    return [str(api.create("import", source="url", url=SheetsServer.url(5, delay))["id"]) for _ in range(count)]


def test_one_user_never_runs_more_than_five_jobs_and_all_users_never_more_than_six(limited: LocalPlatform) -> None:
    alice, bob = Api(limited).signup(), Api(limited).signup()
    alice_jobs = slow_jobs(alice, 7, delay=2)
    bob_jobs = slow_jobs(bob, 7, delay=2)
    for api, jobs in ((alice, alice_jobs), (bob, bob_jobs)):
        for job_id in jobs:  # the first may have expired already (retention is seconds here)
            api.wait(job_id, timeout=120)

    everything = job_event_log(limited, alice_jobs + bob_jobs)
    assert {job_id for _, job_id, event in everything if event == "done"} == {*alice_jobs, *bob_jobs}
    assert peak_concurrency(job_event_log(limited, alice_jobs)) == 5
    # bob shares the lane with alice's backlog turn by turn: how close he gets to five depends on when hers end
    assert peak_concurrency(job_event_log(limited, bob_jobs)) <= 5
    assert peak_concurrency(everything) == 6


def test_results_expire_after_the_retention_period_and_the_record_stays(limited: LocalPlatform) -> None:
    api = Api(limited).signup()
    job = api.create("sort", items=[{"nom": "A"}, {"nom": "B"}])
    done = api.wait(job["id"])
    assert done["status"] == "done" and done["download_available"]
    expired = api.wait(job["id"], timeout=RETENTION_SECONDS + 15, until={"expired"})
    assert expired["download_available"] is False
    assert expired["results_count"] == 2 and expired["completed_at"] == done["completed_at"]
    assert api.http.get(f"/api/jobs/{job['id']}/download").status_code == 410
    assert api.http.get(f"/api/jobs/{job['id']}/items").status_code == 410


def test_one_trace_follows_a_job_from_the_http_request_to_the_worker(
    limited: LocalPlatform, collector: OtlpCollector
) -> None:
    api = Api(limited).signup()
    job = api.create("filter", items=[{"nom": "A"}])
    api.wait(job["id"])
    deadline = time.monotonic() + 15
    worker_spans: list[ReceivedSpan] = []
    while not worker_spans and time.monotonic() < deadline:
        time.sleep(0.3)  # spans are exported in batches
        traces = {span.trace_id for span in collector.spans if span.name.startswith("POST /api/jobs/filter")}
        worker_spans = [span for span in collector.spans if span.name == "run job" and span.trace_id in traces]
    assert worker_spans, "the worker span is not in the request's trace"
    trace_id = worker_spans[0].trace_id
    services = {span.service for span in collector.spans if span.trace_id == trace_id}
    assert {"outsend-gateway", "outsend-jobs", "outsend-enrichers"} <= services
