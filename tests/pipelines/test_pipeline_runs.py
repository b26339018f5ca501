"""Pipelines run on the real platform: chains, fan-out, short-circuits, failures, resume, cancellation."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import asyncpg
import pytest

from outsend_contracts import errors
from outsend_deploy.local import LocalPlatform
from tests.pipelines.bus import announced_modules, pipeline_event_names
from tests.pipelines.helpers import (
    create,
    definition,
    edge,
    get,
    jobs_by_node,
    node,
    node_state,
    pasted,
    places,
    wait,
    wait_for_node,
)
from tests.support.api import Api
from tests.world.sheets import SheetsServer


def sheet_notes(rows: int) -> list[float]:
    """The ``note`` of each row of ``SheetsServer.url(rows)``."""
    return [float(f"4.{index % 10}") for index in range(rows)]


def test_import_filter_sort_runs_to_a_downloadable_output(platform: LocalPlatform, user: Api) -> None:
    rows = places(80)
    rules = {
        "logic": "AND",
        "conditions": [{"column": "categorie", "op": "in", "value": ["dentiste", "orthodontiste"]}],
    }
    body = {
        "name": "Dentistes bien notés",
        "definition": definition(
            [
                node("src", "import", source="paste", text=pasted(rows)),
                node("keep", "filter", rating_min=4, rules=rules),
                node("best", "sort", sort_by="note", direction="desc", top_n=5),
            ],
            [edge("src", "keep"), edge("keep", "best")],
        ),
    }
    created = create(user, body)
    assert created["status"] == "running" and len(created["initial_jobs"]) == 1

    pipeline = wait(user, created["id"])
    kept = [row for row in rows if float(row["note"]) >= 4 and row["categorie"] in ("dentiste", "orthodontiste")]
    best = sorted(kept, key=lambda row: float(row["note"]), reverse=True)[:5]
    assert pipeline["status"] == "done" and pipeline["progress_pct"] == 100
    by_node = jobs_by_node(pipeline)
    assert {key: [job["status"] for job in jobs] for key, jobs in by_node.items()} == {
        "src": ["done"], "keep": ["done"], "best": ["done"],
    }  # fmt: skip
    assert [by_node[key][0]["results_count"] for key in ("src", "keep", "best")] == [80, len(kept), 5]
    assert by_node["src"][0]["id"] == created["initial_jobs"][0]
    assert pipeline["output_job"] == {
        "id": by_node["best"][0]["id"], "job_type": "sort", "results_count": 5, "status": "done",
        "download_available": True, "pipeline_node_id": "best",
    }  # fmt: skip
    assert "text" not in pipeline["definition"]["nodes"][0]["config"]  # pasted rows stay out of the record

    download = user.http.get(f"/api/jobs/{pipeline['output_job']['id']}/download", params={"format": "json"})
    assert download.status_code == 200
    assert download.json() == best

    listed = user.http.get("/api/pipelines").json()
    assert listed == [
        {
            "id": created["id"], "name": "Dentistes bien notés", "status": "done", "created_at": pipeline["created_at"],
            "completed_at": pipeline["completed_at"], "nodes_count": 3, "done_count": 3,
            "results_count": 80 + len(kept) + 5, "progress_pct": 100,
        }
    ]  # fmt: skip
    assert pipeline_event_names(platform, created["id"]) == [
        "created",
        *["node_started", "node_ended"] * 3,
        "completed",
    ]


def test_a_20_node_fan_out_runs_to_completion_and_empty_branches_stop(user: Api) -> None:
    thresholds = [4.0, 4.2, 4.4, 4.6, 4.8, 5.0]  # nothing reaches 5.0: that branch stops there
    nodes = [node("src", "import", source="url", url=SheetsServer.url(60))]
    edges = []
    for index, threshold in enumerate(thresholds):
        nodes += [
            node(f"f{index}", "filter", rating_min=threshold),
            node(f"top{index}", "sort", sort_by="note", direction="desc", top_n=3),
            node(f"all{index}", "sort", sort_by="note", direction="asc"),
        ]
        edges += [edge("src", f"f{index}"), edge(f"f{index}", f"top{index}"), edge(f"f{index}", f"all{index}")]
    nodes.append(node("names", "sort", sort_by="nom", direction="asc"))
    edges.append(edge("top0", "names"))
    assert len(nodes) == 20

    pipeline = wait(user, create(user, {"definition": definition(nodes, edges)})["id"], timeout=180)

    notes = sheet_notes(60)
    matched = [sum(note >= threshold for note in notes) for threshold in thresholds]
    assert matched == [60, 48, 36, 24, 12, 0]
    by_node = jobs_by_node(pipeline)
    assert all(len(jobs) == 1 and jobs[0]["status"] == "done" for jobs in by_node.values())
    counts = {key: jobs[0]["results_count"] for key, jobs in by_node.items()}
    expected = {"src": 60, "names": 3}
    for index, count in enumerate(matched):
        expected[f"f{index}"] = count
        if count:
            expected |= {f"top{index}": min(3, count), f"all{index}": count}
    assert counts == expected
    assert {node_state(pipeline, key)["status"] for key in ("top5", "all5")} == {"skipped"}
    assert pipeline["status"] == "done" and pipeline["progress_pct"] == 100
    assert pipeline["output_job"]["pipeline_node_id"] == "names"  # the deepest stage with rows
    assert pipeline["output_job"]["download_available"] is True


def test_a_failed_node_stops_its_branch_the_others_finish_and_resume_restarts_it(
    platform: LocalPlatform, user: Api
) -> None:
    nodes = [  # the fetcher tries a 503 three times: an outage of three requests fails the node once
        node("outage", "import", source="url", url=SheetsServer.flaky_url(20, failures=3)),
        node("after_outage", "filter", rating_min=4.5),
        node("fine", "import", source="url", url=SheetsServer.url(10)),
        node("after_fine", "sort", sort_by="note"),
    ]
    created = create(
        user, {"definition": definition(nodes, [edge("outage", "after_outage"), edge("fine", "after_fine")])}
    )
    failed = wait(user, created["id"])

    assert failed["status"] == "failed"
    assert node_state(failed, "outage")["status"] == "failed"
    assert node_state(failed, "outage")["error_message"].startswith("Tableur inaccessible : HTTP 503")
    assert node_state(failed, "after_outage")["status"] == "blocked"
    assert "after_outage" not in jobs_by_node(failed)  # never spawned
    assert [node_state(failed, key)["status"] for key in ("fine", "after_fine")] == ["done", "done"]
    assert failed["output_job"]["pipeline_node_id"] == "after_fine"
    assert pipeline_event_names(platform, created["id"])[-1] == "failed"

    resumed = user.http.post(f"/api/pipelines/{created['id']}/resume")
    assert resumed.status_code == 200, resumed.text
    first_attempt = jobs_by_node(failed)["outage"][0]["id"]
    assert resumed.json()["status"] == "running"
    assert len(resumed.json()["initial_jobs"]) == 1 and resumed.json()["initial_jobs"][0] != first_attempt

    done = wait(user, created["id"])
    assert done["status"] == "done"
    attempts = jobs_by_node(done)["outage"]
    assert [(job["id"], job["status"]) for job in attempts] == [
        (first_attempt, "failed"),
        (resumed.json()["initial_jobs"][0], "done"),
    ]
    assert node_state(done, "outage")["attempt"] == 2
    assert jobs_by_node(done)["after_outage"][0]["results_count"] == sum(note >= 4.5 for note in sheet_notes(20))
    assert len(jobs_by_node(done)["fine"]) == 1  # what had finished is not run again
    names = pipeline_event_names(platform, created["id"])
    assert names[names.index("failed") + 1] == "resumed" and names[-1] == "completed"

    again = user.http.post(f"/api/pipelines/{created['id']}/resume")
    assert again.status_code == 400
    assert again.json() == {"detail": "Pipeline non reprenable : seul un pipeline en échec ou annulé peut reprendre"}


def test_a_filter_node_whose_pattern_re2_refuses_is_refused_before_anything_runs(user: Api) -> None:
    broken = {"conditions": [{"column": "nom", "op": "regex", "value": "(["}]}
    nodes = [
        node("src", "import", source="url", url=SheetsServer.url(10)),
        node("bad", "filter", rules=broken),
        node("after", "sort"),
    ]
    body = {"definition": definition(nodes, [edge("src", "bad"), edge("bad", "after")])}
    response = user.http.post("/api/pipelines", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith("Expression régulière invalide")


def test_cancelling_a_job_short_circuits_everything_downstream(platform: LocalPlatform, user: Api) -> None:
    nodes = [
        node("slow", "import", source="url", url=SheetsServer.url(20, delay=3)),
        node("f", "filter", rating_min=4.1),
        node("s", "sort"),
        node("quick", "import", source="url", url=SheetsServer.url(10)),
        node("q", "sort"),
    ]
    created = create(user, {"definition": definition(nodes, [edge("slow", "f"), edge("f", "s"), edge("quick", "q")])})
    slow_job = created["initial_jobs"][0]
    user.wait(slow_job, until={"running"})
    assert user.http.post(f"/api/jobs/{slow_job}/cancel").status_code == 200

    pipeline = wait(user, created["id"])
    assert pipeline["status"] == "cancelled"
    assert node_state(pipeline, "slow")["status"] == "cancelled"
    assert [node_state(pipeline, key)["status"] for key in ("f", "s")] == ["blocked", "blocked"]
    assert set(jobs_by_node(pipeline)) == {"slow", "quick", "q"}
    assert [node_state(pipeline, key)["status"] for key in ("quick", "q")] == ["done", "done"]
    assert pipeline_event_names(platform, created["id"])[-1] == "cancelled"


def test_cancelling_a_pipeline_stops_its_jobs_and_it_can_be_resumed(user: Api) -> None:
    nodes = [node("slow", "import", source="url", url=SheetsServer.url(12, delay=2)), node("f", "filter")]
    created = create(user, {"definition": definition(nodes, [edge("slow", "f")])})
    user.wait(created["initial_jobs"][0], until={"running"})

    cancelled = user.http.post(f"/api/pipelines/{created['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json() == {"ok": True}
    assert get(user, created["id"])["status"] == "cancelled"
    assert user.wait(created["initial_jobs"][0])["status"] == "cancelled"
    pipeline = wait(user, created["id"])
    assert set(jobs_by_node(pipeline)) == {"slow"}
    partial = pipeline["output_job"]  # the rows read before the cancellation landed
    assert (partial["id"], partial["status"], partial["download_available"]) == (
        created["initial_jobs"][0], "cancelled", True,
    )  # fmt: skip
    assert user.http.get(f"/api/jobs/{partial['id']}/download").status_code == 200
    again = user.http.post(f"/api/pipelines/{created['id']}/cancel")
    assert again.status_code == 400 and again.json() == {"detail": "Pipeline déjà terminé"}

    assert user.http.post(f"/api/pipelines/{created['id']}/resume").status_code == 200
    done = wait(user, created["id"])
    assert done["status"] == "done", done
    assert jobs_by_node(done)["f"][0]["results_count"] == 12


def test_progress_and_states_while_a_pipeline_runs(user: Api) -> None:
    nodes = [node("slow", "import", source="url", url=SheetsServer.url(15, delay=3)), node("s", "sort")]
    created = create(user, {"definition": definition(nodes, [edge("slow", "s")])})
    running = wait_for_node(user, created["id"], "slow", {"running"})
    assert running["status"] == "running" and running["completed_at"] is None
    assert running["progress_pct"] < 100
    assert running["output_job"] is None
    assert node_state(running, "s")["status"] == "waiting"
    listed = user.http.get("/api/pipelines").json()[0]
    assert (listed["id"], listed["status"], listed["done_count"]) == (created["id"], "running", 0)

    done = wait(user, created["id"])
    assert done["progress_pct"] == 100 and done["done_count"] == 2 and done["completed_at"] is not None


def test_a_root_that_cannot_be_created_fails_the_pipeline(user: Api, other_user: Api) -> None:
    theirs = other_user.create("import", source="paste", text="nom;site_web\nA;https://a.fr\n")
    other_user.wait(theirs["id"])
    body = {"definition": definition([node("reuse", "import", source="from_job", from_job_id=theirs["id"])], [])}
    response = user.http.post("/api/pipelines", json=body)
    assert response.status_code == 400
    assert response.json() == {"detail": "Accès refusé"}
    missing = {"definition": definition([node("reuse", "import", source="from_job", from_job_id="j_nothing")], [])}
    assert user.http.post("/api/pipelines", json=missing).json() == {"detail": "Job introuvable"}

    listed = user.http.get("/api/pipelines").json()
    assert [pipeline["status"] for pipeline in listed] == ["failed", "failed"]
    assert user.http.get("/api/jobs").json() == []


def test_an_import_can_reuse_a_previous_job(user: Api) -> None:
    earlier = user.create("import", source="paste", text=pasted(places(30)))
    user.wait(earlier["id"])
    nodes = [
        node("reuse", "import", source="from_job", from_job_id=earlier["id"]),
        node("f", "filter", require_site=True),
    ]
    pipeline = wait(user, create(user, {"definition": definition(nodes, [edge("reuse", "f")])})["id"])
    assert pipeline["status"] == "done"
    assert jobs_by_node(pipeline)["f"][0]["results_count"] == sum(1 for row in places(30) if row["site_web"])


@pytest.mark.parametrize(
    "method,path,detail",
    [
        (
            "PATCH",
            "",
            errors.PIPELINE_NOT_MODIFIABLE,
        ),
        ("DELETE", "", "La suppression des pipelines n'est pas encore disponible"),
        ("POST", "/run", "Un pipeline démarre à sa création : pour le relancer, recrée-le avec POST /api/pipelines"),
    ],
)
def test_mutations_are_not_allowed(user: Api, method: str, path: str, detail: str) -> None:
    response = user.http.request(method, f"/api/pipelines/any-id{path}", json={})
    assert response.status_code == 405
    assert response.json() == {"detail": detail}


def test_a_scrap_root_feeds_its_successors(platform: LocalPlatform, user: Api) -> None:
    if "scrap" not in announced_modules(platform):
        pytest.skip("no worker yet for scrap")
    search = {"queries": ["cordonnier"], "zones": ["Lyon 2e"]}
    estimate = user.http.post("/api/estimate", json=search).json()
    nodes = [
        node("maps", "scrap", **search),
        node("callable", "filter", require_phone=True),
        node("best", "sort", sort_by="note", direction="desc", top_n=3),
    ]
    created = create(user, {"definition": definition(nodes, [edge("maps", "callable"), edge("callable", "best")])})
    pipeline = wait(user, created["id"], timeout=400)

    assert pipeline["status"] == "done", pipeline["nodes"]
    scrap = user.job(jobs_by_node(pipeline)["maps"][0]["id"])
    assert scrap["ef_cost"] == estimate["ef_cost"]
    # the estimate's base grid, plus the searches subdivision added where answers were saturated
    assert scrap["grid_points_count"] == scrap["processed_points"] >= estimate["grid_points"]
    with_phone = [row for row in user.all_items(scrap["id"]) if row["telephone"]]
    assert jobs_by_node(pipeline)["callable"][0]["results_count"] == len(with_phone) > 0
    assert pipeline["output_job"]["pipeline_node_id"] == "best"
    assert pipeline["output_job"]["results_count"] == min(3, len(with_phone))


def test_a_scrap_root_with_an_unknown_zone_fails_the_pipeline(platform: LocalPlatform, user: Api) -> None:
    if "scrap" not in announced_modules(platform):
        pytest.skip("no worker yet for scrap")
    body = {"definition": definition([node("maps", "scrap", queries=["plombier"], zones=["Atlantide"])], [])}
    response = user.http.post("/api/pipelines", json=body)
    assert response.status_code == 400
    assert response.json() == {"detail": errors.ZONE_UNPARSEABLE.format(zone="Atlantide")}
    assert [pipeline["status"] for pipeline in user.http.get("/api/pipelines").json()] == ["failed"]


def test_scrap_emails_filter_runs_once_their_workers_exist(platform: LocalPlatform, user: Api) -> None:
    missing = {"scrap", "emails"} - announced_modules(platform)
    if missing:
        pytest.skip(f"no worker yet for {', '.join(sorted(missing))}")
    nodes: list[dict[str, Any]] = [
        node("maps", "scrap", queries=["plombier"], zones=["Lyon 2e"]),
        node("mails", "emails", mode="normal"),
        node("reachable", "filter", require_email=True),
    ]
    created = create(user, {"definition": definition(nodes, [edge("maps", "mails"), edge("mails", "reachable")])})
    pipeline = wait(user, created["id"], timeout=600)
    assert pipeline["status"] == "done"
    with_email = [row for row in user.all_items(jobs_by_node(pipeline)["mails"][0]["id"]) if row.get("email")]
    assert jobs_by_node(pipeline)["reachable"][0]["results_count"] == len(with_email) > 0
    assert pipeline["output_job"]["pipeline_node_id"] == "reachable"
    assert pipeline["output_job"]["download_available"] is True


@pytest.mark.asyncio
async def test_rebuilding_the_pipelines_read_model_gives_identical_rows(platform: LocalPlatform, user: Api) -> None:
    nodes = [node("src", "import", source="url", url=SheetsServer.url(10)), node("f", "filter", rating_min=4.5)]
    wait(user, create(user, {"definition": definition(nodes, [edge("src", "f")])})["id"])
    broken = [node("src", "import", source="url", url=SheetsServer.flaky_url(5, failures=9)), node("s", "sort")]
    wait(user, create(user, {"definition": definition(broken, [edge("src", "s")])})["id"])

    database = await asyncpg.connect(platform.connection_env()["OUTSEND_DATABASE_URL"])
    queries = (
        "SELECT * FROM pipeline_coordinator.pipelines ORDER BY id",
        "SELECT * FROM pipeline_coordinator.pipeline_jobs ORDER BY job_id",
    )
    try:
        before = [[dict(row) for row in await database.fetch(query)] for query in queries]
        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "outsend_pipeline_coordinator", "rebuild-projections"],
            env={**platform.connection_env(), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        after = [[dict(row) for row in await database.fetch(query)] for query in queries]
    finally:
        await database.close()
    assert len(before[0]) >= 2 and len(before[1]) >= 3
    assert after == before
