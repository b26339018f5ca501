"""A scraper killed mid-scrape: the job resumes on restart, every place exactly once."""

from __future__ import annotations

import time

from tests.scraper.conftest import PrivatePlatform
from tests.support.api import Api


def test_a_scraper_killed_mid_scrape_resumes_without_duplicating_places(private_platform: PrivatePlatform) -> None:
    platform = private_platform.platform
    api = Api(platform).signup()
    job = api.create("scrap", queries=["pharmacie"], zones=["Tours 10km"], mode="advanced")
    deadline = time.monotonic() + 120
    while api.job(job["id"])["processed_points"] < 10:
        assert time.monotonic() < deadline, "no progress before the kill"
        time.sleep(0.1)
    scraper = platform.supervisor.get("scraper")  # type: ignore[union-attr]
    scraper.kill()
    before = api.job(job["id"])
    assert before["status"] == "running" and before["processed_points"] < before["grid_points_count"]
    scraper.start()

    done = api.wait(job["id"], timeout=400)
    assert done["status"] == "done", done
    rows = api.all_items(job["id"])
    links = [row["lien_google_maps"] for row in rows]
    assert len(links) == len(set(links)) == done["results_count"] > 0
    assert done["processed_points"] == done["grid_points_count"] > before["processed_points"]
    logs = [event for event in api.stream(job["id"]) if event["event"] == "log"]
    assert any("déjà traitées" in event["data"]["message"] for event in logs)
