"""A malformed address, in a row or in a link on a site, is that row's problem, never the job's."""

from __future__ import annotations

from outsend_contracts import errors
from tests.support.api import Api
from tests.world.web import WebWorld
from tests.world.web.server import BROKEN_LINKS_EMAIL, BROKEN_LINKS_HOST

MALFORMED_SITES = ["http://example.fr:99999/", "http://exa mple.fr:abc", "https://example.fr:abc/", "http://[::1/"]


def test_an_emails_job_with_malformed_urls_ends_done_with_every_row(user: Api, web: WebWorld) -> None:
    good = next(site for site in web.sites if site.truth.email and not site.broken)
    items = [
        good.row(),
        *({"nom": f"Entreprise {index}", "site_web": url} for index, url in enumerate(MALFORMED_SITES)),
        {"nom": "Atelier Lebrun", "site_web": f"http://{BROKEN_LINKS_HOST}/"},
    ]
    job = user.wait(user.create("emails", items=items)["id"])
    assert job["status"] == "done", job
    assert (job["results_count"], job["error_count"]) == (2, len(MALFORMED_SITES))

    rows = user.all_items(job["id"])
    assert [row["nom"] for row in rows] == [item["nom"] for item in items]
    assert (rows[0]["email"], rows[0]["fetch_error"]) == (good.truth.email, "")
    assert [row["fetch_error"] for row in rows[1:-1]] == [errors.FETCH_INVALID_URL] * len(MALFORMED_SITES)
    assert (rows[-1]["email"], rows[-1]["fetch_error"]) == (BROKEN_LINKS_EMAIL, "")  # the bad links were skipped
