"""Connecting an AI key (BYOK page): checked live against the provider, stored encrypted, never
shown again, sent to the chosen provider only."""

from __future__ import annotations

import pytest

from outsend_contracts import errors
from outsend_deploy.local import LocalPlatform
from tests.ai.support import connect, new_key, service_logs, stored_connection
from tests.support.api import Api
from tests.world.ai import CUSTOM_HOST, MODELS, AiServer


def test_a_key_is_checked_live_stored_encrypted_and_never_shown(
    user: Api, platform: LocalPlatform, ai_world: AiServer
) -> None:
    key, connection = connect(user, "anthropic")

    assert connection["connected"] and connection["provider"] == "anthropic"
    assert connection["model"] == "claude-haiku-4-5"  # the first of the live list, sorted
    assert [model["id"] for model in connection["models"]] == sorted(MODELS["api.anthropic.com"])
    assert all(model["price_known"] for model in connection["models"])
    assert connection["key_hint"] == f"…{key[-4:]}"
    for path in ("/api/ai/connection", "/api/ai/models", "/api/ai/usage"):
        response = user.http.get(path)
        assert response.status_code == 200, response.text
        assert key not in response.text
    assert user.http.post("/api/ai/test").json() == {"ok": True, "models": 2}

    stored = stored_connection(platform, user.user["id"])
    assert stored is not None and key.encode() not in stored["key_encrypted"]
    assert {seen.host for seen in ai_world.requests_with_key(key)} == {"api.anthropic.com"}
    assert key not in service_logs(platform)


@pytest.mark.parametrize("provider", ["openai", "gemini", "mistral", "groq", "deepseek", "xai"])
def test_every_provider_lists_its_own_models(user: Api, ai_world: AiServer, provider: str) -> None:
    key, connection = connect(user, provider)

    listed = [model["id"] for model in connection["models"]]
    hosts = {seen.host for seen in ai_world.requests_with_key(key)}
    assert len(hosts) == 1
    assert listed == sorted(model.removeprefix("models/") for model in MODELS[hosts.pop()])


def test_a_refused_key_is_not_stored(user: Api) -> None:
    response = user.http.post("/api/ai/connect", json={"provider": "openai", "api_key": "sk-invalid-0000000000"})

    assert response.status_code == 400
    assert response.json() == {"detail": errors.AI_KEY_REJECTED}
    assert user.http.get("/api/ai/connection").json()["connected"] is False


def test_a_compatible_endpoint_by_base_url_with_an_unpriced_model(user: Api) -> None:
    _, connection = connect(user, "openai_compatible", base_url=f"http://{CUSTOM_HOST}/v1")

    assert connection["base_url"] == f"http://{CUSTOM_HOST}/v1"
    assert connection["models"] == [{"id": "llama3.1:8b", "price_known": False}]


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:11434/v1", "http://localhost:11434/v1", "http://10.0.0.5/v1"])
def test_a_base_url_on_a_private_network_is_refused(user: Api, base_url: str) -> None:
    body = {"provider": "openai_compatible", "api_key": new_key("openai"), "base_url": base_url}
    response = user.http.post("/api/ai/connect", json=body)

    assert response.status_code == 400
    assert response.json() == {"detail": errors.AI_BASE_URL_INVALID}


def test_a_custom_base_url_is_required_and_must_be_http(user: Api) -> None:
    missing = user.http.post("/api/ai/connect", json={"provider": "openai_compatible", "api_key": new_key("openai")})
    ftp = user.http.post(
        "/api/ai/connect",
        json={"provider": "openai_compatible", "api_key": new_key("openai"), "base_url": "ftp://llm.world.test/"},
    )

    assert missing.json() == {"detail": errors.AI_BASE_URL_REQUIRED}
    assert ftp.json() == {"detail": errors.AI_BASE_URL_INVALID}


def test_disconnecting_forgets_the_key(user: Api, platform: LocalPlatform) -> None:
    connect(user, "openai")

    assert user.http.delete("/api/ai/connection").json()["connected"] is False
    assert stored_connection(platform, user.user["id"]) is None
    response = user.http.get("/api/ai/models")
    assert response.status_code == 400
    assert response.json() == {"detail": errors.AI_NOT_CONNECTED}


def test_choosing_another_model_keeps_the_key(user: Api) -> None:
    key, _ = connect(user, "openai")

    chosen = user.http.post("/api/ai/model", json={"model": "gpt-4o"}).json()

    assert chosen["model"] == "gpt-4o" and chosen["key_hint"] == f"…{key[-4:]}"


def test_deleting_the_account_erases_the_key(user: Api, platform: LocalPlatform) -> None:
    connect(user, "openai")

    deleted = user.http.request("DELETE", "/api/auth/me", json={"confirm_email": user.email})

    assert deleted.status_code == 204
    assert stored_connection(platform, user.user["id"]) is None
