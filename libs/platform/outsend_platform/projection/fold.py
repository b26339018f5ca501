"""The read model of an event-sourced aggregate: one row per aggregate, its state folded event by event.

Jobs, pipelines and what comes next share this projection: it decodes an event with the
aggregate's codec, starts a state from a creating event or folds the event into the stored one,
and hands the result back to the service's table. A service declares only its
:class:`FoldTable` (the SQL of its rows); parking of events that cannot be applied, positions
and rebuilds are :class:`~outsend_platform.projection.runner.ProjectionRunner`'s.
"""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar

import asyncpg

from outsend_contracts.codec import AggregateCodec
from outsend_platform.aggregate import Folding

S = TypeVar("S", bound=Folding)
E = TypeVar("E")
E_contra = TypeVar("E_contra", contravariant=True)


class FoldTable(Protocol[S, E_contra]):
    """Where a service keeps the folded states of one kind of aggregate (called inside the
    projection's transaction)."""

    def created(self, event: E_contra, seq: int) -> S | None:
        """The state an aggregate's creating event starts; ``None`` for every other event."""

    async def load_for_update(self, connection: asyncpg.Connection, aggregate_id: str) -> S | None: ...

    async def save(self, connection: asyncpg.Connection, state: S, event: E_contra) -> None:
        """Store ``state`` once ``event`` is folded in, with whatever else the event writes."""

    async def reset(self, connection: asyncpg.Connection) -> None:
        """Empty the view's tables (the rebuild replays every event into them)."""


class FoldProjection(Generic[S, E]):
    """A :class:`~outsend_platform.projection.runner.Projection` folding every aggregate of a codec."""

    def __init__(self, name: str, codec: AggregateCodec[E], table: FoldTable[S, E]) -> None:
        self.name = name
        self.subject_filter = codec.every
        self._codec = codec
        self._table = table

    async def apply(self, connection: asyncpg.Connection, seq: int, subject: str, data: bytes) -> None:
        event = self._codec.decode(data)
        state = self._table.created(event, seq)
        if state is None:
            state = await self._table.load_for_update(connection, self._codec.aggregate_id(subject))
            if state is None:
                return  # events of an aggregate the view no longer holds (deleted), still in flight
            state.apply(event, seq)
        await self._table.save(connection, state, event)

    async def reset(self, connection: asyncpg.Connection) -> None:
        await self._table.reset(connection)
