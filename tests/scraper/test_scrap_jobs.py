"""Scrap jobs through the API, against the Google Maps simulator, with the real Chromium."""

from __future__ import annotations

from outsend_deploy.local import LocalPlatform
from tests.support.api import Api


def test_a_scrap_of_lyon_2e_and_the_rhone_runs_to_done_and_charges_its_estimate(user: Api) -> None:
    body = {"queries": ["plombier"], "zones": ["Lyon 2e", "69"]}
    estimate = user.http.post("/api/estimate", json=body).json()
    assert estimate["valid"] is True and estimate["errors"] == []

    job = user.create("scrap", **body)
    assert job["ef_cost"] == estimate["ef_cost"] and job["grid_points_count"] == estimate["grid_points"]
    done = user.wait(job["id"], timeout=300)
    assert done["status"] == "done", done
    rows = user.all_items(job["id"])
    assert done["results_count"] == len(rows) > 0
    links = [row["lien_google_maps"] for row in rows]
    assert len(links) == len(set(links))
    assert {row["zone"] for row in rows} <= {"Lyon 2e", "69"}
    assert done["processed_points"] >= estimate["grid_points"]
    assert done["query_stats"]["plombier"]["tiles"] == done["processed_points"]
    print(done)
