"""The one fold projection, declared by a new aggregate with nothing but its codec and its table.

A tally aggregate stands for the next event-sourced service: its events are written by the
aggregate writer, its read model is a ``FoldTable`` on real JetStream and Postgres. The view
holds the fold of every tally, an event it cannot apply is parked while later ones still land,
and a rebuild gives the same rows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg
import msgspec
from nats.js import JetStreamContext

from outsend_contracts.clock import new_job_id
from outsend_contracts.codec import AggregateCodec
from outsend_deploy.local import LocalPlatform
from outsend_platform import db
from outsend_platform.aggregate import AggregateWriter
from outsend_platform.broker import connect
from outsend_platform.eventstore import EventStore
from outsend_platform.projection import FoldProjection
from outsend_platform.projection.owner import open_projections

KIND = f"tally{new_job_id().lower()}"
"""A kind of aggregate of this test run only, so the view sees no other run's events."""
SCHEMA = "fold_projection_test"


class Opened(msgspec.Struct, tag="opened", frozen=True):
    tally_id: str


class Added(msgspec.Struct, tag="added", frozen=True):
    by: int


TallyEvent = Opened | Added
_decoder: msgspec.json.Decoder[TallyEvent] = msgspec.json.Decoder(TallyEvent)

TALLY: AggregateCodec[TallyEvent] = AggregateCodec(
    stream=lambda tally_id: f"evt.{KIND}.{tally_id}.>",
    subject=lambda tally_id, name: f"evt.{KIND}.{tally_id}.{name}",
    name=lambda event: "opened" if isinstance(event, Opened) else "added",
    encode=msgspec.json.encode,
    decode=_decoder.decode,
    aggregate_id=lambda subject: subject.split(".")[2],
    every=f"evt.{KIND}.>",
)


@dataclass
class Tally:
    id: str
    version: int
    total: int = 0

    def apply(self, event: TallyEvent, seq: int) -> None:
        if isinstance(event, Added):
            self.total += event.by
        self.version = seq


class TallyTable:
    """The whole of what the aggregate declares for its read model."""

    def created(self, event: TallyEvent, seq: int) -> Tally | None:
        return Tally(event.tally_id, seq) if isinstance(event, Opened) else None

    async def load_for_update(self, connection: asyncpg.Connection, tally_id: str) -> Tally | None:
        row = await connection.fetchrow("SELECT id, version, total FROM tallies WHERE id = $1 FOR UPDATE", tally_id)
        return Tally(row["id"], row["version"], row["total"]) if row else None

    async def save(self, connection: asyncpg.Connection, state: Tally, event: TallyEvent) -> None:
        await connection.execute(
            "INSERT INTO tallies VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET version = $2, total = $3",
            state.id,
            state.version,
            state.total,
        )

    async def reset(self, connection: asyncpg.Connection) -> None:
        await connection.execute("TRUNCATE tallies")


PROJECTION = FoldProjection(KIND, TALLY, TallyTable())


@dataclass(frozen=True)
class Seen:
    before: list[dict[str, object]]
    rebuilt: list[dict[str, object]]
    parked: list[int]
    poisoned: int


async def scenario(nats_url: str, dsn: str) -> Seen:
    broker = await connect(nats_url, "tests-fold-projection")
    pool = await db.create_pool(dsn, SCHEMA)
    try:
        await pool.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE; CREATE SCHEMA "{SCHEMA}"')
        await pool.execute("CREATE TABLE tallies (id text PRIMARY KEY, version bigint NOT NULL, total bigint NOT NULL)")
        return await _run(broker.js, pool)
    finally:
        await pool.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        await pool.close()
        await broker.close()


async def _run(js: JetStreamContext, pool: asyncpg.Pool) -> Seen:
    runner = (await open_projections(js, pool, SCHEMA, [PROJECTION]))[PROJECTION.name]
    stop = asyncio.Event()
    following = asyncio.create_task(runner.run(stop))
    store = EventStore(js)
    writer: AggregateWriter[Tally, TallyEvent] = AggregateWriter(
        store, TALLY, lambda tally_id: _load(pool, tally_id), settle=runner.wait
    )
    try:
        first, second, broken = (new_job_id().lower() for _ in range(3))
        for tally_id in (first, second, broken):
            await writer.create(tally_id, Opened(tally_id))
        await writer.decide(first, adding(2))
        # what an old writer or a bug would append: the view cannot decode it
        poisoned = await store.append(TALLY.subject(broken, "added"), b'{"event": "added", "by": "three"}')
        for tally_id, by in ((first, 5), (second, 7), (second, 1)):
            await writer.decide(tally_id, adding(by))
        before = await _rows(pool)
    finally:
        stop.set()
        await following
    await runner.rebuild()
    return Seen(before, await _rows(pool), [event.seq for event in await runner.parked()], poisoned)


def adding(by: int) -> Callable[[Tally], TallyEvent]:
    return lambda _: Added(by)


async def _load(pool: asyncpg.Pool, tally_id: str) -> Tally | None:
    row = await pool.fetchrow("SELECT id, version, total FROM tallies WHERE id = $1", tally_id)
    return Tally(row["id"], row["version"], row["total"]) if row else None


async def _rows(pool: asyncpg.Pool) -> list[dict[str, object]]:
    return [dict(row) for row in await pool.fetch("SELECT id, total FROM tallies ORDER BY total")]


def test_a_new_aggregate_s_view_folds_parks_and_rebuilds_to_the_same_rows(platform: LocalPlatform) -> None:
    env = platform.connection_env()
    seen = asyncio.run(scenario(env["OUTSEND_NATS_URL"], env["OUTSEND_DATABASE_URL"]))
    assert [row["total"] for row in seen.before] == [0, 7, 8]  # the undecodable event stepped over; 2 + 5; 7 + 1
    assert seen.rebuilt == seen.before
    assert seen.parked == [seen.poisoned]
