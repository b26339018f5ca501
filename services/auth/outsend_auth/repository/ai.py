"""AI connections, spending caps and calls (migration 004_ai.sql).

Windows are UTC calendar days and months, computed by Postgres from its own clock so that every
replica agrees on where a day starts. A window's spend counts settled calls at their real cost
and running calls at their reserved worst case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from outsend_contracts.ai import DEFAULT_CAPS, Caps

DAY_START = "date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
MONTH_START = "date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
SPEND = f"""
SELECT coalesce(sum(CASE WHEN status = 'reserved' THEN estimate ELSE cost END)
                FILTER (WHERE created_at >= {DAY_START}), 0) AS today,
       coalesce(sum(CASE WHEN status = 'reserved' THEN estimate ELSE cost END), 0) AS month
FROM ai_calls WHERE user_id = $1 AND created_at >= {MONTH_START}
"""
STALE_RESERVATION = "15 minutes"
"""A call still reserved after this long lost its gateway: it is settled at its worst case."""


@dataclass(frozen=True)
class ConnectionRecord:
    provider: str
    model: str
    base_url: str
    key_encrypted: bytes
    key_hint: str
    connected_at: datetime


@dataclass(frozen=True)
class Spend:
    today: int
    month: int


class AiRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    # --- connections -----------------------------------------------------------------------------
    async def save_connection(
        self, user_id: int, provider: str, model: str, base_url: str, key_encrypted: bytes, key_hint: str
    ) -> None:
        await self._pool.execute(
            """
            INSERT INTO ai_connections (user_id, provider, model, base_url, key_encrypted, key_hint)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (user_id) DO UPDATE SET provider = $2, model = $3, base_url = $4,
                key_encrypted = $5, key_hint = $6, connected_at = now()
            """,
            user_id,
            provider,
            model,
            base_url,
            key_encrypted,
            key_hint,
        )

    async def connection(self, user_id: int) -> ConnectionRecord | None:
        row = await self._pool.fetchrow(
            "SELECT provider, model, base_url, key_encrypted, key_hint, connected_at FROM ai_connections"
            " WHERE user_id = $1",
            user_id,
        )
        return ConnectionRecord(**dict(row)) if row else None

    async def replace_key(self, user_id: int, key_encrypted: bytes) -> None:
        await self._pool.execute(
            "UPDATE ai_connections SET key_encrypted = $2 WHERE user_id = $1", user_id, key_encrypted
        )

    async def delete_connection(self, user_id: int) -> None:
        await self._pool.execute("DELETE FROM ai_connections WHERE user_id = $1", user_id)

    # --- caps ------------------------------------------------------------------------------------
    async def caps(self, user_id: int) -> Caps:
        row = await self._pool.fetchrow("SELECT * FROM ai_caps WHERE user_id = $1", user_id)
        return _caps(row)

    async def set_caps(self, user_id: int, caps: Caps) -> None:
        await self._pool.execute(
            """
            INSERT INTO ai_caps (user_id, per_request, per_day, per_month) VALUES ($1, $2, $3, $4)
            ON CONFLICT (user_id) DO UPDATE SET per_request = $2, per_day = $3, per_month = $4
            """,
            user_id,
            caps.per_request,
            caps.per_day,
            caps.per_month,
        )

    # --- calls -----------------------------------------------------------------------------------
    async def spend(self, user_id: int, connection: asyncpg.Connection | None = None) -> Spend:
        row = await (connection or self._pool).fetchrow(SPEND, user_id)
        assert row is not None
        return Spend(today=int(row["today"]), month=int(row["month"]))

    async def reserve(
        self, user_id: int, call_id: str, feature: str, provider: str, model: str, estimate: int | None
    ) -> tuple[Caps, Spend, bool]:
        """Record the call at its worst case if it fits under the caps, atomically.

        The user's caps row is locked for the transaction (created with the defaults on first
        use), so concurrent reservations of one user are checked one after the other against
        a spend that already counts the ones before. Returns the caps, the spend before this
        call, and whether it was recorded.
        """
        async with self._pool.acquire() as connection, connection.transaction():
            row = await connection.fetchrow(
                """
                INSERT INTO ai_caps (user_id, per_request, per_day, per_month) VALUES ($1, $2, $3, $4)
                ON CONFLICT (user_id) DO UPDATE SET user_id = EXCLUDED.user_id
                RETURNING *
                """,
                user_id,
                DEFAULT_CAPS.per_request,
                DEFAULT_CAPS.per_day,
                DEFAULT_CAPS.per_month,
            )
            caps, spend = _caps(row), await self.spend(user_id, connection)
            if estimate is not None and not fits(caps, spend, estimate):
                return caps, spend, False
            await connection.execute(
                """
                INSERT INTO ai_calls (call_id, user_id, feature, provider, model, status, estimate, priced)
                VALUES ($1, $2, $3, $4, $5, 'reserved', $6, $7)
                """,
                call_id,
                user_id,
                feature,
                provider,
                model,
                estimate,
                estimate is not None,
            )
            return caps, spend, True

    async def settle(
        self, user_id: int, call_id: str, cost: int | None, input_tokens: int, output_tokens: int, failed: bool
    ) -> bool:
        updated = await self._pool.fetchval(
            """
            UPDATE ai_calls SET status = $3, cost = $4, input_tokens = $5, output_tokens = $6, settled_at = now()
            WHERE call_id = $1 AND user_id = $2 AND status = 'reserved' RETURNING call_id
            """,
            call_id,
            user_id,
            "failed" if failed else "settled",
            cost,
            input_tokens,
            output_tokens,
        )
        return updated is not None

    async def settle_stale(self) -> None:
        await self._pool.execute(
            f"""
            UPDATE ai_calls SET status = 'settled', cost = estimate, settled_at = now()
            WHERE status = 'reserved' AND created_at < now() - interval '{STALE_RESERVATION}'
            """
        )

    async def calls(self, user_id: int, limit: int = 50) -> list[asyncpg.Record]:
        return list(
            await self._pool.fetch(
                "SELECT * FROM ai_calls WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2", user_id, limit
            )
        )

    async def unpriced_calls(self, user_id: int) -> int:
        count = await self._pool.fetchval(
            f"SELECT count(*) FROM ai_calls WHERE user_id = $1 AND NOT priced AND created_at >= {MONTH_START}", user_id
        )
        return int(count)

    async def claim_alert(self, user_id: int, window: str, level: int) -> bool:
        """Whether this alert is new for the current window (it is then recorded as sent)."""
        start = f"date_trunc('{window}', now() AT TIME ZONE 'UTC')::date"
        claimed = await self._pool.fetchval(
            f"""
            INSERT INTO ai_alerts (user_id, window_kind, window_start, level)
            VALUES ($1, $2, {start}, $3) ON CONFLICT DO NOTHING RETURNING level
            """,
            user_id,
            window,
            level,
        )
        return claimed is not None


def fits(caps: Caps, spend: Spend, estimate: int) -> bool:
    return (
        estimate <= caps.per_request
        and spend.today + estimate <= caps.per_day
        and spend.month + estimate <= caps.per_month
    )


def _caps(row: asyncpg.Record | None) -> Caps:
    if row is None:
        return Caps(
            per_request=DEFAULT_CAPS.per_request, per_day=DEFAULT_CAPS.per_day, per_month=DEFAULT_CAPS.per_month
        )
    return Caps(per_request=row["per_request"], per_day=row["per_day"], per_month=row["per_month"])
