"""A pipeline belongs to one user: every route refuses the others, and sessions are required."""

from __future__ import annotations

import asyncio
import io
import json
import time
import zipfile
from typing import Any

import asyncpg
import httpx
import pytest

from outsend_deploy.local import LocalPlatform
from tests.pipelines.bus import pipeline_event_names, stored_inputs
from tests.pipelines.helpers import create, definition, edge, jobs_by_node, node, wait
from tests.support.api import Api
from tests.world.sheets import SheetsServer

RULES = {"rules": {"conditions": [{"column": "note", "op": ">", "value": 4}]}}


@pytest.fixture(scope="module")
def owned(platform: LocalPlatform) -> tuple[Api, dict[str, Any]]:
    """A user and their finished pipeline: import → filter."""
    owner = Api(platform).signup()
    nodes = [node("src", "import", source="url", url=SheetsServer.url(10)), node("keep", "filter")]
    return owner, wait(owner, create(owner, {"definition": definition(nodes, [edge("src", "keep")])})["id"])


def routes(pipeline_id: str, node_id: str = "keep") -> list[tuple[str, str, dict[str, Any] | None]]:
    base = f"/api/pipelines/{pipeline_id}"
    return [
        ("GET", base, None),
        ("POST", f"{base}/resume", None),
        ("POST", f"{base}/cancel", None),
        ("GET", f"{base}/nodes/{node_id}/input-columns", None),
        ("POST", f"{base}/nodes/{node_id}/filter-preview", RULES),
    ]


def test_another_user_is_refused_on_every_route(owned: tuple[Api, dict[str, Any]], other_user: Api) -> None:
    owner, pipeline = owned
    for method, path, body in routes(pipeline["id"]):
        response = other_user.http.request(method, path, json=body)
        assert (method, path, response.status_code, response.json()) == (method, path, 403, {"detail": "Accès refusé"})
    assert other_user.http.get("/api/pipelines").json() == []
    for job in pipeline["jobs"]:
        assert other_user.http.get(f"/api/jobs/{job['id']}").status_code == 403
    assert owner.http.get(f"/api/pipelines/{pipeline['id']}").json()["status"] == "done"  # nothing changed


def test_unknown_pipelines_and_nodes_are_404(owned: tuple[Api, dict[str, Any]]) -> None:
    owner, pipeline = owned
    for method, path, body in routes("00000000-0000-4000-8000-000000000000"):
        response = owner.http.request(method, path, json=body)
        assert (path, response.status_code, response.json()) == (path, 404, {"detail": "Pipeline introuvable"})
    for method, path, body in routes(pipeline["id"], node_id="ghost")[3:]:
        response = owner.http.request(method, path, json=body)
        assert (path, response.status_code, response.json()) == (path, 404, {"detail": "Node introuvable : ghost"})


def test_every_route_but_the_schema_needs_a_session(platform: LocalPlatform, owned: tuple[Api, dict[str, Any]]) -> None:
    _, pipeline = owned
    anonymous = httpx.Client(base_url=platform.base_url, timeout=30)
    body = definition([node("src", "import", source="url", url=SheetsServer.url(3))], [])
    requests = [
        ("GET", "/api/pipelines", None),
        ("POST", "/api/pipelines", body),
        ("POST", "/api/pipelines/validate", body),
        *routes(pipeline["id"]),
    ]
    for method, path, payload in requests:
        response = anonymous.request(method, path, json=payload)
        assert (path, response.status_code, response.json()) == (path, 401, {"detail": "Non authentifié"})
    assert anonymous.get("/api/pipelines/schema").status_code == 200


def test_a_pipeline_cannot_read_another_users_job(owned: tuple[Api, dict[str, Any]], other_user: Api) -> None:
    _, pipeline = owned
    theirs = jobs_by_node(pipeline)["keep"][0]["id"]
    body = {"definition": definition([node("steal", "import", source="from_job", from_job_id=theirs)], [])}
    response = other_user.http.post("/api/pipelines", json=body)
    assert response.status_code == 400 and response.json() == {"detail": "Accès refusé"}
    assert [item["status"] for item in other_user.http.get("/api/pipelines").json()] == ["failed"]
    assert other_user.http.get("/api/jobs").json() == []


def test_the_account_export_holds_the_pipelines_and_deleting_the_account_erases_them(
    platform: LocalPlatform, user: Api
) -> None:
    text = "nom;site_web\nA;https://a.fr\nB;\n"
    nodes = [node("src", "import", source="paste", text=text), node("keep", "filter", require_site=True)]
    pipeline = wait(
        user, create(user, {"name": "Mes imports", "definition": definition(nodes, [edge("src", "keep")])})["id"]
    )

    archive = zipfile.ZipFile(io.BytesIO(user.http.get("/api/auth/me/export").content))
    [exported] = json.loads(archive.read("pipelines.json"))
    assert (exported["id"], exported["name"], exported["status"]) == (pipeline["id"], "Mes imports", "done")
    assert exported["definition"]["nodes"][0]["config"] == {"source": "paste", "text": text}
    assert [job["id"] for job in exported["jobs"]] == [job["id"] for job in pipeline["jobs"]]

    deleted = user.http.request("DELETE", "/api/auth/me", json={"confirm_email": user.email})
    assert deleted.status_code == 204
    deadline = time.monotonic() + 30
    while pipeline_rows(platform, user.user["id"]) or pipeline_event_names(platform, pipeline["id"]):
        assert time.monotonic() < deadline, "the pipeline outlived its account"
        time.sleep(0.3)
    assert not any(name.startswith(f"pipeline_{pipeline['id']}_") for name in stored_inputs(platform))


def pipeline_rows(platform: LocalPlatform, user_id: int) -> int:
    async def count() -> int:
        database = await asyncpg.connect(platform.connection_env()["OUTSEND_DATABASE_URL"])
        try:
            query = "SELECT count(*) FROM pipeline_coordinator.pipelines WHERE user_id = $1"
            return int(await database.fetchval(query, user_id))
        finally:
            await database.close()

    return asyncio.run(count())
