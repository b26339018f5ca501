"""Invitation codes: the admin's, and those of the configuration counted as they are used."""

from __future__ import annotations

from datetime import datetime

import asyncpg


class InvitationRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def invitations(self) -> list[asyncpg.Record]:
        return list(await self._pool.fetch("SELECT * FROM invitation_codes ORDER BY created_at DESC, code"))

    async def create_invitation(
        self, code: str, max_uses: int | None, expires_at: datetime | None, created_by: int
    ) -> asyncpg.Record | None:
        return await self._pool.fetchrow(
            """
            INSERT INTO invitation_codes (code, source, max_uses, expires_at, created_by)
            VALUES ($1, 'admin', $2, $3, $4) ON CONFLICT (code) DO NOTHING RETURNING *
            """,
            code,
            max_uses,
            expires_at,
            created_by,
        )

    async def revoke_invitation(self, code: str, now: datetime) -> asyncpg.Record | None:
        return await self._pool.fetchrow(
            """
            UPDATE invitation_codes SET revoked_at = coalesce(revoked_at, $2)
            WHERE code = $1 AND source = 'admin' RETURNING *
            """,
            code,
            now,
        )

    async def invitation(self, code: str) -> asyncpg.Record | None:
        return await self._pool.fetchrow("SELECT * FROM invitation_codes WHERE code = $1", code)


async def claim_invitation(
    connection: asyncpg.Connection, code: str, config_codes: frozenset[str], now: datetime
) -> bool:
    """Count one use of the code, inside the caller's transaction; ``False`` if it cannot be used."""
    if code in config_codes:
        await connection.execute(
            """
            INSERT INTO invitation_codes (code, source, uses) VALUES ($1, 'config', 1)
            ON CONFLICT (code) DO UPDATE SET uses = invitation_codes.uses + 1
            """,
            code,
        )
        return True
    claimed = await connection.fetchval(
        """
        UPDATE invitation_codes SET uses = uses + 1
        WHERE code = $1 AND source = 'admin' AND revoked_at IS NULL
          AND (expires_at IS NULL OR expires_at > $2) AND (max_uses IS NULL OR uses < max_uses)
        RETURNING code
        """,
        code,
        now,
    )
    return claimed is not None
