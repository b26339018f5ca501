"""Rate-limit windows, in Postgres so that every replica counts the same attempts."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

import asyncpg

from outsend_auth import ratelimit


class RateLimitRepository:
    """The windows of :mod:`outsend_auth.ratelimit`, shared by every replica."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def attempt(self, checks: Sequence[tuple[ratelimit.Rule, bytes]], now: datetime) -> int | None:
        async with self._pool.acquire() as connection, connection.transaction():
            for lock in sorted({_lock_id(rule.scope, key) for rule, key in checks}):
                await connection.execute("SELECT pg_advisory_xact_lock($1)", lock)
            waits = []
            for rule, key in checks:
                hits = await connection.fetch(
                    "SELECT at FROM rate_limit_hits WHERE scope = $1 AND key = $2 AND at > $3",
                    rule.scope,
                    key,
                    now - rule.window,
                )
                wait = ratelimit.retry_after((hit["at"] for hit in hits), rule, now)
                if wait is not None:
                    waits.append(wait)
            if waits:
                return max(waits)
            await connection.executemany(
                "INSERT INTO rate_limit_hits (scope, key, at) VALUES ($1, $2, $3)",
                [(rule.scope, key, now) for rule, key in checks],
            )
            return None

    async def forget(self, keys: Sequence[tuple[str, bytes]]) -> None:
        await self._pool.executemany("DELETE FROM rate_limit_hits WHERE scope = $1 AND key = $2", keys)

    async def prune(self, before: datetime) -> int:
        result = await self._pool.execute("DELETE FROM rate_limit_hits WHERE at <= $1", before)
        return int(result.split()[-1])


def _lock_id(scope: str, key: bytes) -> int:
    return int.from_bytes(hashlib.sha256(scope.encode() + b"|" + key).digest()[:8], "big", signed=True)
