"""The one aggregate writer: concurrent deciders on real JetStream, every decision taken on the latest state.

A counter aggregate stands for any event-sourced one: each writer appends "the next number"
decided on what it read. If two writers could both win on one version, a number would appear
twice; if a lost race were dropped, one would be missing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import msgspec

from outsend_contracts.clock import new_job_id
from outsend_contracts.codec import AggregateCodec
from outsend_deploy.local import LocalPlatform
from outsend_platform.aggregate import AggregateWriter
from outsend_platform.broker import connect
from outsend_platform.eventstore import EventStore

WRITERS = 12


@dataclass
class Counter:
    version: int
    values: list[int]


COUNTER: AggregateCodec[int] = AggregateCodec(
    stream=lambda counter_id: f"evt.counter-test.{counter_id}.>",
    subject=lambda counter_id, name: f"evt.counter-test.{counter_id}.{name}",
    name=lambda _: "counted",
    encode=msgspec.json.encode,
    decode=lambda data: msgspec.json.decode(data, type=int),
    aggregate_id=lambda subject: subject.split(".")[2],
    every="evt.counter-test.>",
)


async def load(store: EventStore, counter_id: str) -> Counter | None:
    counter = Counter(version=0, values=[])
    async for seq, _, data in store.read(COUNTER.stream(counter_id)):
        counter.version = seq
        counter.values.append(msgspec.json.decode(data, type=int))
    return counter if counter.values else None


async def race(nats_url: str) -> tuple[list[int], list[int | None]]:
    broker = await connect(nats_url, "tests-aggregate-writer")
    try:
        store = EventStore(broker.js)
        counter_id = new_job_id()
        writer: AggregateWriter[Counter, int] = AggregateWriter(store, COUNTER, lambda key: load(store, key))
        await writer.create(counter_id, 0)
        decided = await asyncio.gather(
            *(writer.decide(counter_id, lambda state: state.values[-1] + 1) for _ in range(WRITERS))
        )
        final = await load(store, counter_id)
        assert final is not None
        return final.values, [entry.event if entry else None for entry in decided]
    finally:
        await broker.close()


def test_concurrent_decisions_each_land_once_on_the_state_they_saw(platform: LocalPlatform) -> None:
    values, appended = asyncio.run(race(platform.connection_env()["OUTSEND_NATS_URL"]))
    assert values == list(range(WRITERS + 1))
    assert sorted(event for event in appended if event is not None) == list(range(1, WRITERS + 1))


def test_a_missing_aggregate_is_not_created_by_a_decision(platform: LocalPlatform) -> None:
    async def decide_on_nothing() -> object:
        broker = await connect(platform.connection_env()["OUTSEND_NATS_URL"], "tests-aggregate-writer")
        try:
            store = EventStore(broker.js)
            writer: AggregateWriter[Counter, int] = AggregateWriter(store, COUNTER, lambda key: load(store, key))
            return await writer.decide(new_job_id(), lambda state: 1)
        finally:
            await broker.close()

    assert asyncio.run(decide_on_nothing()) is None
