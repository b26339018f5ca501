"""The veille read model: each event folded into its veille's row, and its runs recorded."""

from __future__ import annotations

import asyncpg

from outsend_contracts import subjects
from outsend_contracts.veille import events as ev
from outsend_contracts.veille.state import VeilleState
from outsend_veille.repository import VeilleRepository


class VeilleProjection:
    name = "veilles"
    subject_filter = subjects.EVT_VEILLE_ALL

    async def apply(self, connection: asyncpg.Connection, seq: int, subject: str, data: bytes) -> None:
        event = ev.decode_event(data)
        if isinstance(event, ev.VeilleCreated):
            await VeilleRepository.save(connection, VeilleState.created(event, seq))
            return
        state = await VeilleRepository.load_for_update(connection, subjects.veille_id_from_subject(subject))
        if state is None:
            return
        state.apply(event, seq)
        await VeilleRepository.save(connection, state)
        if isinstance(event, ev.VeilleRunStarted):
            await VeilleRepository.run_started(connection, state, event)
        elif isinstance(event, ev.VeilleRunCompleted | ev.VeilleRunFailed):
            await VeilleRepository.run_ended(connection, event)

    async def reset(self, connection: asyncpg.Connection) -> None:
        await VeilleRepository.truncate(connection)
