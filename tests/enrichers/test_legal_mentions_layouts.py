"""``legal_mentions`` through the API on sites of the test world written in every notice layout:
each column is what the notice states, and the host or the web agency is never the company."""

from __future__ import annotations

from tests.enrichers.truth import mismatches
from tests.support.api import Api
from tests.world.web import WebWorld
from tests.world.web.sites import HOSTS, LEGAL_LAYOUTS, SiteSpec

PER_LAYOUT = 4


def sites_in_every_layout(web: WebWorld) -> list[SiteSpec]:
    """The first readable sites of each layout, layout after layout."""
    chosen: list[SiteSpec] = []
    for layout in LEGAL_LAYOUTS:
        in_layout = [site for site in web.sites if site.legal and site.legal.style == layout and not site.broken]
        assert len(in_layout) >= PER_LAYOUT, layout
        chosen += in_layout[:PER_LAYOUT]
    return chosen


def test_every_layout_gives_the_notice_s_columns_and_never_the_host(user: Api, web: WebWorld) -> None:
    sites = sites_in_every_layout(web)
    job = user.create("legal_mentions", items=[site.row() for site in sites])
    finished = user.wait(job["id"], timeout=240)
    assert finished["status"] == "done", finished
    rows = user.all_items(job["id"])
    assert mismatches(sites, rows, "legal_mentions") == []
    assert all(row["raison_sociale"] and row["forme_juridique"] for row in rows)
    hosts = {name for name, _, _ in HOSTS}
    assert not hosts & {row["raison_sociale"] for row in rows}
    assert finished["results_count"] == len(sites)


def test_legal_ids_reads_the_business_s_identifiers_in_every_layout(user: Api, web: WebWorld) -> None:
    sites = sites_in_every_layout(web)
    finished = user.wait(user.create("legal_ids", items=[site.row() for site in sites])["id"], timeout=240)
    assert finished["status"] == "done", finished
    assert mismatches(sites, user.all_items(finished["id"]), "legal_ids") == []
