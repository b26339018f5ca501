"""Cancel, delete, resume and the live stream, as the lifecycle pages describe them."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import asyncpg
import pytest

from outsend_deploy.local import LocalPlatform
from tests.support.api import Api
from tests.world.sheets import SheetsServer


def slow_import(api: Api, rows: int = 50, delay: float = 4) -> dict[str, object]:
    return api.create("import", source="url", url=SheetsServer.url(rows, delay))


def test_a_running_job_cannot_be_deleted_only_cancelled_keeping_its_partial_result(user: Api) -> None:
    job = slow_import(user)
    user.wait(str(job["id"]), until={"running"})
    refused = user.http.delete(f"/api/jobs/{job['id']}")
    assert refused.status_code == 400
    assert refused.json() == {"detail": "Job en cours : annule-le avant de le supprimer"}

    assert user.http.post(f"/api/jobs/{job['id']}/cancel").json() == {"ok": True}
    cancelled = user.wait(str(job["id"]))
    assert cancelled["status"] == "cancelled"
    assert cancelled["download_available"] is True  # what was read is kept
    assert len(user.http.get(f"/api/jobs/{job['id']}/download").content.splitlines()) == 51

    again = user.http.post(f"/api/jobs/{job['id']}/cancel")
    assert again.status_code == 400 and again.json() == {"detail": "Job déjà terminé"}
    assert user.http.delete(f"/api/jobs/{job['id']}").status_code == 204
    assert user.http.get(f"/api/jobs/{job['id']}").status_code == 404
    assert user.http.get(f"/api/jobs/{job['id']}/download").status_code == 404


def test_a_pending_job_cancelled_never_runs(user: Api) -> None:
    jobs = [slow_import(user, delay=3) for _ in range(6)]  # the sixth waits: five per user
    queued = jobs[-1]
    assert user.job(str(queued["id"]))["status"] == "pending"
    user.http.post(f"/api/jobs/{queued['id']}/cancel")
    cancelled = user.wait(str(queued["id"]))
    assert (cancelled["status"], cancelled["started_at"], cancelled["download_available"]) == ("cancelled", None, False)
    assert user.http.get(f"/api/jobs/{queued['id']}/download").status_code == 410
    for job in jobs[:-1]:
        assert user.wait(str(job["id"]))["status"] == "done"


def test_only_an_interrupted_scrap_can_be_resumed(user: Api) -> None:
    job = user.create("sort", items=[{"nom": "x"}])
    user.wait(job["id"])
    response = user.http.post(f"/api/jobs/{job['id']}/resume")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Job non reprenable")


def test_items_and_download_refuse_a_job_that_is_not_done(user: Api) -> None:
    job = slow_import(user, delay=2)
    assert user.http.get(f"/api/jobs/{job['id']}/items").json() == {"detail": "Job pas encore terminé"}
    assert user.http.get(f"/api/jobs/{job['id']}/download").status_code == 400
    user.wait(str(job["id"]))


def test_the_stream_resumes_after_the_last_event_seen_without_loss_or_repeat(user: Api) -> None:
    job = user.create("import", source="url", url=SheetsServer.url(30, 1))
    full = list(user.stream(job["id"]))
    logs = [event for event in full if event["event"] == "log"]
    assert full[-1]["event"] == "done" and len(logs) >= 1
    assert any(event["event"] == "status" and event["data"]["status"] == "running" for event in full)

    first_log = logs[0]["id"]
    resumed = list(user.stream(job["id"], headers={"Last-Event-ID": str(first_log)}))
    assert [e["id"] for e in resumed if e["event"] == "log"] == [e["id"] for e in logs[1:]]
    assert resumed[-1]["event"] == "done"
    by_query = list(user.stream(job["id"], since=first_log))
    assert [e["event"] for e in by_query] == [e["event"] for e in resumed]
    assert list(user.stream(job["id"], since=full[-1]["id"])) == []


def test_a_job_can_take_its_rows_from_a_done_job(user: Api) -> None:
    source = user.create("import", source="paste", text="nom,note\nA,4.8\nB,3.0\nC,4.1\n")
    user.wait(source["id"])
    sorted_job = user.create("sort", source_job_id=source["id"], sort_by="note", direction="asc", top_n=2)
    assert user.wait(sorted_job["id"])["status"] == "done"
    assert [row["nom"] for row in user.all_items(sorted_job["id"])] == ["B", "C"]
    assert user.job(sorted_job["id"])["source_job_id"] == source["id"]


def test_health_lists_every_service(platform: LocalPlatform) -> None:
    api = Api(platform)
    health = api.http.get("/api/health")
    assert health.status_code == 200
    assert set(health.json()["services"]) == {
        "gateway",
        "auth",
        "jobs",
        "enrichers",
        "scraper",
        "pipeline-coordinator",
        "veille",
    }


def test_the_registry_and_openapi_are_published(platform: LocalPlatform) -> None:
    api = Api(platform)
    registry = api.http.get("/api/modules-registry").json()
    assert "filter" in registry["active"] and "finance" in registry["alpha_unavailable"]
    openapi = api.http.get("/openapi.json").json()
    assert "/api/jobs/verify-emails" in openapi["paths"] and "/api/jobs/{job_id}/stream" in openapi["paths"]


@pytest.mark.asyncio
async def test_rebuilding_the_projection_gives_identical_rows(platform: LocalPlatform, user: Api) -> None:
    done = user.create("filter", items=[{"nom": "A", "note": "5"}], rating_min=4)
    user.wait(done["id"])
    cancelled = slow_import(user, delay=2)
    user.http.post(f"/api/jobs/{cancelled['id']}/cancel")
    user.wait(str(cancelled["id"]))

    database = await asyncpg.connect(platform.connection_env()["OUTSEND_DATABASE_URL"])
    try:
        query = "SELECT * FROM jobs.jobs ORDER BY id"
        before = [dict(row) for row in await database.fetch(query)]
        env = {**platform.connection_env()}
        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "outsend_deploy.cli", "projections", "rebuild"],
            env={**env, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        after = [dict(row) for row in await database.fetch(query)]
    finally:
        await database.close()
    assert len(before) >= 2
    assert after == before
