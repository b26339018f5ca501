"""Connecting a test user to an AI provider of the test world, and reading what auth stored."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg

from outsend_deploy.local import LocalPlatform
from tests.support.api import Api

KEY_PREFIXES = {"anthropic": "sk-ant-", "gemini": "AIza", "groq": "gsk_", "xai": "xai-"}


def new_key(provider: str) -> str:
    """A key of the provider's format, unique to the test (the world accepts any but ``invalid``)."""
    return f"{KEY_PREFIXES.get(provider, 'sk-')}{uuid.uuid4().hex}"


def connect(user: Api, provider: str = "anthropic", **body: Any) -> tuple[str, dict[str, Any]]:
    key = body.pop("api_key", None) or new_key(provider)
    response = user.http.post("/api/ai/connect", json={"provider": provider, "api_key": key, **body})
    assert response.status_code == 200, response.text
    connection: dict[str, Any] = response.json()
    return key, connection


def stored_connection(platform: LocalPlatform, user_id: int) -> dict[str, Any] | None:
    async def read() -> dict[str, Any] | None:
        database = await asyncpg.connect(platform.connection_env()["OUTSEND_DATABASE_URL"])
        try:
            row = await database.fetchrow("SELECT * FROM auth.ai_connections WHERE user_id = $1", user_id)
            return dict(row) if row else None
        finally:
            await database.close()

    return asyncio.run(read())


def service_logs(platform: LocalPlatform) -> str:
    logs = (platform.data_dir / "logs").rglob("*")
    return "".join(path.read_text(errors="replace") for path in logs if path.is_file())
