"""AI call overhead (``python -m bench.ai``): what the platform adds to one AI call.

On a platform started for the run, with the test world's providers answering at once: the
median and p95 of the gateway's ``Server-Timing`` ``platform`` part (credentials, estimate,
reservation, settlement, everything but waiting for the provider), for sequential filter drafts
on Anthropic's Messages API, and the wall time of the whole request as a client sees it.

Results: ``bench/results/ai.json``; the figures in ``docs/ai.md`` come from it.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from tests.support.api import Api
from tests.support.platform import running_platform
from tests.world import World
from tests.world.ai import AiServer, Reply
from tests.world.web import WebWorld

RESULTS = Path(__file__).parent / "results" / "ai.json"
ANSWER = json.dumps({"rating_min": 4.5, "require_email": True})


def _milliseconds(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 1),
    }


def calls(api: Api, ai: AiServer, count: int) -> dict[str, Any]:
    marker = uuid.uuid4().hex
    ai.script(marker, Reply(ANSWER, 300, 40))
    platform, provider, wall = [], [], []
    for _ in range(count):
        started = time.perf_counter()
        response = api.http.post("/api/ai/filters/draft", json={"description": f"avec un email {marker}"})
        wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
        timing = dict(re.findall(r"(\w+);dur=([\d.]+)", response.headers["server-timing"]))
        platform.append(float(timing["platform"]))
        provider.append(float(timing["provider"]))
    return {
        "calls": count,
        "platform": _milliseconds(platform),
        "provider": _milliseconds(provider),
        "request_wall": _milliseconds(wall),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    web = WebWorld(count=8)
    ai = AiServer(web.server.certificates.ca)
    world = World([web, ai])
    with running_platform(world.start()) as platform:
        api = Api(platform).signup()
        response = api.http.post(
            "/api/ai/connect", json={"provider": "anthropic", "api_key": f"sk-ant-{uuid.uuid4().hex}"}
        )
        assert response.status_code == 200, response.text
        calls(api, ai, 5)  # warm the pools
        results = {"machine": {"python": sys.version.split()[0]}, "filter_draft": calls(api, ai, args.calls)}
    world.stop()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
