"""Emails found on the web of the test world, through the API."""

from __future__ import annotations

from tests.support.api import Api
from tests.world.web import WebWorld


def test_normal_mode_finds_the_published_address(user: Api, web: WebWorld) -> None:
    sites = web.sites[:120]
    job = user.create("emails", items=[site.row() for site in sites], mode="normal")
    finished = user.wait(job["id"], timeout=180)
    assert finished["status"] == "done", finished
    rows = user.all_items(job["id"])
    wrong = [
        (site.host, site.broken, row.get("email"), site.truth.email, row.get("fetch_error"), site.truth.fetch_error)
        for site, row in zip(sites, rows, strict=True)
        if (row["email"], row["email_personal"], row["fetch_error"])
        != (site.truth.email, site.truth.email_personal, site.truth.fetch_error)
    ]
    assert wrong == [], "\n".join(map(str, wrong))
