"""The pull consumer every worker lane and command router runs on, on real JetStream.

A lane of n slots holds at most n messages unacknowledged however many wait (nothing is fetched
ahead of a free slot, so nothing runs out its ``ack_wait`` in a busy process), a handler that
raised gets its message again, and a consumer stopped mid-work hands the message back after its
grace period instead of holding it until ``ack_wait``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from nats.aio.msg import Msg

from outsend_contracts import streams
from outsend_contracts.clock import new_job_id
from outsend_deploy.local import LocalPlatform
from outsend_platform.broker import Broker, connect
from outsend_platform.consumer import consume

SLOTS = 2
WAITING = 6


def lane_of_test(slots: int) -> streams.ConsumerSpec:
    """A lane of its own on the WORK stream, declared as a worker declares its lanes."""
    module = f"slots-test-{new_job_id()}"
    return streams.work_consumer("tests", module, (module,), ack_wait_seconds=30.0, max_ack_pending=slots)


async def remove(broker: Broker, spec: streams.ConsumerSpec) -> None:
    await broker.js.delete_consumer(spec.stream, spec.durable)
    await broker.js.purge_stream(spec.stream, subject=spec.filter_subjects[0])
    await broker.close()


@contextlib.asynccontextmanager
async def consuming(
    broker: Broker, spec: streams.ConsumerSpec, handler: Callable[[Msg], Awaitable[None]], slots: int
) -> AsyncIterator[asyncio.Event]:
    stop = asyncio.Event()
    task = asyncio.create_task(consume(broker, spec, handler, concurrency=slots, stop=stop))
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


async def publish(broker: Broker, spec: streams.ConsumerSpec, count: int) -> None:
    for index in range(count):
        await broker.js.publish(spec.filter_subjects[0], str(index).encode(), stream=streams.WORK.name)


async def pending(broker: Broker, spec: streams.ConsumerSpec) -> tuple[int, int]:
    """(unacknowledged, not yet delivered) messages of the consumer."""
    info = await broker.js.consumer_info(spec.stream, spec.durable)
    return info.num_ack_pending, info.num_pending


async def until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)


def test_a_busy_lane_holds_no_more_messages_than_its_slots(platform: LocalPlatform) -> None:
    async def scenario() -> tuple[int, tuple[int, int], int]:
        broker = await connect(platform.connection_env()["OUTSEND_NATS_URL"], "tests-consumer-slots")
        spec = lane_of_test(SLOTS)
        running, release, done = 0, asyncio.Event(), 0
        most = 0

        async def work(message: Msg) -> None:
            nonlocal running, most, done
            running += 1
            most = max(most, running)
            await release.wait()
            running -= 1
            done += 1
            await message.ack()

        try:
            async with consuming(broker, spec, work, SLOTS):
                await publish(broker, spec, WAITING)
                await until(lambda: running == SLOTS)
                await asyncio.sleep(2)  # time for a fetch ahead of the slots to show
                held = await pending(broker, spec)
                release.set()
                await until(lambda: done == WAITING)
            return most, held, done
        finally:
            await remove(broker, spec)

    most, (unacknowledged, waiting), done = asyncio.run(scenario())
    assert most == SLOTS
    assert (unacknowledged, waiting) == (SLOTS, WAITING - SLOTS)
    assert done == WAITING


def test_a_failed_handler_gets_its_message_again_and_a_stop_hands_work_back(platform: LocalPlatform) -> None:
    async def scenario() -> tuple[list[int], float]:
        broker = await connect(platform.connection_env()["OUTSEND_NATS_URL"], "tests-consumer-slots")
        spec = lane_of_test(1)
        deliveries: list[int] = []
        started, taken_over = asyncio.Event(), asyncio.Event()

        async def fail_then_hang(message: Msg) -> None:
            deliveries.append(message.metadata.num_delivered)
            if len(deliveries) == 1:
                raise RuntimeError("the first attempt fails")
            started.set()
            await asyncio.Event().wait()  # long work, cut short by the stop

        async def take_over(message: Msg) -> None:
            deliveries.append(message.metadata.num_delivered)
            taken_over.set()
            await message.ack()

        try:
            async with consuming(broker, spec, fail_then_hang, 1):
                await publish(broker, spec, 1)
                await asyncio.wait_for(started.wait(), 20)
            stopped_at = asyncio.get_running_loop().time()
            # Another replica gets the work without waiting out ``ack_wait`` (30 s).
            async with consuming(broker, spec, take_over, 1):
                await asyncio.wait_for(taken_over.wait(), 20)
            return deliveries, asyncio.get_running_loop().time() - stopped_at
        finally:
            await remove(broker, spec)

    deliveries, handed_over_after = asyncio.run(scenario())
    assert deliveries == [1, 2, 3]
    assert handed_over_after < 15
