"""Scrap and reviews jobs through the API, against the Google Maps simulator, with the real Chromium."""

from __future__ import annotations

import time

import pytest

from outsend_contracts import errors
from tests.support.api import Api


def wait_for_progress(api: Api, job_id: str, points: int, timeout: float = 120) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = api.job(job_id)
        if job["processed_points"] >= points or job["status"] not in ("pending", "running"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"{job_id} made no progress")


def test_a_scrap_of_lyon_2e_and_the_rhone_runs_to_done_and_charges_its_estimate(user: Api) -> None:
    body = {"queries": ["plombier"], "zones": ["Lyon 2e", "69"], "extra_columns": ["gps", "departement", "region"]}
    estimate = user.http.post("/api/estimate", json=body).json()
    assert estimate["valid"] is True and estimate["errors"] == [] and estimate["queries_count"] == 1
    assert estimate["total_requests"] == estimate["grid_points"] > 300

    job = user.create("scrap", **body)
    assert job["ef_cost"] == estimate["ef_cost"] and job["grid_points_count"] == estimate["grid_points"]
    done = user.wait(job["id"], timeout=600)
    assert done["status"] == "done", done
    assert done["ef_cost"] == estimate["ef_cost"]

    rows = user.all_items(job["id"])
    assert done["results_count"] == len(rows) > 500
    links = [row["lien_google_maps"] for row in rows]
    assert len(links) == len(set(links))
    assert all(link.startswith("https://www.google.com/maps/place/") for link in links)
    assert {row["zone"] for row in rows} == {"Lyon 2e", "69"}
    assert {row["query"] for row in rows} == {"plombier"}
    in_rhone = [row for row in rows if row["departement"] == "69 - Rhône" and row["region"] == "Auvergne-Rhône-Alpes"]
    assert len(in_rhone) >= 0.97 * len(rows)  # the rest lie within the ~200 m edge tolerance, next door
    assert all(row["gps"] == f"{row['lat']},{row['lon']}" for row in rows)
    assert {"true", "false"} >= {row["aggregator_flag"] for row in rows}
    assert any(row["aggregator_flag"] == "true" for row in rows)
    lyon_2e = [row for row in rows if row["zone"] == "Lyon 2e"]
    assert lyon_2e and sum(row["code_postal"] == "69002" for row in lyon_2e) >= 0.6 * len(lyon_2e)

    assert done["processed_points"] == done["grid_points_count"] >= estimate["grid_points"]
    stats = done["query_stats"]["plombier"]
    assert stats["tiles"] == done["processed_points"] and stats["results"] == len(rows)
    # what Google did, per query: every search below the cap covered its window, the others saturated
    assert stats["covered"] + stats["saturated"] == stats["tiles"] and stats["saturated"] > 0
    assert stats["saturated"] == stats["widened"] + stats["split"] + stats["below_threshold"] + stats["zoom_bound"]
    assert stats["tiles"] <= estimate["grid_points"] + 4 * stats["split"]  # only a split adds searches
    assert done["breakdown"] == {
        "by_query": {"plombier": len(rows)},
        "by_zone": {"Lyon 2e": len(lyon_2e), "69": len(rows) - len(lyon_2e)},
    }
    assert done["dead_queries"] == [] and done["flagged_tiles_count"] == 0
    assert done["total_attempts_count"] == done["processed_points"]
    header = user.http.get(f"/api/jobs/{job['id']}/download").content.decode("utf-8-sig").split("\r\n")[0]
    assert header.split(";") == [
        "nom", "adresse", "ville", "code_postal", "telephone", "site_web", "note", "nb_avis", "categorie",
        "lien_google_maps", "lat", "lon", "aggregator_flag", "query", "zone", "gps", "departement", "region",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"queries": ["plombier"], "zones": ["Atlantide"]}, errors.ZONE_UNPARSEABLE.format(zone="Atlantide")),
        (
            {"queries": ["plombier", "dentiste"], "zones": ["France"]},
            "Quota dépassé : 2.000 EF demandés, maximum 1.0 EF par job",
        ),
        (
            {"queries": ["plombier"], "zones": ["Lyon"], "country": "BEL"},
            errors.COUNTRY_UNSUPPORTED.format(country="BEL"),
        ),
        (
            {"queries": ["plombier"], "zones": ["France"], "mode": "ultra"},
            "Quota dépassé : 6.000 EF demandés, maximum 1.0 EF par job",
        ),
    ],
)
def test_a_scrap_that_cannot_run_is_refused_before_it_is_created(
    user: Api, body: dict[str, object], detail: str
) -> None:
    response = user.http.post("/api/jobs", json=body)
    assert response.status_code == 400 and response.json() == {"detail": detail}
    estimate = user.http.post("/api/estimate", json=body).json()
    assert estimate["valid"] is False and estimate["errors"] == [detail]
    assert user.http.get("/api/jobs").json() == []


