"""Interest votes for the registry's features to come."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg


class VoteRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def votes_of(self, user_id: int) -> list[str]:
        rows = await self._pool.fetch(
            "SELECT feature_id FROM feature_votes WHERE user_id = $1 ORDER BY created_at, feature_id", user_id
        )
        return [row["feature_id"] for row in rows]

    async def vote_counts(self, feature_ids: Sequence[str]) -> dict[str, int]:
        rows = await self._pool.fetch(
            """
            SELECT feature_id, count(*) AS votes FROM feature_votes
            WHERE feature_id = ANY($1::text[]) GROUP BY feature_id
            """,
            list(feature_ids),
        )
        return {row["feature_id"]: row["votes"] for row in rows}

    async def vote(self, user_id: int, feature_id: str) -> None:
        await self._pool.execute(
            "INSERT INTO feature_votes (user_id, feature_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            user_id,
            feature_id,
        )

    async def unvote(self, user_id: int, feature_id: str) -> None:
        await self._pool.execute(
            "DELETE FROM feature_votes WHERE user_id = $1 AND feature_id = $2", user_id, feature_id
        )
