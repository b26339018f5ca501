"""The event contract, published by the gateway: AsyncAPI 3 JSON and a page, public, as libs/contracts declares it."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from playwright.sync_api import ConsoleMessage

from outsend_contracts.event_catalog import CATALOG
from outsend_deploy.local import LocalPlatform
from outsend_gateway.browser_guard import UI_POLICY
from tests.support.browser import chromium


def test_the_asyncapi_document_is_public_and_carries_every_event_of_the_contract(platform: LocalPlatform) -> None:
    response = httpx.get(f"{platform.base_url}/asyncapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert document["asyncapi"] == "3.0.0"
    assert set(document) >= {"info", "servers", "channels", "operations", "components"}
    nats = urlsplit(platform.connection_env()["OUTSEND_NATS_URL"])
    assert [server["host"] for server in document["servers"].values()] == [f"{nats.hostname}:{nats.port}"]
    assert nats.password and nats.password not in response.text
    messages, schemas = document["components"]["messages"], document["components"]["schemas"]
    for entry in CATALOG:
        channel = document["channels"][entry.name]
        assert channel["address"] == entry.subject
        message = messages[channel["messages"]["Message"]["$ref"].rsplit("/", 1)[1]]
        assert message["x-schema-version"] == entry.schema_version
        assert message["examples"][0]["payload"] == entry.example_json()
        assert schemas[message["payload"]["$ref"].rsplit("/", 1)[1]] == {**entry.schema(), "title": entry.name}


def test_the_asyncapi_page_lists_every_subject_under_the_ui_policy(platform: LocalPlatform) -> None:
    response = httpx.get(f"{platform.base_url}/asyncapi")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == UI_POLICY
    violations: list[str] = []
    with chromium() as browser:
        page = browser.new_page(base_url=platform.base_url)
        page.on("console", lambda message: _collect_violation(message, violations))
        page.goto("/asyncapi")
        subjects = page.locator("section.card h2").all_inner_texts()
        done = page.locator("section#JobDone")
        fields = done.locator("tbody td:first-child").all_inner_texts()
        example = done.locator("pre.example").inner_text()
        styled = page.locator("pre.example").first.evaluate("pre => getComputedStyle(pre).overflowX")
    assert violations == []
    assert subjects == [entry.subject for entry in CATALOG]
    assert {"results_count", "schema_version", "at"} <= set(fields)
    assert '"event": "done"' in example
    assert styled == "auto"  # the page's own sheet loaded


def test_llms_txt_points_to_the_api_and_event_docs(platform: LocalPlatform) -> None:
    response = httpx.get(f"{platform.base_url}/llms.txt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "](/asyncapi)" in response.text and "](/api/modules-registry)" in response.text


def _collect_violation(message: ConsoleMessage, violations: list[str]) -> None:
    if "Content Security Policy" in message.text:
        violations.append(message.text)
