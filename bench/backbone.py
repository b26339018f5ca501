"""Backbone benchmarks (``make bench``), on a platform started for the run.

(a) Event hop: from a job's ``done`` event to the ``running`` state of the job it triggers
    (the path the pipeline coordinator takes: event → create command → queue → dispatch), and
    from an event's publish to its arrival on an SSE client; p50/p99 over ≥ 1,000 samples.
(b) The API figures of ``bench/api.py`` (``wrk`` against bare FastAPI routes, SSE fan-out,
    filter creation), in the same run: ``bench/results/api.json``.

Results: ``bench/results/backbone.json``; the table in ``docs/benchmarks.md`` is made from it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform as host
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import msgspec

from bench import api as api_bench
from bench import percentiles
from outsend_contracts import subjects
from outsend_contracts.clock import new_job_id, utc_now
from outsend_contracts.jobs import events as ev
from outsend_contracts.jobs.commands import CreateJob
from outsend_deploy.local import LocalPlatform
from outsend_platform import commands
from outsend_platform.broker import connect
from outsend_platform.eventstore import EventStore
from tests.support.api import Api
from tests.support.platform import running_platform
from tests.world import World
from tests.world.sheets import SheetsServer

RESULTS = Path(__file__).parent / "results" / "backbone.json"


async def event_to_running(platform: LocalPlatform, api: Api, samples: int) -> dict[str, float]:
    """A chain of sort jobs, each created when the previous one's ``done`` event arrives."""
    broker = await connect(platform.connection_env()["OUTSEND_NATS_URL"], "bench")
    done_at: dict[str, float] = {}
    started_at: dict[str, float] = {}
    next_of: dict[str, str] = {}
    finished = asyncio.Event()

    async def on_done(message: Any) -> None:
        job_id = subjects.job_id_from_subject(message.subject)
        if job_id not in next_of:
            return
        done_at[job_id] = time.perf_counter()
        successor = next_of[job_id]
        if len(next_of) <= samples:
            next_of[successor] = new_job_id()
            await commands.post(
                broker,
                subjects.CMD_JOBS_CREATE,
                CreateJob(
                    job_id=successor,
                    user_id=int(api.user["id"]),
                    job_type="sort",
                    params={"sort_by": "nom", "direction": "asc"},
                    source_job_id=job_id,
                ),
                msg_id=successor,
            )
        else:
            finished.set()

    async def on_started(message: Any) -> None:
        started_at.setdefault(subjects.job_id_from_subject(message.subject), time.perf_counter())

    await broker.nc.subscribe(subjects.job_terminal_events("done"), cb=on_done)
    await broker.nc.subscribe("evt.job.*.started", cb=on_started)
    first = api.create("sort", items=[{"nom": "Cabinet Dupont"}, {"nom": "Atelier Martin"}])
    next_of[str(first["id"])] = new_job_id()
    await asyncio.wait_for(finished.wait(), timeout=samples * 2)
    await broker.close()
    hops = [started_at[next_of[job_id]] - done_at[job_id] for job_id in done_at if next_of[job_id] in started_at]
    return percentiles(hops)


async def publish_to_sse(platform: LocalPlatform, api: Api, samples: int) -> dict[str, float]:
    """Log events appended to a running job's stream, timed until an SSE client reads them."""
    job = api.create("import", source="url", url=SheetsServer.url(5, samples * 0.01 + 30))
    api.wait(str(job["id"]), until={"running"})
    broker = await connect(platform.connection_env()["OUTSEND_NATS_URL"], "bench")
    store = EventStore(broker.js)
    published: dict[str, float] = {}
    arrived: dict[str, float] = {}
    ready = asyncio.Event()

    async def read() -> None:
        client = httpx.AsyncClient(base_url=platform.base_url, cookies=api.http.cookies, timeout=None)
        async with client, client.stream("GET", f"/api/jobs/{job['id']}/stream") as response:
            async for line in response.aiter_lines():
                if line.startswith("event: status"):
                    ready.set()
                if line.startswith("data: ") and '"bench-' in line:
                    arrived[json.loads(line[6:])["message"]] = time.perf_counter()
                    if len(arrived) == samples:
                        return

    reader = asyncio.create_task(read())
    await ready.wait()
    for index in range(samples):
        marker = f"bench-{index}"
        event = ev.JobLogged(at=utc_now(), message=marker, level="debug")
        published[marker] = time.perf_counter()
        await store.append(subjects.job_event(str(job["id"]), "log"), ev.encode_event(event))
        await asyncio.sleep(0.005)
    await asyncio.wait_for(reader, timeout=60)
    api.http.post(f"/api/jobs/{job['id']}/cancel")
    await broker.close()
    return percentiles([arrived[marker] - published[marker] for marker in published])


async def throughput(
    url: str,
    seconds: float,
    concurrency: int,
    *,
    cookies: httpx.Cookies | None = None,
    headers: dict[str, str] | None = None,
) -> float:
    """Requests per second answered 200 by ``url``, ``concurrency`` clients for ``seconds``."""
    count = 0
    deadline = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal count
        while time.perf_counter() < deadline:
            response = await client.get(url)
            assert response.status_code == 200, response.text
            count += 1

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(cookies=cookies, headers=headers, limits=limits, timeout=30) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    api_bench.ensure_wrk()
    world = World([SheetsServer()])
    with running_platform({**world.start(), **api_bench.PLATFORM_ENV}) as platform:
        api = Api(platform).signup()
        results = {
            "machine": {"cpus": host.processor() or host.machine(), "python": sys.version.split()[0]},
            "event_done_to_next_running": asyncio.run(event_to_running(platform, api, args.samples)),
            "event_publish_to_sse_client": asyncio.run(publish_to_sse(platform, api, args.samples)),
        }
        api_results = api_bench.run(platform, api, args.seconds)
    world.stop()
    api_bench.write(api_results)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(msgspec.json.format(msgspec.json.encode(results)).decode())


if __name__ == "__main__":
    main()
