"""Durable pull consumers on FastStream: fetch only what can be handled now, keep long work alive.

Each free slot is its own FastStream pull subscriber bound to the durable consumer, fetching one
message at a time. A single subscriber with ``max_workers > 1`` would fetch ahead of its workers
and leave messages waiting unacknowledged while their ``ack_wait`` runs out (FastStream issue
#2563); a batch would hold every slot until its slowest message is done.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from faststream import AckPolicy
from faststream.nats import JStream, PullSub
from faststream.nats.annotations import NatsMessage
from nats.aio.msg import Msg

from outsend_contracts.streams import ConsumerSpec
from outsend_platform.broker import Broker, ensure_consumer
from outsend_platform.logging import get_logger

log = get_logger(__name__)

Handler = Callable[[Msg], Awaitable[None]]


async def consume(
    broker: Broker,
    spec: ConsumerSpec,
    handler: Handler,
    *,
    concurrency: int = 1,
    stop: asyncio.Event,
) -> None:
    """Run ``handler`` on each message, at most ``concurrency`` at a time, until ``stop`` is set.

    The handler acks. If it raises, the message is nak'ed with a short delay and will be
    redelivered; on shutdown, work still running after ``GRACE_SECONDS`` is nak'ed for another
    replica.
    """
    await ensure_consumer(broker.js, spec)

    async def on_message(message: NatsMessage) -> None:
        await _handle(spec.durable, handler, message.raw_message)

    slots = []
    for _ in range(concurrency):
        slot = broker.stream.subscriber(
            spec.filter_subjects[0],
            stream=JStream(spec.stream, declare=False),
            durable=spec.durable,
            pull_sub=PullSub(batch_size=1, timeout=1.0),
            # Acks are the handler's: one that raised is nak'ed with a delay below, never dropped.
            ack_policy=AckPolicy.MANUAL,
            persistent=False,
        )
        slot(on_message)
        slots.append(slot)
    try:
        for slot in slots:
            await slot.start()
        await stop.wait()
    finally:
        # Each slot lets its handler finish within the grace period, then cancels it (the
        # message is nak'ed); wait for those naks before the connection closes.
        in_flight = [task for slot in slots for task in slot.tasks]
        await asyncio.gather(*(slot.stop() for slot in slots), return_exceptions=True)
        if in_flight:
            await asyncio.wait(in_flight, timeout=1)


async def _handle(durable: str, handler: Handler, message: Msg) -> None:
    try:
        await handler(message)
    except asyncio.CancelledError:
        # Shutting down: hand the message back at once rather than after ``ack_wait``.
        with contextlib.suppress(Exception):
            await asyncio.shield(message.nak())
        raise
    except Exception:
        log.exception("consumer.handler_failed", consumer=durable, subject=message.subject)
        with contextlib.suppress(Exception):
            await message.nak(delay=1.0)


async def listen(broker: Broker, subject: str, handler: Handler, *, concurrency: int) -> None:
    """Core NATS: run ``handler`` on each message on ``subject`` from now on, ``concurrency`` at
    a time, for notices a missed one of which costs nothing (nothing is stored or redelivered)."""

    async def on_message(message: NatsMessage) -> None:
        await handler(message.raw_message)

    subscriber = broker.stream.subscriber(subject, max_workers=concurrency, persistent=False)
    subscriber(on_message)
    await subscriber.start()


@contextlib.asynccontextmanager
async def kept_alive(message: Msg, every: float) -> AsyncIterator[None]:
    """Tell JetStream the message is still being worked on, so it is not redelivered meanwhile."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(every)
            with contextlib.suppress(Exception):
                await message.in_progress()

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
