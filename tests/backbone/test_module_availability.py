"""A module is listed active only while a running worker serves it; otherwise it shows unavailable."""

from __future__ import annotations

import time
from typing import Any

from outsend_contracts import errors, streams
from outsend_contracts.registry import REGISTRY, Stage
from outsend_deploy.local import LocalPlatform
from tests.pipelines.bus import announced_modules, serving_services
from tests.pipelines.helpers import definition, edge, node
from tests.support.api import Api
from tests.support.platform import running_platform
from tests.world import World

DECLARED_ACTIVE = {spec.slug for spec in REGISTRY.values() if spec.stage is Stage.ACTIVE}
NOT_BUILT_YET = {
    "ads_intelligence", "brand_assets", "dead_check", "delivery_check", "legal_data", "pagespeed",
    "pricing", "techstack", "verify_emails", "viewport_test",
}  # fmt: skip
"""Declared active in the registry, with no module file yet: listed, refused with 503. A module
built and forgotten in its worker's ``MODULES`` would be missing from the served set and fail
the exact comparison below."""
UNSERVED = {"techstack", "verify_emails"}
ENRICHERS = {"emails", "filter", "import", "legal_mentions"}
"""Some of the modules the enrichers service runs."""
SCRAPER = {"scrap", "reviews"}


def registry(api: Api) -> dict[str, Any]:
    response = api.http.get("/api/modules-registry")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def test_the_registry_lists_active_exactly_the_modules_a_running_worker_serves(platform: LocalPlatform) -> None:
    served = announced_modules(platform)
    assert served >= SCRAPER | ENRICHERS and not served & UNSERVED
    assert DECLARED_ACTIVE - served == NOT_BUILT_YET
    document = registry(Api(platform))
    assert set(document["active"]) == served & DECLARED_ACTIVE
    assert set(document["alpha_unavailable"]) == (DECLARED_ACTIVE - served) | {"finance"}
    assert set(document["multi_proxy"]) | set(document["parallel"]) == set(document["active"])
    entries = {entry["slug"]: entry for entry in document["modules"]}
    for slug in UNSERVED:
        assert entries[slug]["alpha_unavailable"] is True
        assert entries[slug]["api_endpoint"] == f"/api/jobs/{slug.replace('_', '-')}"
    assert entries["legal_mentions"]["alpha_unavailable"] is False


def test_every_module_the_registry_lists_active_is_served_by_a_worker_of_its_service(
    platform: LocalPlatform,
) -> None:
    active = registry(Api(platform))["active"]
    services = serving_services(platform)
    assert set(active) >= SCRAPER | ENRICHERS
    for slug in active:
        assert services.get(slug) == {REGISTRY[slug].service}, slug


def test_the_pipeline_schema_flags_unserved_nodes_and_validation_refuses_them(platform: LocalPlatform) -> None:
    api = Api(platform).signup(verify=False)
    nodes = api.http.get("/api/pipelines/schema").json()["nodes"]
    assert nodes["techstack"]["alpha_unavailable"] is True and nodes["verify"]["alpha_unavailable"] is True
    assert nodes["emails"]["alpha_unavailable"] is False and nodes["import"]["alpha_unavailable"] is False

    body = definition(
        [node("i", "import", source="paste", text="nom;site_web\nA;https://a.fr\n"), node("t", "techstack")],
        [edge("i", "t")],
    )
    answer = api.http.post("/api/pipelines/validate", json=body)
    assert answer.status_code == 200
    assert answer.json() == {"ok": False, "error": errors.MODULE_NO_WORKER.format(slug="techstack")}


def _wait_for(api: Api, slugs: set[str], *, active: bool, timeout: float) -> dict[str, Any]:
    """Poll the registry until every one of ``slugs`` is active (or unavailable); fail at ``timeout``."""
    deadline = time.monotonic() + timeout
    wanted = "active" if active else "alpha_unavailable"
    while True:
        document = registry(api)
        bucket = set(document[wanted])
        if bucket >= slugs:
            return document
        assert time.monotonic() < deadline, f"{sorted(slugs - bucket)} never became {wanted}"
        time.sleep(0.5)


def _refused_for_lack_of_worker(api: Api) -> None:
    refused = api.http.post("/api/jobs/legal-mentions", json={"items": [{"site_web": "https://a.fr"}]})
    assert refused.status_code == 503
    assert refused.json() == {"detail": errors.MODULE_NO_WORKER.format(slug="legal_mentions")}
    assert api.http.get("/api/jobs").json() == []  # nothing was created


def test_a_stopped_or_killed_worker_s_modules_turn_unavailable_and_come_back(world: World) -> None:
    within_ttl = streams.WORKER_TTL_SECONDS * 3  # expiry runs on the broker's timer: leave it slack
    with running_platform(world.settings) as private:
        api = Api(private).signup()
        assert private.supervisor is not None
        enrichers = private.supervisor.get("enrichers")
        assert set(registry(api)["active"]) >= ENRICHERS

        enrichers.stop()  # a clean stop withdraws its modules
        document = _wait_for(api, ENRICHERS, active=False, timeout=within_ttl)
        assert set(document["active"]) >= SCRAPER
        _refused_for_lack_of_worker(api)

        enrichers.start()
        _wait_for(api, ENRICHERS, active=True, timeout=120)

        enrichers.kill()  # a crash cannot withdraw anything: its keys expire with the bucket's TTL
        document = _wait_for(api, ENRICHERS, active=False, timeout=within_ttl)
        assert set(document["active"]) >= SCRAPER
        _refused_for_lack_of_worker(api)

        enrichers.start()
        _wait_for(api, ENRICHERS, active=True, timeout=120)
        job = api.create("filter", items=[{"nom": "Cabinet A"}])
        assert api.wait(job["id"])["status"] == "done"
