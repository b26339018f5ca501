"""Settings → Connect an AI, in the browser: a key connected, the live model list, the caps, and a
pipeline built from a sentence, created only when the user confirms."""

from __future__ import annotations

import json
import uuid

from playwright.sync_api import expect

from outsend_deploy.local import LocalPlatform
from tests.ai.support import new_key
from tests.support.api import Api
from tests.support.browser import chromium
from tests.world.ai import AiServer, Reply


def test_connect_a_key_pick_a_model_set_caps_and_build_a_pipeline(
    user: Api, platform: LocalPlatform, ai_world: AiServer
) -> None:
    sentence = f"Importe ce tableur {uuid.uuid4().hex}"
    envelope = {
        "schema_version": 1,
        "name": "Tableur importé",
        "definition": {
            "nodes": [{"id": "n1", "type": "import", "config": {"source": "paste", "text": "nom\nA\n"}}],
            "edges": [],
        },
    }
    ai_world.script(sentence, Reply(json.dumps(envelope)))
    key = new_key("anthropic")
    with chromium() as browser:
        context = browser.new_context(base_url=platform.base_url)
        context.add_cookies([{**cookie, "url": platform.base_url} for cookie in _session_cookies(user)])
        page = context.new_page()
        page.set_default_timeout(30_000)  # each step waits for the provider, on a loaded machine
        page.goto("/#/settings")
        page.select_option("#provider", "anthropic")
        page.fill("#api_key", key)
        page.get_by_role("button", name="Connecter").click()

        expect(page.locator("main")).to_contain_text(f"clé …{key[-4:]}", timeout=30_000)
        expect(page.locator("#model option")).to_have_count(2, timeout=30_000)
        page.select_option("#model", "claude-sonnet-4-5")
        page.get_by_role("button", name="Utiliser ce modèle").click()
        expect(page.locator("#model")).to_have_value("claude-sonnet-4-5", timeout=30_000)
        assert key not in page.content()

        page.fill("#per_day", "5")
        page.get_by_role("button", name="Enregistrer les plafonds").click()
        expect(page.locator("main")).to_contain_text("reste 5 $", timeout=30_000)  # the page shows the saved caps

        page.fill("#description", sentence)
        page.get_by_role("button", name="Générer").click()
        expect(page.locator("main")).to_contain_text("Tableur importé", timeout=30_000)
        assert user.http.get("/api/pipelines").json() == []
        page.get_by_role("button", name="Créer ce pipeline").click()
        expect(page.locator("main")).to_contain_text("Pipeline créé", timeout=30_000)
    assert len(user.http.get("/api/pipelines").json()) == 1


def _session_cookies(user: Api) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in user.http.cookies.items()]
