"""API benchmarks (``make bench-api``, also part of ``make bench``), on a platform started for the run.

(a) Request rate and latency of the gateway's hot routes, measured by ``wrk`` (16 connections),
    each against a bare FastAPI app in its own process (the same uvicorn settings as the
    gateway) answering the same bytes, in the same run: ``GET /api/jobs/{id}`` and
    ``GET /api/jobs`` with a session cookie and with an API key, ``/static/style.css`` and
    ``GET /api/health``. The ratio is platform / bare requests per second.
(b) SSE fan-out: 1,000 streams open on one gateway, each event of a running job timed from its
    append to its arrival on every stream.
(c) ``POST /api/jobs/filter`` with 10,000 items: latency until the created job is answered.

Results: ``bench/results/api.json``; the table in ``docs/benchmarks.md`` is made from it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import msgspec

from bench import percentiles
from outsend_contracts import subjects
from outsend_contracts.clock import utc_now
from outsend_contracts.jobs import events as ev
from outsend_deploy.infra import free_port
from outsend_deploy.local import LocalPlatform
from outsend_gateway.routes.web import WEB
from outsend_platform.broker import connect
from outsend_platform.eventstore import EventStore
from tests.support.api import Api
from tests.support.platform import running_platform
from tests.world import World
from tests.world.sheets import SheetsServer

RESULTS = Path(__file__).parent / "results" / "api.json"
CONNECTIONS = 16
SSE_STREAMS = 1000
PLATFORM_ENV = {"OUTSEND_MAX_STREAMS_PER_USER": str(SSE_STREAMS + 10)}
"""One bench user holds every stream: the per-user cap is raised above the streams opened."""

BARE_APP = """
import json, sys
from fastapi import FastAPI, Response
from fastapi.staticfiles import StaticFiles
import uvicorn
bodies = {path: text.encode() for path, text in json.loads(open(sys.argv[2]).read()).items()}
app = FastAPI()
@app.get("/api/jobs/{job_id}")
async def job(job_id: str) -> Response:
    return Response(bodies["job"], media_type="application/json")
@app.get("/api/jobs")
async def jobs() -> Response:
    return Response(bodies["jobs"], media_type="application/json")
@app.get("/api/health")
async def health() -> Response:
    return Response(bodies["health"], media_type="application/json")
app.mount("/static", StaticFiles(directory=sys.argv[3]), name="static")
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False,
            proxy_headers=False, timeout_graceful_shutdown=5)
"""
"""The gateway's own uvicorn settings (outsend_gateway.main), with nothing but the answer."""

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def ensure_wrk() -> str:
    """``wrk`` comes from Debian, like Chromium (``make bench-deps`` installs it)."""
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is missing: run `make bench-deps` (apt-get install wrk)")
    return found


