"""A scraper killed mid-scrape: the job resumes on restart, every place exactly once."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from outsend_deploy.local import LocalPlatform
from tests.support.api import Api
from tests.support.platform import running_platform
from tests.world import World
from tests.world.maps import MapsServer


@pytest.fixture(scope="module")
def slow_maps_platform(world: World) -> Iterator[LocalPlatform]:
    """A private platform whose Google Maps answers each search in 0.2 s, so a scrape lasts."""
    maps = MapsServer(latency=0.2)
    settings = {**world.settings, **maps.start()}
    try:
        with running_platform(settings) as platform:
            yield platform
    finally:
        maps.stop()


def test_a_scraper_killed_mid_scrape_resumes_without_duplicating_places(slow_maps_platform: LocalPlatform) -> None:
    api = Api(slow_maps_platform).signup()
    job = api.create("scrap", queries=["pharmacie"], zones=["Tours 20km"], mode="advanced")
    deadline = time.monotonic() + 120
    while api.job(job["id"])["processed_points"] < 10:
        assert time.monotonic() < deadline, "no progress before the kill"
        time.sleep(0.1)
    scraper = slow_maps_platform.supervisor.get("scraper")  # type: ignore[union-attr]
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