def test_the_estimate_with_empty_queries_is_not_valid(user: Api) -> None:
    estimate = user.http.post("/api/estimate", json={"queries": [], "zones": ["Lyon"]}).json()
    assert estimate == {
        "valid": False, "grid_points": 0, "total_requests": 0, "queries_count": 0, "ef_cost": 0.0,
        "estimated_duration_seconds": 0, "errors": [errors.NO_QUERY], "warnings": [], "notice": None,
    }  # fmt: skip


def test_a_cancelled_scrap_keeps_its_rows_and_resumes_without_duplicates_for_the_rest_of_its_cost(user: Api) -> None:
    job = user.create("scrap", queries=["pharmacie"], zones=["Tours 15km"], mode="advanced", stop_at=100000)
    seen = wait_for_progress(user, job["id"], 8)
    assert seen["status"] == "running", "the scrap ended before it could be cancelled"
    assert user.http.post(f"/api/jobs/{job['id']}/cancel").json() == {"ok": True}
    cancelled = user.wait(job["id"])
    assert cancelled["status"] == "cancelled" and cancelled["download_available"] is True
    assert 0 < cancelled["processed_points"] < cancelled["grid_points_count"]
    partial = user.http.get(f"/api/jobs/{job['id']}/download", params={"format": "json"}).json()
    assert partial and len({row["lien_google_maps"] for row in partial}) == len(partial)

    resumed = user.http.post(f"/api/jobs/{job['id']}/resume").json()
    assert resumed["source_job_id"] == job["id"] and resumed["id"] != job["id"]
    remaining = 1 - cancelled["processed_points"] / cancelled["grid_points_count"]
    assert resumed["ef_cost"] == pytest.approx(cancelled["ef_cost"] * remaining, abs=1e-6)
    finished = user.wait(resumed["id"], timeout=300)
    assert finished["status"] == "done", finished
    rows = user.all_items(resumed["id"])
    links = [row["lien_google_maps"] for row in rows]
    assert len(links) == len(set(links)) == finished["results_count"]
    assert {row["lien_google_maps"] for row in partial} <= set(links)
    assert finished["processed_points"] > cancelled["processed_points"]
    assert user.http.post(f"/api/jobs/{resumed['id']}/resume").status_code == 400


def test_stop_at_stops_once_that_many_rows_exist(user: Api) -> None:
    job = user.create("scrap", queries=["plombier"], zones=["Lyon 6km"], stop_at=50)
    done = user.wait(job["id"], timeout=200)
    assert done["status"] == "done" and done["results_count"] == 50
    assert len(user.all_items(job["id"])) == 50


def test_reviews_of_scraped_places_one_row_per_review(user: Api) -> None:
    scrap = user.create("scrap", queries=["cordonnier"], zones=["Lyon 2e"], include_reviews=True)
    places = user.wait(scrap["id"], timeout=200)
    assert places["status"] == "done" and places["results_count"] > 0
    rows = user.all_items(scrap["id"])
    assert any(row["derniers_avis"].startswith("★") for row in rows)

    items = [{"nom": row["nom"], "lien_google_maps": row["lien_google_maps"]} for row in rows[:4]]
    items.append({"nom": "Piège", "lien_google_maps": "http://169.254.169.254/maps/place/x"})
    job = user.create("reviews", items=items, max_reviews=3)
    done = user.wait(job["id"], timeout=200)
    assert done["status"] == "done" and done["error_count"] == 1
    rows = user.all_items(job["id"])
    refused = [row for row in rows if row["nom"] == "Piège"]
    assert len(refused) == 1 and refused[0]["reviewer_name"] == ""  # kept, never followed
    reviews = [row for row in rows if row["nom"] != "Piège"]
    assert reviews
    per_place: dict[str, int] = {}
    for review in reviews:
        per_place[review["lien_google_maps"]] = per_place.get(review["lien_google_maps"], 0) + 1
        assert review["rating"] in {"1", "2", "3", "4", "5"} and review["owner_replied"] in {"true", "false"}
        assert review["date"].startswith("il y a")
    assert max(per_place.values()) <= 3
