"""Account benchmarks (``make bench-accounts``), on a platform started for the run.

(a) ``GET /api/jobs/{id}`` throughput authenticated by the session cookie and by ``X-API-Key``,
    in the same run: what resolving a key costs against a cookie.
(b) Rate-limit attempts per second through two replicas (two connection pools on one table):
    every attempt from another address, and every attempt on the same window (contention).
(c) The GDPR export of an account with five done jobs of 10,000 rows: seconds, archive size,
    and the gateway's peak memory (VmHWM) before and after.

Results: ``bench/results/accounts.json``; the table in ``docs/accounts.md`` is made from it.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

import msgspec

from bench.backbone import throughput
from outsend_auth import ratelimit
from outsend_auth.ratelimit import RateLimiter
from outsend_auth.repository.rate_limits import RateLimitRepository
from outsend_deploy.local import LocalPlatform
from outsend_platform import db
from tests.support.api import Api
from tests.support.platform import running_platform
from tests.world import World
from tests.world.sheets import SheetsServer

RESULTS = Path(__file__).parent / "results" / "accounts.json"


def cookie_or_key(platform: LocalPlatform, api: Api, seconds: float) -> dict[str, float]:
    """The same request with either credential, alternated in short rounds so both see the same load."""
    job = api.create("sort", items=[{"nom": "Cabinet Dupont"}])
    api.wait(str(job["id"]))
    key = api.http.post("/api/auth/api-keys", json={"name": "bench"}).json()["key"]
    credentials = {
        "cookie": {"Cookie": f"outsend_session={api.http.cookies['outsend_session']}"},
        "api_key": {"X-API-Key": key},
    }
    url = f"{platform.base_url}/api/jobs/{job['id']}"
    totals = dict.fromkeys(credentials, 0.0)
    rounds = 4
    for _ in range(rounds):
        for name, headers in credentials.items():
            totals[name] += asyncio.run(throughput(url, seconds / rounds, 32, headers=headers)) / rounds
    return {
        "cookie_requests_per_second": round(totals["cookie"], 1),
        "api_key_requests_per_second": round(totals["api_key"], 1),
        "ratio": round(totals["api_key"] / totals["cookie"], 3),
    }


async def limiter_rate(platform: LocalPlatform, attempts: int) -> dict[str, float]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    dsn = platform.connection_env()["OUTSEND_DATABASE_URL"]
    pools = [await db.create_pool(dsn, schema, max_size=8) for _ in range(2)]
    await db.migrate(pools[0], schema, "outsend_auth")
    replicas = [RateLimiter(RateLimitRepository(pool), "bench") for pool in pools]
    try:
        spread = await _attempts(replicas, attempts, lambda index: f"198.51.{index // 256 % 256}.{index % 256}")
        same = await _attempts(replicas, attempts, lambda _: "203.0.113.1")
    finally:
        await pools[0].execute(f'DROP SCHEMA "{schema}" CASCADE')
        for pool in pools:
            await pool.close()
    return {"attempts": attempts, "distinct_addresses_per_second": spread, "one_address_per_second": same}


async def _attempts(replicas: list[RateLimiter], attempts: int, address: Any) -> float:
    queue = iter(range(attempts))

    async def worker(replica: RateLimiter) -> None:
        for index in queue:
            await replica.attempt((ratelimit.SIGNUP_PER_IP, address(index)))

    started = time.perf_counter()
    await asyncio.gather(*(worker(replicas[index % 2]) for index in range(16)))
    return round(attempts / (time.perf_counter() - started), 1)


def peak_rss_mb(platform: LocalPlatform, service: str) -> float:
    assert platform.supervisor is not None
    process = platform.supervisor.get(service).process
    assert process is not None
    status = Path(f"/proc/{process.pid}/status").read_text()
    kilobytes = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    return round(kilobytes / 1024, 1)


def export(platform: LocalPlatform, jobs: int, rows: int) -> dict[str, float]:
    api = Api(platform).signup()
    items = [{"nom": f"Cabinet {index}", "ville": "Lyon", "note": f"{index % 50 / 10:.1f}"} for index in range(rows)]
    for _ in range(jobs):
        api.wait(str(api.create("sort", items=items, sort_by="note")["id"]))
    before = peak_rss_mb(platform, "gateway")
    started = time.perf_counter()
    response = api.http.get("/api/auth/me/export")
    seconds = time.perf_counter() - started
    assert response.status_code == 200
    entries = zipfile.ZipFile(io.BytesIO(response.content)).infolist()
    return {
        "jobs": jobs,
        "rows_per_job": rows,
        "seconds": round(seconds, 2),
        "archive_mb": round(len(response.content) / 1e6, 2),
        "uncompressed_mb": round(sum(entry.file_size for entry in entries) / 1e6, 2),
        "gateway_peak_rss_mb_before": before,
        "gateway_peak_rss_mb_after": peak_rss_mb(platform, "gateway"),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--attempts", type=int, default=4000)
    args = parser.parse_args()
    world = World([SheetsServer()])
    with running_platform(world.start()) as platform:
        api = Api(platform).signup()
        results = {
            "machine": {"python": sys.version.split()[0]},
            "get_job_cookie_vs_api_key": cookie_or_key(platform, api, args.seconds),
            "rate_limit_attempts": asyncio.run(limiter_rate(platform, args.attempts)),
            "export": export(platform, jobs=5, rows=10_000),
        }
    world.stop()
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(msgspec.json.format(msgspec.json.encode(results)).decode())


if __name__ == "__main__":
    main()
