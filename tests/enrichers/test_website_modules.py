"""Each website module, through the API, on the web of the test world: its columns, its truth,
its ``fetch_error`` on broken sites and its counters."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.enrichers.truth import WEBSITE_MODULES, expected, mismatches
from tests.support.api import Api
from tests.world.web import WebWorld

SAMPLE = 160
"""The first sites of the world: every kind of hard case and of broken site is among them."""


@pytest.mark.parametrize("module", WEBSITE_MODULES)
def test_module_returns_what_each_site_publishes(user: Api, web: WebWorld, module: str) -> None:
    sites = web.sites[:SAMPLE]
    job = user.create(module, items=[site.row() for site in sites])
    finished = user.wait(job["id"], timeout=240)
    assert finished["status"] == "done", finished

    rows = user.all_items(job["id"])
    assert mismatches(sites, rows, module) == []
    assert list(rows[0])[:5] == ["nom", "site_web", "telephone", "adresse", "ville"]  # input columns first

    unreadable = [site for site in sites if site.truth.fetch_error]
    assert finished["error_count"] == len(unreadable) > 0
    produced = [expected(site, module) for site in sites]
    found = [columns for columns in produced if any(v for k, v in columns.items() if k != "fetch_error")]
    assert finished["results_count"] == len(found) > 0


def test_rows_without_a_website_are_dropped_and_said(user: Api, web: WebWorld) -> None:
    items = [web.sites[1].row(), {"nom": "Sans site", "site_web": ""}, {"nom": "Sans site non plus"}]
    finished = user.wait(user.create("socials", items=items)["id"])
    assert finished["status"] == "done"
    assert [row["nom"] for row in user.all_items(finished["id"])] == [web.sites[1].name]
    assert "2 ligne(s) ignorée(s) : site_web vide." in (user.job(finished["id"]).get("notice") or "")


@pytest.mark.parametrize("module", WEBSITE_MODULES)
def test_a_list_without_any_website_is_refused(user: Api, module: str) -> None:
    response = user.http.post(f"/api/jobs/{module.replace('_', '-')}", json={"items": [{"nom": "Chez Paul"}]})
    assert response.status_code == 400
    assert response.json() == {"detail": "Aucun établissement avec site web"}


def test_aliases_name_the_website_column(user: Api, web: WebWorld) -> None:
    site = next(s for s in web.sites if s.truth.socials and not s.broken)
    finished = user.wait(user.create("socials", items=[{"Name": site.name, "Website": site.site_web}])["id"])
    [row] = user.all_items(finished["id"])
    assert {k: v for k, v in row.items() if k.startswith("social_")} == {
        k: v for k, v in expected(site, "socials").items() if k.startswith("social_")
    }
    assert "« Website » → site_web" in (user.job(finished["id"]).get("notice") or "")


def test_ssrf_guard_through_the_api(user: Api, web: WebWorld) -> None:
    gateway = user.platform.base_url
    targets = [
        f"{gateway}/api/health",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://rebind.attaquant.net/",
        "http://metadonnees.attaquant.net/admin",
        web.site(broken="redirect_private").site_web,
        web.site(broken="redirect_rebind").site_web,
    ]
    job = user.create("emails", items=[{"nom": f"Cible {i}", "site_web": url} for i, url in enumerate(targets)])
    finished = user.wait(job["id"])
    assert finished["status"] == "done"
    rows = user.all_items(job["id"])
    assert [(row["email"], row["fetch_error"]) for row in rows] == [("", "adresse interdite (réseau privé)")] * 7
    assert (finished["results_count"], finished["error_count"]) == (0, 7)


@pytest.fixture
def loopback_site() -> Iterator[tuple[int, list[str]]]:
    """A page on 127.0.0.1 that publishes an address: its port, and the paths it was asked for."""
    hits: list[str] = []

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<a href='mailto:secret@interne.fr'>secret@interne.fr</a>")

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


def test_ipv6_forms_of_loopback_are_refused_through_the_api(user: Api, loopback_site: tuple[int, list[str]]) -> None:
    port, hits = loopback_site
    targets = [
        f"http://[::ffff:127.0.0.1]:{port}/",  # IPv4-mapped
        f"http://[64:ff9b::127.0.0.1]:{port}/",  # NAT64
        f"http://[2002:7f00:1::1]:{port}/",  # 6to4
        f"http://[::127.0.0.1]:{port}/",  # IPv4-compatible
        f"http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:{port}/",  # Teredo
        f"http://nat64.attaquant.net:{port}/",
        f"http://sixtofour.attaquant.net:{port}/",
    ]
    job = user.create("emails", items=[{"nom": f"Cible {i}", "site_web": url} for i, url in enumerate(targets)])
    finished = user.wait(job["id"])
    assert finished["status"] == "done"
    rows = user.all_items(job["id"])
    assert [(row["email"], row["fetch_error"]) for row in rows] == [("", "adresse interdite (réseau privé)")] * 7
    assert hits == []
