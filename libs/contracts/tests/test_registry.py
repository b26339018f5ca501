"""The module registry is the single source of truth the API publishes."""

from __future__ import annotations

from outsend_contracts.registry import (
    REGISTRY,
    Lane,
    Stage,
    by_endpoint_slug,
    feature_vote_ids,
    live_stage,
    registry_document,
)

DOCUMENTED_ACTIVE = {
    "ads_intelligence", "brand_assets", "dead_check", "delivery_check", "emails", "filter", "import",
    "legal_data", "legal_ids", "legal_mentions", "pagespeed", "phones_extra", "pricing", "reviews", "scrap",
    "socials", "sort", "techstack", "verify_emails", "viewport_test",
}  # fmt: skip
DOCUMENTED_MULTI_PROXY = {
    "dead_check", "emails", "legal_ids", "legal_mentions", "phones_extra", "pricing", "reviews", "scrap",
    "socials", "techstack",
}  # fmt: skip


EVERY_ACTIVE = frozenset(spec.slug for spec in REGISTRY.values() if spec.stage is Stage.ACTIVE)


def test_the_bucket_form_matches_the_registry_page_plus_phone_info() -> None:
    document = registry_document(EVERY_ACTIVE)
    assert set(document["active"]) == DOCUMENTED_ACTIVE | {"phone_info"}  # ruling 14
    assert set(document["multi_proxy"]) == DOCUMENTED_MULTI_PROXY
    assert set(document["parallel"]) == set(document["active"]) - DOCUMENTED_MULTI_PROXY
    assert document["on_demand"] == ["email_campaign", "phone_carrier", "sms_campaign", "whatsapp_campaign"]
    assert document["meta"] == ["pipeline", "veille"]
    assert document["alpha_unavailable"] == ["finance"]
    assert len(document["coming_soon"]) == 25
    assert document["feature_pages"]["scrap"] == "scraper-google-maps-gratuit-export-csv"


def test_every_module_is_exactly_one_stage_and_only_launchable_ones_have_an_endpoint() -> None:
    for spec in REGISTRY.values():
        entry = next(entry for entry in registry_document(EVERY_ACTIVE)["modules"] if entry["slug"] == spec.slug)  # type: ignore[index, union-attr]
        flags = [entry["is_on_demand"], entry["coming_soon"], entry["alpha_unavailable"]]
        assert sum(flags) <= 1
        if spec.stage in (Stage.ACTIVE, Stage.ALPHA_UNAVAILABLE):
            assert entry["api_endpoint"] == f"/api/jobs/{spec.slug.replace('_', '-')}"
            assert spec.lane in (Lane.MULTI_PROXY, Lane.PARALLEL)
        else:
            assert entry["api_endpoint"] is None


def test_an_active_module_no_worker_serves_is_listed_unavailable_with_its_endpoint() -> None:
    document = registry_document(EVERY_ACTIVE - {"techstack"})
    assert "techstack" not in document["active"] and "techstack" not in document["multi_proxy"]
    assert document["alpha_unavailable"] == ["finance", "techstack"]
    entry = next(entry for entry in document["modules"] if entry["slug"] == "techstack")  # type: ignore[union-attr]
    assert entry["alpha_unavailable"] is True and entry["api_endpoint"] == "/api/jobs/techstack"
    assert live_stage(REGISTRY["linkedin"], frozenset()) is Stage.COMING_SOON  # stubs keep their stage


def test_typed_endpoints_use_hyphens_and_find_their_module() -> None:
    assert by_endpoint_slug("verify-emails") is REGISTRY["verify_emails"]
    assert REGISTRY["verify_emails"].pipeline_type == "verify"  # ruling 3
    assert by_endpoint_slug("nope") is None


def test_votes_accept_coming_soon_ids_and_the_legacy_ones() -> None:
    ids = feature_vote_ids()
    assert "linkedin" in ids and "pagespeed" in ids and "monitoring" in ids
    assert "emails" not in ids


def test_ef_cost_depends_on_the_mode() -> None:
    emails = REGISTRY["emails"]
    assert emails.ef_cost(10_000, {"mode": "normal"}) < 1.0 < emails.ef_cost(10_000, {"mode": "deep"})
    assert REGISTRY["filter"].ef_cost(10_000, {}) == 0.0
