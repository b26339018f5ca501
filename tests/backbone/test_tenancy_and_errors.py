"""Bad input and other tenants get the documented status and French detail; nothing leaks."""

from __future__ import annotations

import pytest

from outsend_deploy.local import LocalPlatform
from tests.support.api import Api


@pytest.fixture(scope="module")
def owner_job(platform: LocalPlatform) -> tuple[Api, dict[str, object]]:
    owner = Api(platform).signup()
    job = owner.create("filter", items=[{"nom": "Secret SARL", "site_web": "https://secret.fr"}])
    return owner, owner.wait(str(job["id"]))


JOB_ROUTES = [
    ("GET", "/api/jobs/{id}"),
    ("GET", "/api/jobs/{id}/items"),
    ("GET", "/api/jobs/{id}/download"),
    ("GET", "/api/jobs/{id}/download?format=json"),
    ("POST", "/api/jobs/{id}/cancel"),
    ("POST", "/api/jobs/{id}/resume"),
    ("DELETE", "/api/jobs/{id}"),
]


@pytest.mark.parametrize(("method", "route"), JOB_ROUTES)
def test_another_users_job_is_refused_on_every_route(
    owner_job: tuple[Api, dict[str, object]], other_user: Api, method: str, route: str
) -> None:
    owner, job = owner_job
    response = other_user.http.request(method, route.format(id=job["id"]))
    assert response.status_code == 403
    assert response.json() == {"detail": "Accès refusé"}
    assert "Secret" not in response.text
    assert owner.job(str(job["id"]))["status"] == "done"


def test_another_users_job_cannot_be_streamed_listed_or_used_as_a_source(
    owner_job: tuple[Api, dict[str, object]], other_user: Api
) -> None:
    _, job = owner_job
    events = list(other_user.stream(str(job["id"])))
    assert events == [{"event": "error", "data": {"code": "forbidden", "message": "Accès refusé"}}]
    assert all(listed["id"] != job["id"] for listed in other_user.http.get("/api/jobs").json())
    stolen = other_user.http.post("/api/jobs/sort", json={"source_job_id": job["id"]})
    assert stolen.status_code == 403


@pytest.mark.parametrize(("method", "route"), JOB_ROUTES)
def test_an_unknown_job_is_not_found(user: Api, method: str, route: str) -> None:
    response = user.http.request(method, route.format(id="j_01NOPE"))
    assert response.status_code == 404
    assert response.json() == {"detail": "Job introuvable"}


def test_without_a_session_job_routes_answer_401(platform: LocalPlatform) -> None:
    anonymous = Api(platform)
    assert anonymous.http.get("/api/jobs").status_code == 401
    response = anonymous.http.post("/api/jobs/filter", json={"items": [{"nom": "x"}]})
    assert response.status_code == 401 and response.json() == {"detail": "Non authentifié"}


def test_items_must_be_between_one_and_ten_thousand(user: Api) -> None:
    empty = user.http.post("/api/jobs/filter", json={"items": []})
    too_many = user.http.post("/api/jobs/filter", json={"items": [{"nom": "x"}] * 10_001})
    for response in (empty, too_many):
        assert response.status_code == 422
        assert response.json()["detail"]["message"] == "Requête invalide"
        assert response.json()["detail"]["errors"][0]["field"] == "items"


def test_malformed_json_is_a_400(user: Api) -> None:
    response = user.http.post("/api/jobs/filter", content=b'{"items": [', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Requête invalide : JSON mal formé"}


def test_a_20_mb_body_is_refused_before_it_is_read(user: Api) -> None:
    body = b'{"items": [{"nom": "' + b"x" * (20 * 1024 * 1024) + b'"}]}'
    response = user.http.post("/api/jobs/filter", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["detail"].startswith("Requête trop volumineuse")


def test_unknown_stub_frozen_and_workerless_modules(user: Api) -> None:
    unknown = user.http.post("/api/jobs/teleportation", json={"items": [{"nom": "x"}]})
    assert unknown.status_code == 404 and unknown.json() == {"detail": "Module inconnu : teleportation"}
    frozen = user.http.post("/api/jobs/finance", json={"items": [{"nom": "x"}]})
    assert frozen.status_code == 503 and "indisponible pendant l'alpha" in frozen.json()["detail"]
    coming = user.http.post("/api/jobs/linkedin", json={"items": [{"nom": "x"}]})
    assert coming.status_code == 400
    workerless = user.http.post("/api/jobs/techstack", json={"items": [{"site_web": "https://a.fr"}]})
    assert workerless.status_code == 503
    assert workerless.json()["detail"].startswith("Le module « techstack » n'est pas encore disponible")


def test_options_are_checked_with_their_field_named(user: Api) -> None:
    response = user.http.post("/api/jobs/sort", json={"items": [{"nom": "x"}], "direction": "sideways"})
    assert response.status_code == 422
    error = response.json()["detail"]["errors"][0]
    assert error["field"] == "direction" and "asc | desc" in error["message"]


def test_formula_cells_are_neutralised_in_every_download(user: Api) -> None:
    job = user.create("filter", items=[{"nom": '=HYPERLINK("http://evil")', "telephone": "+33 1 23 45 67 89"}])
    user.wait(job["id"])
    csv = user.http.get(f"/api/jobs/{job['id']}/download").content.decode("utf-8")
    assert "'=HYPERLINK" in csv and ";+33 1 23 45 67 89" in csv
    exported = user.http.get(f"/api/jobs/{job['id']}/download?format=json").json()
    assert exported == [{"nom": '\'=HYPERLINK("http://evil")', "telephone": "+33 1 23 45 67 89"}]
    assert user.http.get(f"/api/jobs/{job['id']}/download?format=pdf").json() == {
        "detail": "Format non supporté : pdf (attendu: csv | json | xlsx)"
    }


def test_list_limit_and_offset_are_clamped(user: Api) -> None:
    for index in range(3):
        user.create("sort", items=[{"nom": str(index)}])
    assert len(user.http.get("/api/jobs", params={"limit": 0}).json()) == 1
    assert len(user.http.get("/api/jobs", params={"limit": 100000}).json()) == 3
    assert len(user.http.get("/api/jobs", params={"offset": -5}).json()) == 3
    newest_first = [job["job_type"] for job in user.http.get("/api/jobs").json()]
    assert newest_first == ["sort"] * 3
