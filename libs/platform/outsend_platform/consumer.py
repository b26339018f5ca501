"""Durable pull consumers: fetch only what can be handled now, keep long work alive."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from nats.aio.msg import Msg
from nats.errors import ConnectionClosedError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext

from outsend_contracts.streams import ConsumerSpec
from outsend_platform.broker import ensure_consumer
from outsend_platform.logging import get_logger

log = get_logger(__name__)

Handler = Callable[[Msg], Awaitable[None]]


async def consume(
    js: JetStreamContext,
    spec: ConsumerSpec,
    handler: Handler,
    *,
    concurrency: int = 1,
    stop: asyncio.Event,
) -> None:
    """Run ``handler`` on each message, at most ``concurrency`` at a time, until ``stop`` is set.

    The handler acks. If it raises, the message is nak'ed with a short delay and will be
    redelivered. Messages are fetched only for free slots, so nothing waits unacknowledged in
    this process while its ``ack_wait`` runs out.
    """
    await ensure_consumer(js, spec)
    subscription = await js.pull_subscribe_bind(durable=spec.durable, stream=spec.stream)
    running: set[asyncio.Task[None]] = set()
    try:
        while not stop.is_set():
            if len(running) >= concurrency:
                await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                continue
            try:
                messages = await subscription.fetch(concurrency - len(running), timeout=1.0)
            except (NatsTimeoutError, TimeoutError):
                continue
            except ConnectionClosedError:
                return
            except Exception as error:  # broker restarting: wait and fetch again
                log.warning("consumer.fetch_failed", consumer=spec.durable, error=repr(error))
                await asyncio.sleep(0.5)
                continue
            for message in messages:
                task = asyncio.create_task(_handle(spec.durable, handler, message))
                running.add(task)
                task.add_done_callback(running.discard)
    finally:
        with contextlib.suppress(Exception):
            await subscription.unsubscribe()
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)


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
