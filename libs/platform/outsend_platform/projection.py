"""Read models in Postgres built from events, idempotent and rebuildable.

A projection writes its tracking position in the same transaction as its view, so a replayed
or redelivered event is skipped, and ``rebuild`` swaps in a fresh view in one transaction
(readers see the old rows until it commits).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from typing import Protocol

import asyncpg
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext

from outsend_contracts import streams
from outsend_platform.broker import ensure_consumer
from outsend_platform.eventstore import EventStore
from outsend_platform.logging import get_logger

log = get_logger(__name__)

BATCH = 256


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
        self.consumer = streams.projection_consumer(projection.name, projection.subject_filter)

    @property
    def position(self) -> int:
        return self._position

    async def setup(self) -> None:
        async with self._pool.acquire() as connection:
            await connection.execute(
                "CREATE TABLE IF NOT EXISTS projection_positions (name text PRIMARY KEY, position bigint NOT NULL)"
            )
            await connection.execute(
                "INSERT INTO projection_positions VALUES ($1, 0) ON CONFLICT DO NOTHING", self._projection.name
            )
            self._position = await self._read_position(connection)

    async def run(self, stop: asyncio.Event) -> None:
        await ensure_consumer(self._js, self.consumer)
        subscription = await self._js.pull_subscribe_bind(durable=self.consumer.durable, stream=self.consumer.stream)
        try:
            while not stop.is_set():
                try:
                    messages = await subscription.fetch(BATCH, timeout=1.0)
                except (TimeoutError, NatsTimeoutError):
                    continue
                except Exception as error:
                    log.warning("projection.fetch_failed", projection=self._projection.name, error=repr(error))
                    await asyncio.sleep(0.5)
                    continue
                await self._apply_batch(messages)
        finally:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()

    async def _apply_batch(self, messages: list[Msg]) -> None:
        try:
            async with self._pool.acquire() as connection, connection.transaction():
                await connection.execute("SELECT pg_advisory_xact_lock($1)", self._lock_key)
                position = await self._read_position(connection)
                for message in messages:
                    seq = message.metadata.sequence.stream
                    if seq > position:
                        await self._projection.apply(connection, seq, message.subject, message.data)
                        position = seq
                await self._write_position(connection, position)
        except Exception:
            log.exception("projection.apply_failed", projection=self._projection.name)
            for message in messages:
                with contextlib.suppress(Exception):
                    await message.nak(delay=1.0)
            await asyncio.sleep(1.0)
            return
        for message in messages:
            with contextlib.suppress(Exception):
                await message.ack()
        await self._advance(position)

    async def wait(self, seq: int, timeout: float = 10.0) -> None:
        """Return once every event up to ``seq`` is in the view (read-your-writes)."""
        async with self._advanced:
            await asyncio.wait_for(self._advanced.wait_for(lambda: self._position >= seq), timeout)

    async def rebuild(self) -> int:
        """Drop the view and replay every event into it, in one transaction. Returns the count."""
        count = 0
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", self._lock_key)
            await self._projection.reset(connection)
            position = 0
            async for seq, subject, data in self._store.read(self._projection.subject_filter):
                await self._projection.apply(connection, seq, subject, data)
                position = seq
                count += 1
            position = max(position, await self._read_position(connection))
            await self._write_position(connection, position)
        await self._advance(position)
        return count

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
