"""Read models in Postgres built from events, idempotent and rebuildable.

A projection writes its tracking position in the same transaction as its view, so a replayed
or redelivered event is skipped, and ``rebuild`` swaps in a fresh view in one transaction
(readers see the old rows until it commits).

Each process reads the stream in order, through its own ephemeral consumer starting right after
the committed position. A shared durable consumer would hand a restarted process the events
after those its dead predecessor held unacknowledged; the position would move past them and
they would be skipped when redelivered. A gap in what the reader receives (a lost batch) or a
failed transaction restarts the reader from the committed position the same way.

An event the projection cannot apply (it raises anything but a transient database or network
error: undecodable, refused by Postgres such as a NUL character in ``jsonb``, a bug) is parked:
recorded in ``projection_parked_events`` with its sequence, subject and error, logged, and
stepped over, so one bad event never stops a read model. ``rebuild`` retries every parked event
(in stream order, with the rest of the log) and keeps parked only those that still fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from typing import Final, Protocol

import asyncpg
import msgspec
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js import api as js_api

from outsend_contracts import streams
from outsend_contracts.clock import iso
from outsend_contracts.projections import ParkedEvent
from outsend_platform.eventstore import EventStore
from outsend_platform.logging import get_logger

log = get_logger(__name__)

BATCH = 256
READER_INACTIVE_SECONDS = 30.0
"""The server drops a reader left behind by a process that died after this long."""


ERROR_MAX_CHARS = 2000

MIGRATIONS: Final = "outsend_platform.projection"
"""The package whose migrations create ``projection_positions`` and ``projection_parked_events``;
the owner of a projection applies them to its schema (:func:`outsend_platform.db.migrate`)."""

TRANSIENT_ERRORS = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.TransactionRollbackError,
    asyncpg.InsufficientResourcesError,
    asyncpg.OperatorInterventionError,
)
"""Failures of the moment (connection, deadlock, shutdown): the event is retried, never parked."""


class DeliveryGapError(Exception):
    """The reader missed events (a lost batch): it starts again from the committed position."""


class Event(msgspec.Struct, frozen=True):
    seq: int
    subject: str
    data: bytes


class UnappliableEventError(Exception):
    """``events[index]`` of a batch cannot be applied (not a transient failure)."""

    def __init__(self, index: int, event: Event, error: Exception) -> None:
        super().__init__(f"{event.subject} #{event.seq}: {error!r}")
        self.index = index
        self.event = event
        self.error = error


class Projection(Protocol):
    name: str
    subject_filter: str

    async def apply(self, connection: asyncpg.Connection, seq: int, subject: str, data: bytes) -> None: ...

    async def reset(self, connection: asyncpg.Connection) -> None:
        """Empty the view's tables (called inside the rebuild transaction)."""


