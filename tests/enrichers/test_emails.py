"""``emails``: the deep mode and the documented refusals, through the API."""

from __future__ import annotations

from tests.enrichers.truth import mismatches
from tests.support.api import Api
from tests.world.web import WebWorld

DEEP_REFUSED = {
    "detail": "Le mode Deep Extract n'est dispo qu'après une extraction normale terminée sur la même source "
    "(source_job_id d'un job emails en mode normal)"
}


def test_deep_mode_finds_addresses_written_by_scripts(user: Api, web: WebWorld) -> None:
    scripted = [site for site in web.sites if site.truth.email_deep != site.truth.email and not site.broken][:6]
    plain = [site for site in web.sites if site.truth.email and not site.broken][:4]
    sites = scripted + plain
    normal = user.wait(user.create("emails", items=[site.row() for site in sites], mode="normal")["id"])
    assert normal["status"] == "done" and normal["email_mode"] == "normal"
    assert mismatches(sites, user.all_items(normal["id"]), "emails") == []

    deep = user.wait(user.create("emails", source_job_id=normal["id"], mode="deep")["id"], timeout=300)
    assert deep["status"] == "done" and deep["email_mode"] == "deep", deep
    rows = user.all_items(deep["id"])
    assert mismatches(sites, rows, "emails", deep=True) == []
    assert all(row["email_personal"] for row in rows[: len(scripted)])  # the scripts wrote a person's address


def test_deep_mode_needs_a_done_normal_run(user: Api, web: WebWorld) -> None:
    items = [web.sites[0].row()]
    without_source = user.http.post("/api/jobs/emails", json={"items": items, "mode": "deep"})
    assert (without_source.status_code, without_source.json()) == (400, DEEP_REFUSED)

    socials = user.wait(user.create("socials", items=items)["id"])
    on_socials = user.http.post("/api/jobs/emails", json={"source_job_id": socials["id"], "mode": "deep"})
    assert (on_socials.status_code, on_socials.json()) == (400, DEEP_REFUSED)


def test_an_unknown_mode_is_refused(user: Api, web: WebWorld) -> None:
    response = user.http.post("/api/jobs/emails", json={"items": [web.sites[0].row()], "mode": "turbo"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Mode email invalide : turbo (attendu: normal | deep)"}