def wrk(url: str, seconds: float, headers: dict[str, str] | None = None) -> dict[str, float]:
    """Requests/s and p50/p99 latency of ``url`` under ``CONNECTIONS`` keep-alive connections."""
    command = [ensure_wrk(), "-t1", f"-c{CONNECTIONS}", f"-d{max(int(seconds), 1)}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> dict[str, float]:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if rate is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    return {
        "requests_per_second": round(float(rate.group(1)), 1),
        "p50_ms": _latency(output, "50"),
        "p99_ms": _latency(output, "99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def _latency(output: str, percent: str) -> float:
    found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"no p{percent} in wrk output:\n{output}")
    return round(float(found.group(1)) * _UNITS[found.group(2)], 2)


class BareApp:
    """The bare FastAPI app in its own process, serving the bytes the platform answered."""

    def __init__(self, bodies: dict[str, str]) -> None:
        self.port = free_port()
        self._file = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)  # noqa: SIM115
        self._file.write(json.dumps(bodies))
        self._file.close()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> BareApp:
        args = [sys.executable, "-c", BARE_APP, str(self.port), self._file.name, str(WEB)]
        self._process = subprocess.Popen(args)
        for _ in range(200):
            try:
                httpx.get(f"{self.base_url}/api/health")
                return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the bare app did not start")

    def __exit__(self, *_: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait()
        Path(self._file.name).unlink(missing_ok=True)


def routes(platform: LocalPlatform, api: Api, seconds: float) -> dict[str, dict[str, Any]]:
    """Each route on the platform and on the bare app, one after the other in the same run."""
    job = api.create("sort", items=[{"nom": "Cabinet Dupont"}])
    api.wait(str(job["id"]))
    key = api.http.post("/api/auth/api-keys", json={"name": "bench"}).json()["key"]
    cookie = {"Cookie": f"outsend_session={api.http.cookies['outsend_session']}"}
    api_key = {"X-API-Key": key}
    paths = {"job": f"/api/jobs/{job['id']}", "jobs": "/api/jobs", "static": "/static/style.css"}
    paths["health"] = "/api/health"
    bodies = {name: api.http.get(path).text for name, path in paths.items() if name != "static"}
    measured = {
        "GET /api/jobs/{id} (cookie)": ("job", cookie),
        "GET /api/jobs/{id} (API key)": ("job", api_key),
        "GET /api/jobs (cookie)": ("jobs", cookie),
        "GET /api/jobs (API key)": ("jobs", api_key),
        "GET /static/style.css": ("static", {}),
        "GET /api/health": ("health", {}),
    }
    results: dict[str, dict[str, Any]] = {}
    with BareApp(bodies) as bare:
        for label, (name, headers) in measured.items():
            bare_figures = wrk(bare.base_url + paths[name], seconds, headers)
            platform_figures = wrk(platform.base_url + paths[name], seconds, headers)
            ratio = platform_figures["requests_per_second"] / bare_figures["requests_per_second"]
            results[label] = {"platform": platform_figures, "bare": bare_figures, "ratio": round(ratio, 3)}
            print(label, results[label], flush=True)
    return results


async def sse_fan_out(platform: LocalPlatform, api: Api, streams: int, events: int) -> dict[str, Any]:
    """``streams`` SSE clients on one running job; each appended event timed to every client."""
    job = api.create("import", source="url", url=SheetsServer.url(5, events * 0.2 + 120))
    api.wait(str(job["id"]), until={"running"})
    arrived: dict[int, list[float]] = {index: [] for index in range(events)}
    ready = 0
    all_ready = asyncio.Event()
    cookie = api.http.cookies["outsend_session"]
    request = (
        f"GET /api/jobs/{job['id']}/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: outsend_session={cookie}\r\nAccept: text/event-stream\r\n\r\n"
    ).encode()
    marker = re.compile(rb'"sse-bench-(\d+)"')

    async def client() -> None:
        nonlocal ready
        reader, writer = await asyncio.open_connection("127.0.0.1", platform.http_port, limit=1 << 20)
        writer.write(request)
        counted = False
        try:
            async for line in reader:
                if not counted and line.startswith(b"event: status"):
                    counted = True
                    ready += 1
                    if ready == streams:
                        all_ready.set()
                if found := marker.search(line):
                    arrived[int(found.group(1))].append(time.perf_counter())
        finally:
            writer.close()

    clients = [asyncio.create_task(client()) for _ in range(streams)]
    opened = time.perf_counter()
    with contextlib.suppress(TimeoutError):  # the figure says how many opened in time
        await asyncio.wait_for(all_ready.wait(), timeout=120)
    open_seconds = time.perf_counter() - opened
    streaming = ready
    broker = await connect(platform.connection_env()["OUTSEND_NATS_URL"], "bench")
    store = EventStore(broker.js)
    published: dict[int, float] = {}
    for index in range(events):
        event = ev.JobLogged(at=utc_now(), message=f"sse-bench-{index}", level="debug")
        published[index] = time.perf_counter()
        await store.append(subjects.job_event(str(job["id"]), "log"), ev.encode_event(event))
        await asyncio.sleep(0.2)
    deadline = time.perf_counter() + 60
    while sum(map(len, arrived.values())) < streaming * events and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
    for task in clients:
        task.cancel()
    await asyncio.gather(*clients, return_exceptions=True)
    await broker.close()
    api.http.post(f"/api/jobs/{job['id']}/cancel")
    delays = [at - published[index] for index, times in arrived.items() for at in times]
    return {
        "streams": streams,
        "streams_open_within_120_s": streaming,
        "events": events,
        "deliveries_expected": streaming * events,
        "deliveries_received": len(delays),
        "seconds_to_open_every_stream": round(open_seconds, 2),
        **(percentiles(delays) if delays else {}),
    }


def filter_creation(api: Api, items: int, samples: int) -> dict[str, Any]:
    """``POST /api/jobs/filter`` with ``items`` rows: time until the created job is answered."""
    rows = [
        {"nom": f"Entreprise {index}", "telephone": f"01 23 45 {index % 100:02d} {index % 97:02d}"}
        for index in range(items)
    ]
    body = json.dumps({"items": rows, "require_phone": True}).encode()
    headers = {"Content-Type": "application/json"}
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        response = api.http.post("/api/jobs/filter", content=body, headers=headers)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return {"items": items, "body_bytes": len(body), **percentiles(timings)}


def run(platform: LocalPlatform, api: Api, seconds: float) -> dict[str, Any]:
    """Every API figure, on a platform started with ``PLATFORM_ENV``."""
    return {
        "load_generator": f"wrk -t1 -c{CONNECTIONS}, {int(seconds)} s per route",
        "routes": routes(platform, api, seconds),
        "sse_fan_out": asyncio.run(sse_fan_out(platform, api, SSE_STREAMS, 50)),
        "filter_10000_items": filter_creation(api, 10_000, 20),
    }


def write(results: dict[str, Any]) -> None:
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(msgspec.json.format(msgspec.json.encode(results)).decode())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    ensure_wrk()
    world = World([SheetsServer()])
    with running_platform({**world.start(), **PLATFORM_ENV}) as platform:
        results = run(platform, Api(platform).signup(), args.seconds)
    world.stop()
    write(results)


if __name__ == "__main__":
    main()
