"""A coordinator killed at any moment and started again neither misses nor duplicates a successor.

The coordinator is SIGKILLed while the roots end (their outcomes wait in the stream), then again
and again at random moments while successors are being decided, created and run.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from typing import Any

import httpx

from outsend_contracts import subjects
from outsend_deploy.local import LocalPlatform
from outsend_deploy.supervisor import ServiceProcess
from tests.pipelines.helpers import create, definition, edge, node
from tests.support.api import Api
from tests.support.platform import running_platform
from tests.world import World
from tests.world.sheets import SheetsServer

THRESHOLDS = (4.0, 4.1, 4.2, 4.3, 4.4, 4.5, 4.6)
MAX_KILLS = 8


def fan_out(rows: int) -> dict[str, Any]:
    """import → 7 filters → a sort after each: 15 nodes.

    The sheet answers after 4 s, so that the roots are still running when the coordinator is
    killed right after the three pipelines are created, even on a loaded machine.
    """
    nodes = [node("src", "import", source="url", url=SheetsServer.url(rows, delay=4))]
    edges = []
    for index, threshold in enumerate(THRESHOLDS):
        nodes += [node(f"f{index}", "filter", rating_min=threshold), node(f"s{index}", "sort", top_n=2)]
        edges += [edge("src", f"f{index}"), edge(f"f{index}", f"s{index}")]
    return {"definition": definition(nodes, edges)}


def expected_counts(rows: int) -> dict[str, int]:
    notes = [float(f"4.{index % 10}") for index in range(rows)]
    counts = {"src": rows}
    for index, threshold in enumerate(THRESHOLDS):
        counts[f"f{index}"] = sum(note >= threshold for note in notes)
        counts[f"s{index}"] = 2
    return counts


def pipeline_jobs(api: Api) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Every job of the user, by pipeline and node (read from the jobs service, not the coordinator)."""
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for job in api.http.get("/api/jobs", params={"limit": 500}).json():
        grouped[job["pipeline_id"]][job["pipeline_node_id"]].append(job)
    return grouped


def coordinator_ready(platform: LocalPlatform) -> bool:
    try:
        health = httpx.get(f"{platform.base_url}/api/health", timeout=3).json()
    except httpx.HTTPError:
        return False
    return bool(health["services"][subjects.PIPELINE_COORDINATOR]["ready"])


def start(platform: LocalPlatform, coordinator: ServiceProcess, timeout: float = 30) -> None:
    coordinator.start()
    deadline = time.monotonic() + timeout
    while not coordinator_ready(platform):
        assert time.monotonic() < deadline, "the coordinator did not come back"
        time.sleep(0.05)


def finished(api: Api, pipelines: list[str], nodes: int) -> bool:
    jobs = pipeline_jobs(api)
    return all(
        len(jobs[pipeline_id]) == nodes
        and all(job["status"] == "done" for runs in jobs[pipeline_id].values() for job in runs)
        for pipeline_id in pipelines
    )


def settled_pipeline(api: Api, pipeline_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = api.http.get(f"/api/pipelines/{pipeline_id}")
        if response.status_code == 200 and response.json()["status"] != "running":
            pipeline: dict[str, Any] = response.json()
            return pipeline
        time.sleep(0.2)
    raise AssertionError(f"pipeline {pipeline_id} did not finish")


def test_a_killed_coordinator_neither_misses_nor_duplicates_a_successor(world: World) -> None:
    chaos = random.Random(20260527)
    sizes = (30, 40, 50)
    with running_platform(world.settings) as platform:
        assert platform.supervisor is not None
        coordinator = platform.supervisor.get(subjects.PIPELINE_COORDINATOR)
        api = Api(platform).signup()
        created = [create(api, fan_out(rows)) for rows in sizes]
        ids = [pipeline["id"] for pipeline in created]

        # Down while the roots end: their outcomes wait in the stream.
        coordinator.kill()
        for pipeline in created:
            assert api.wait(pipeline["initial_jobs"][0])["status"] == "done"
        time.sleep(1)
        assert all(set(pipeline_jobs(api)[pipeline_id]) == {"src"} for pipeline_id in ids)

        # Back, then killed again and again at random moments while successors are spawned.
        kills = 1
        while kills < MAX_KILLS and not finished(api, ids, nodes=15):
            start(platform, coordinator)
            time.sleep(chaos.uniform(0.0, 0.5))
            coordinator.kill()
            kills += 1
        start(platform, coordinator)
        deadline = time.monotonic() + 120
        while not finished(api, ids, nodes=15):
            assert time.monotonic() < deadline, "the pipelines did not finish"
            time.sleep(0.2)

        assert kills >= 4
        jobs = pipeline_jobs(api)
        for pipeline_id, rows in zip(ids, sizes, strict=True):
            by_node = jobs[pipeline_id]
            assert {key: len(runs) for key, runs in by_node.items()} == dict.fromkeys(expected_counts(rows), 1)
            assert {key: runs[0]["results_count"] for key, runs in by_node.items()} == expected_counts(rows)
            pipeline = settled_pipeline(api, pipeline_id)
            assert pipeline["status"] == "done"
            assert {item["status"] for item in pipeline["nodes"]} == {"done"}
            assert {item["attempt"] for item in pipeline["nodes"]} == {1}
            assert len(pipeline["jobs"]) == 15
