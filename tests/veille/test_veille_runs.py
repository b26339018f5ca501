"""Veille runs that survive a restart, and a veille that replays a whole pipeline."""

from __future__ import annotations

import time

from tests.pipelines.helpers import create, definition, edge, node
from tests.pipelines.helpers import wait as wait_pipeline
from tests.support.api import Api
from tests.veille.conftest import VeillePlatform
from tests.veille.test_veille import QUERY, done_scrap, wait_runs


def test_a_veille_due_while_its_service_was_down_runs_once_when_it_is_back(veille_platform: VeillePlatform) -> None:
    api = Api(veille_platform.platform).signup()
    source = done_scrap(api)
    veille = api.http.post(
        "/api/veille", json={"name": "Reprise", "source_job_id": source["id"], "frequency_days": 1}
    ).json()
    service = veille_platform.platform.supervisor.get("veille")  # type: ignore[union-attr]

    service.kill()
    veille_platform.advance_clock(3.5)  # three due times pass while nothing runs
    service.start()
    [run] = wait_runs(api, veille["id"], 1)
    time.sleep(3)  # a few more ticks: nothing else is started
    assert [item["id"] for item in api.http.get(f"/api/veille/{veille['id']}/runs").json()["items"]] == [run["id"]]
    assert run["job_status"] == "done" and run["is_baseline"] is True


def test_a_veille_replays_its_source_pipeline(veille_platform: VeillePlatform) -> None:
    api = Api(veille_platform.platform).signup()
    body = definition(
        [node("src", "scrap", **QUERY), node("top", "sort", top_n=5)],
        [edge("src", "top")],
    )
    pipeline = wait_pipeline(api, create(api, {"name": "Plombiers triés", "definition": body})["id"], timeout=300)
    assert pipeline["status"] == "done", pipeline

    veille = api.http.post(
        "/api/veille", json={"name": "Pipeline", "source_pipeline_id": pipeline["id"], "frequency_days": 7}
    ).json()
    assert (veille["source_job_id"], veille["source_pipeline_id"]) == (None, pipeline["id"])
    started = api.http.post(f"/api/veille/{veille['id']}/run").json()
    [run] = wait_runs(api, veille["id"], 1, timeout=400)
    assert run["job_status"] == "done", run
    replay = wait_pipeline(api, started["job_id"], timeout=60)
    assert replay["status"] == "done" and len(replay["jobs"]) == 2
    assert run["total_count"] == replay["output_job"]["results_count"] == 5
