"""Postgres: one schema per service, versioned SQL migrations shipped inside the service.

A library that keeps tables in its user's schema ships migrations the same way (the runner's
checkpoints, the projections' tracking) and the service applies them with its own. The ledger
``schema_migrations`` of a schema is keyed by file name, so a library's files start with its
name (``runner_001_checkpoints.sql``) and never collide with the service's (``001_jobs.sql``).
"""

from __future__ import annotations

import hashlib
from importlib import resources
from typing import Any

import asyncpg
import msgspec

from outsend_platform.logging import get_logger

log = get_logger(__name__)


def _json_encode(value: Any) -> str:
    return msgspec.json.encode(value).decode()


async def _init_connection(connection: asyncpg.Connection) -> None:
    for type_name in ("json", "jsonb"):
        await connection.set_type_codec(
            type_name, encoder=_json_encode, decoder=msgspec.json.decode, schema="pg_catalog"
        )


async def create_pool(dsn: str, schema: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections see the service's schema first and speak JSON natively."""
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        server_settings={"search_path": f"{schema},public", "application_name": f"outsend-{schema}"},
    )
    assert pool is not None
    return pool


async def ensure_schema(pool: asyncpg.Pool, schema: str) -> None:
    await pool.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')


async def migrate(pool: asyncpg.Pool, schema: str, package: str) -> None:
    """Apply ``<package>/migrations/*.sql`` in name order, each once, under an advisory lock."""
    files = sorted(
        (entry for entry in resources.files(package).joinpath("migrations").iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    lock_key = int.from_bytes(hashlib.sha256(f"migrate:{schema}".encode()).digest()[:8], "big", signed=True)
    async with pool.acquire() as connection, connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock($1)", lock_key)
        await connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await connection.execute(
            f'CREATE TABLE IF NOT EXISTS "{schema}".schema_migrations '
            "(version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        applied = {
            row["version"] for row in await connection.fetch(f'SELECT version FROM "{schema}".schema_migrations')
        }
        for entry in files:
            if entry.name in applied:
                continue
            log.info("db.migrate", schema=schema, migration=entry.name)
            await connection.execute(f'SET LOCAL search_path TO "{schema}", public')
            await connection.execute(entry.read_text(encoding="utf-8"))
            await connection.execute(f'INSERT INTO "{schema}".schema_migrations (version) VALUES ($1)', entry.name)
