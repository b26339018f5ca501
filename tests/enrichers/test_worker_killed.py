"""A 5,000-site ``emails`` job whose worker is killed mid-way ends with every row exactly once."""

from __future__ import annotations

import time

import pytest

from tests.enrichers.truth import expected
from tests.support.api import Api
from tests.support.platform import running_platform
from tests.world import World
from tests.world.web import WebWorld

ROWS = 5_000


@pytest.mark.timeout(900)  # a few minutes on two shared cores
def test_killed_enrichers_worker_resumes_without_losing_or_repeating_a_row(world: World, web: WebWorld) -> None:
    readable = [site for site in web.sites if not site.broken]
    sites = [readable[i % len(readable)] for i in range(ROWS)]
    items = [{**site.row(), "ligne": str(i)} for i, site in enumerate(sites)]
    with running_platform(world.settings) as platform:
        api = Api(platform).signup()
        job = api.create("emails", items=items)
        deadline = time.monotonic() + 300
        while api.job(job["id"])["processed_points"] < ROWS // 5:
            assert time.monotonic() < deadline, "the job did not progress"
            time.sleep(0.2)
        assert platform.supervisor is not None
        worker = next(process for process in platform.supervisor.processes if process.name == "enrichers")
        worker.kill()
        before = api.job(job["id"])
        assert before["status"] == "running" and before["processed_points"] < ROWS
        worker.start()

        finished = api.wait(job["id"], timeout=900)
        assert finished["status"] == "done", finished
        rows = api.all_items(job["id"])
        assert [row["ligne"] for row in rows] == [str(i) for i in range(ROWS)]
        assert all(
            (row["email"], row["email_personal"], row["fetch_error"])
            == tuple(expected(site, "emails")[key] for key in ("email", "email_personal", "fetch_error"))
            for site, row in zip(sites, rows, strict=True)
        )
        assert finished["results_count"] == sum(1 for site in sites if site.truth.email)
        assert finished["error_count"] == 0
