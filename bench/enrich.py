"""``make bench-enrich``: ``emails`` (normal) over 10,000 sites answering with internet-like latency.

1. The test world's web serves 10,000 generated sites from its own process, each response after
   a seeded delay (50–400 ms, one in twenty 0.8–2.5 s), logging every request.
2. The platform runs an ``emails`` job on the 10,000 sites through the API: sites per second
   from the job's start to its end; the enrichers worker's peak RSS (``VmHWM``).
3. A raw fetch replays exactly the requests the job made (from the server's log), with plain
   httpx at the job's concurrency and nothing else: no guard, no politeness, no parsing, no
   runner.
4. A naive crawler — sequential ``requests`` and a regular expression, the way a first script
   does it — reads a sample of the sites (homepage, then its contact / legal / about links).

Writes ``bench/results/enrich.json`` and ``docs/benchmarks/enrich.md``.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx

from outsend_enrichers.modules.emails import EmailsModule
from outsend_web.fetch import POOL_SHARDS
from tests.support.api import Api
from tests.support.platform import running_platform
from tests.world.web.sites import generate

ROOT = Path(__file__).resolve().parent.parent
SITES = int(os.environ.get("BENCH_SITES", "10000"))
SEED = 2024
LATENCY_SEED = 7
NAIVE_SAMPLE = int(os.environ.get("BENCH_NAIVE_SITES", "60"))
CONCURRENCY = EmailsModule.concurrency
TARGETS = {"vs_raw": 0.5, "vs_naive": 10.0, "rss_mb": 300}


def start_web(log: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    command = [sys.executable, "-m", "tests.world.web", "--sites", str(SITES), "--seed", str(SEED)]
    command += ["--latency", str(LATENCY_SEED), "--access-log", str(log)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    settings: dict[str, str] = {}
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("#"):
            break
        key, _, value = line.strip().partition("=")
        settings[key] = value
    return process, settings


def ports(settings: dict[str, str]) -> dict[str, int]:
    found = dict(re.findall(r"\*\.fr:(\d+):127\.0\.0\.1:(\d+)", settings["OUTSEND_CONNECT_TO"]))
    return {"http": int(found["80"]), "https": int(found["443"])}


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_job(settings: dict[str, str], log: Path) -> dict[str, Any]:
    sites = generate(SITES, SEED)
    with running_platform(settings) as platform:
        api = Api(platform).signup()
        log.write_text("")
        job = api.create("emails", items=[site.row() for site in sites], mode="normal")
        finished = api.wait(job["id"], timeout=3600)
        assert finished["status"] == "done", finished
        assert platform.supervisor is not None
        worker = next(p for p in platform.supervisor.processes if p.name == "enrichers")
        assert worker.process is not None
        rss = peak_rss_mb(worker.process.pid)
    seconds = (_when(finished["completed_at"]) - _when(finished["started_at"])).total_seconds()
    return {
        "sites": SITES,
        "seconds": round(seconds, 1),
        "sites_per_second": round(SITES / seconds, 2),
        "emails_found": finished["results_count"],
        "unreadable_sites": finished["error_count"],
        "worker_peak_rss_mb": round(rss, 1),
    }


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def raw_fetch(requests: list[tuple[str, str, str]], settings: dict[str, str]) -> float:
    """Seconds to replay the requests with plain httpx, ``CONCURRENCY`` at a time.

    Connections are spread over eight clients by host, as the fetcher does: a single httpx pool
    scans all its connections on every request, which would make the baseline unfairly slow.
    """
    port = ports(settings)
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=8, keepalive_expiry=5)
    timeout = httpx.Timeout(10.0, connect=5.0)
    clients = [
        httpx.AsyncClient(verify=settings["OUTSEND_EXTRA_CA"], limits=limits, timeout=timeout)
        for _ in range(POOL_SHARDS)
    ]
    queue = iter(requests)

    async def worker() -> None:
        for scheme, host, path in queue:
            client = clients[zlib.crc32(host.encode()) % POOL_SHARDS]
            url = f"{scheme}://127.0.0.1:{port[scheme]}{path}"
            try:
                await client.get(url, headers={"Host": host}, extensions={"sni_hostname": host})
            except httpx.HTTPError:
                pass

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    elapsed = time.monotonic() - started
    for client in clients:
        await client.aclose()
    return elapsed


NAIVE_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
NAIVE_LINK = re.compile(r'href="([^"]*(?:contact|mentions|legal|propos|qui-sommes|equipe)[^"]*)"', re.IGNORECASE)


def naive_crawl(settings: dict[str, str]) -> float:
    """Sites per second of a sequential requests + regex crawler, on a sample of the sites."""
    import requests
    import urllib3.util.connection as connection

    port = ports(settings)
    original = connection.create_connection

    def to_world(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        return original(("127.0.0.1", port["https" if address[1] == 443 else "http"]), *args, **kwargs)

    connection.create_connection = to_world  # type: ignore[assignment]
    session = requests.Session()
    session.verify = settings["OUTSEND_EXTRA_CA"]
    sample = generate(SITES, SEED)[:NAIVE_SAMPLE]
    started = time.monotonic()
    for site in sample:
        url = site.site_web if "://" in site.site_web else "http://" + site.site_web
        try:
            home = session.get(url, timeout=10)
        except requests.RequestException:
            continue
        emails = set(NAIVE_EMAIL.findall(home.text))
        for link in dict.fromkeys(NAIVE_LINK.findall(home.text)):
            try:
                emails |= set(NAIVE_EMAIL.findall(session.get(urljoin(home.url, link), timeout=10).text))
            except requests.RequestException:
                continue
    return NAIVE_SAMPLE / (time.monotonic() - started)


def table(results: dict[str, Any]) -> str:
    job, raw, naive = results["job"], results["raw_fetch"], results["naive"]
    rows = [
        ("outsend `emails` (normal), through the API", job["sites_per_second"], "—"),
        (f"raw fetch of the same {raw['requests']} requests (httpx, {CONCURRENCY} at a time)",
         raw["sites_per_second"], f"{results['ratio_vs_raw']:.2f} (target ≥ {TARGETS['vs_raw']})"),
        (f"naive sequential requests + regex ({NAIVE_SAMPLE} sites)", naive["sites_per_second"],
         f"{results['ratio_vs_naive']:.1f}× (target ≥ {TARGETS['vs_naive']:.0f}×)"),
    ]  # fmt: skip
    lines = [
        "# Benchmark: website enrichment throughput (`make bench-enrich`)",
        "",
        f"`emails` in `normal` mode over {job['sites']:,} sites of the test world, each response delayed by a "
        "seeded 50–400 ms (one in twenty 0.8–2.5 s), broken sites included; everything on this 2-core machine "
        "(the sites' server, NATS, Postgres, every service).",
        "",
        "| run | sites/s | outsend relative to it |",
        "|---|---:|---:|",
        *(f"| {name} | {rate:.2f} | {ratio} |" for name, rate, ratio in rows),
        "",
        f"- Job: {job['seconds']} s for {job['sites']:,} sites, {job['emails_found']:,} emails found, "
        f"{job['unreadable_sites']} sites unreadable (with their `fetch_error`).",
        f"- Enrichers worker peak RSS: **{job['worker_peak_rss_mb']:.0f} MB** (target ≤ {TARGETS['rss_mb']} MB).",
        "",
        "Absolute rates vary with what else the machine runs; the three runs of one measurement are "
        "taken back to back, so the ratios are what to read. The job fetches over HTTP/2 where a site "
        "offers it (HTTPS sites), the raw fetch over HTTP/1.1; the raw fetch has no guard, no politeness "
        "(2 requests per host, 0.1 s apart), no page discovery and no parsing. The naive crawler reads "
        "the same pages one after the other.",
        "",
        "Raw results: `bench/results/enrich.json`.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    log = Path(tempfile.mkdtemp(prefix="outsend-bench-")) / "access.log"
    web, settings = start_web(log)
    try:
        job = run_job(settings, log)
        print("job", job, flush=True)
        requests = [tuple(line.split(" ", 2)) for line in log.read_text().splitlines() if line.count(" ") == 2]
        raw_seconds = asyncio.run(raw_fetch(requests, settings))  # type: ignore[arg-type]
        naive = naive_crawl(settings)
    finally:
        web.terminate()
        web.wait(10)
    raw = {
        "requests": len(requests),
        "seconds": round(raw_seconds, 1),
        "sites_per_second": round(SITES / raw_seconds, 2),
    }
    results = {
        "job": job,
        "raw_fetch": raw,
        "naive": {"sites": NAIVE_SAMPLE, "sites_per_second": round(naive, 3)},
        "ratio_vs_raw": round(job["sites_per_second"] / raw["sites_per_second"], 3),
        "ratio_vs_naive": round(job["sites_per_second"] / naive, 1),
        "targets": TARGETS,
    }
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "enrich.json").write_text(json.dumps(results, indent=2) + "\n")
    (ROOT / "docs" / "benchmarks" / "enrich.md").write_text(table(results))
    print(table(results))


if __name__ == "__main__":
    main()