class ProjectionRunner:
    def __init__(self, js: JetStreamContext, pool: asyncpg.Pool, projection: Projection) -> None:
        self._js = js
        self._pool = pool
        self._projection = projection
        self._store = EventStore(js)
        self._lock_key = int.from_bytes(
            hashlib.sha256(f"projection:{projection.name}".encode()).digest()[:8], "big", signed=True
        )
        self._position = 0
        self._advanced = asyncio.Condition()

    @property
    def position(self) -> int:
        return self._position

    @property
    def name(self) -> str:
        return self._projection.name

    async def setup(self) -> None:
        """Start tracking the projection (its tables come from the :data:`MIGRATIONS` migrations)."""
        async with self._pool.acquire() as connection:
            await connection.execute(
                "INSERT INTO projection_positions VALUES ($1, 0) ON CONFLICT DO NOTHING", self._projection.name
            )
            self._position = await self._read_position(connection)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._follow(stop)
            except Exception as error:
                log.warning("projection.reader_restarted", projection=self._projection.name, error=repr(error))
                await asyncio.sleep(0.5)

    async def _follow(self, stop: asyncio.Event) -> None:
        """Apply events from the committed position on, in stream order, until ``stop``."""
        async with self._pool.acquire() as connection:
            start = await self._read_position(connection)
        config = js_api.ConsumerConfig(
            ack_policy=js_api.AckPolicy.NONE,
            deliver_policy=js_api.DeliverPolicy.BY_START_SEQUENCE if start else js_api.DeliverPolicy.ALL,
            opt_start_seq=start + 1 if start else None,
            inactive_threshold=READER_INACTIVE_SECONDS,
            mem_storage=True,
        )
        subscription = await self._js.pull_subscribe(
            self._projection.subject_filter, stream=streams.EVENTS.name, config=config
        )
        delivered = 0
        try:
            while not stop.is_set():
                try:
                    messages = await subscription.fetch(BATCH, timeout=1.0)
                except (TimeoutError, NatsTimeoutError):
                    continue
                for message in messages:
                    delivered += 1
                    if message.metadata.sequence.consumer != delivered:
                        raise DeliveryGapError(self._projection.name)
                await self._apply_batch(messages)
        finally:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()

    async def _apply_batch(self, messages: list[Msg]) -> None:
        events = [Event(m.metadata.sequence.stream, m.subject, m.data) for m in messages]
        while events:
            try:
                await self._commit(events)
                return
            except UnappliableEventError as unappliable:
                # The batch was rolled back: keep the events before the bad one, park it, go on.
                await self._commit(events[: unappliable.index], parked=unappliable)
                events = events[unappliable.index + 1 :]

    async def _commit(self, events: list[Event], parked: UnappliableEventError | None = None) -> None:
        """Apply ``events`` (then park ``parked``) and move the position, in one transaction."""
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", self._lock_key)
            position = await self._read_position(connection)
            for index, event in enumerate(events):
                if event.seq > position:
                    await self._apply(connection, index, event)
                    position = event.seq
            if parked is not None and parked.event.seq > position:
                await self._park(connection, parked)
                position = parked.event.seq
            await self._write_position(connection, position)
        await self._advance(position)

    async def _apply(self, connection: asyncpg.Connection, index: int, event: Event) -> None:
        try:
            await self._projection.apply(connection, event.seq, event.subject, event.data)
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:
            raise UnappliableEventError(index, event, error) from error

    async def _park(self, connection: asyncpg.Connection, unappliable: UnappliableEventError) -> None:
        event = unappliable.event
        error = f"{type(unappliable.error).__name__}: {unappliable.error}".replace("\x00", "")[:ERROR_MAX_CHARS]
        await connection.execute(
            """
            INSERT INTO projection_parked_events (projection, seq, subject, error) VALUES ($1, $2, $3, $4)
            ON CONFLICT (projection, seq) DO UPDATE SET error = $4, parked_at = now()
            """,
            self._projection.name,
            event.seq,
            event.subject,
            error,
        )
        log.error(
            "projection.event_parked",
            projection=self._projection.name,
            seq=event.seq,
            subject=event.subject,
            error=error,
        )

    async def parked(self) -> list[ParkedEvent]:
        """The events this projection set aside, in stream order."""
        rows = await self._pool.fetch(
            "SELECT seq, subject, error, parked_at FROM projection_parked_events WHERE projection = $1 ORDER BY seq",
            self._projection.name,
        )
        return [
            ParkedEvent(self._projection.name, row["seq"], row["subject"], row["error"], iso(row["parked_at"]) or "")
            for row in rows
        ]

    async def wait(self, seq: int, timeout: float = 10.0) -> None:
        """Return once every event up to ``seq`` is in the view (read-your-writes)."""
        async with self._advanced:
            await asyncio.wait_for(self._advanced.wait_for(lambda: self._position >= seq), timeout)

    async def rebuild(self) -> int:
        """Drop the view and replay every event into it, in one transaction. Returns the count.

        Parked events are retried with the others; those that still cannot be applied are
        parked again, so the rebuild completes."""
        count = 0
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", self._lock_key)
            await self._projection.reset(connection)
            await connection.execute(
                "DELETE FROM projection_parked_events WHERE projection = $1", self._projection.name
            )
            position = 0
            async for seq, subject, data in self._store.read(self._projection.subject_filter):
                await self._replay(connection, Event(seq, subject, data))
                position = seq
                count += 1
            position = max(position, await self._read_position(connection))
            await self._write_position(connection, position)
        await self._advance(position)
        return count

    async def replay_parked(self) -> int:
        """Retry the parked events after a fix; returns how many are still parked.

        A parked event is retried by rebuilding the view: later events of its aggregate were
        applied without it, so it can only be applied in stream order with them."""
        if await self.parked():
            await self.rebuild()
        return len(await self.parked())

    async def _replay(self, connection: asyncpg.Connection, event: Event) -> None:
        """Apply one event inside a savepoint, so a bad one is parked without undoing the others."""
        try:
            async with connection.transaction():
                await self._apply(connection, 0, event)
        except UnappliableEventError as unappliable:
            await self._park(connection, unappliable)

    async def _advance(self, position: int) -> None:
        async with self._advanced:
            self._position = max(self._position, position)
            self._advanced.notify_all()

    async def _read_position(self, connection: asyncpg.Connection) -> int:
        value = await connection.fetchval(
            "SELECT position FROM projection_positions WHERE name = $1", self._projection.name
        )
        return int(value or 0)

    async def _write_position(self, connection: asyncpg.Connection, position: int) -> None:
        await connection.execute(
            "UPDATE projection_positions SET position = $2 WHERE name = $1", self._projection.name, position
        )
