"""The veille read model: one row per veille, its events folded in by ``outsend_platform``, and its runs."""

from __future__ import annotations

import asyncpg

from outsend_contracts.veille import events as ev
from outsend_contracts.veille.state import VeilleState
from outsend_platform.projection import FoldProjection
from outsend_veille.repository import VeilleRepository


class VeilleTable:
    """Where the fold of each veille is kept: its row, and the runs its events start and end."""

    def created(self, event: ev.VeilleEvent, seq: int) -> VeilleState | None:
        return VeilleState.created(event, seq) if isinstance(event, ev.VeilleCreated) else None

    async def load_for_update(self, connection: asyncpg.Connection, veille_id: str) -> VeilleState | None:
        return await VeilleRepository.load_for_update(connection, int(veille_id))

    async def save(self, connection: asyncpg.Connection, state: VeilleState, event: ev.VeilleEvent) -> None:
        await VeilleRepository.save(connection, state)
        if isinstance(event, ev.VeilleRunStarted):
            await VeilleRepository.run_started(connection, state, event)
        elif isinstance(event, ev.VeilleRunCompleted | ev.VeilleRunFailed):
            await VeilleRepository.run_ended(connection, event)

    async def reset(self, connection: asyncpg.Connection) -> None:
        await VeilleRepository.truncate(connection)


PROJECTION = FoldProjection("veilles", ev.CODEC, VeilleTable())
