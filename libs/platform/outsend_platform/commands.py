"""Commands: published on JetStream (``cmd.<service>.<verb>``) and handled once by their owner.

The sender picks the ``Nats-Msg-Id`` (FastStream sets none), so a command sent twice within the
duplicate window is stored once. When the sender waits for the outcome, it names a reply inbox
in the ``Outsend-Reply-To`` header and the handler answers there after doing the work: the
JetStream publish itself is a request (for the stream's ack), so NATS's own reply subject is taken.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
from nats.aio.msg import Msg

from outsend_contracts import errors, streams
from outsend_platform import rpc
from outsend_platform.broker import Broker
from outsend_platform.consumer import consume
from outsend_platform.logging import get_logger

log = get_logger(__name__)

REPLY_HEADER = "Outsend-Reply-To"
Result = TypeVar("Result")


async def send(
    broker: Broker,
    subject: str,
    command: Any,
    *,
    msg_id: str,
    result_type: type[Result],
    timeout: float = 15.0,
) -> Result:
    """Publish a command and wait for its handler's answer."""
    inbox = broker.nc.new_inbox()
    subscription = await broker.nc.subscribe(inbox, max_msgs=1)
    try:
        await _publish(broker, subject, command, {"Nats-Msg-Id": msg_id, REPLY_HEADER: inbox})
        try:
            message = await subscription.next_msg(timeout=timeout)
        except TimeoutError as error:
            raise errors.DomainError(503, errors.SERVICE_UNAVAILABLE) from error
    finally:
        await subscription.unsubscribe()
    return rpc.decode_reply(message.data, result_type)


async def post(broker: Broker, subject: str, command: Any, *, msg_id: str) -> None:
    """Publish a command without waiting for its outcome."""
    await _publish(broker, subject, command, {"Nats-Msg-Id": msg_id})


async def _publish(broker: Broker, subject: str, command: Any, headers: dict[str, str]) -> None:
    try:
        await broker.stream.publish(
            rpc.encode(command), subject, headers=headers, stream=streams.COMMANDS.name, timeout=10
        )
    except Exception as error:
        log.warning("command.publish_failed", subject=subject, error=repr(error))
        raise errors.DomainError(503, errors.SERVICE_UNAVAILABLE) from error


CommandHandler = Callable[[Any], Awaitable[Any]]


class CommandRouter:
    """Dispatches a service's commands to handlers; one durable consumer per service."""

    def __init__(self, broker: Broker, service: str) -> None:
        self._broker = broker
        self._service = service
        self._routes: dict[str, tuple[msgspec.json.Decoder[Any], CommandHandler]] = {}

    def route(self, subject: str, command_type: type[Any], handler: CommandHandler) -> None:
        self._routes[subject] = (msgspec.json.Decoder(command_type), handler)

    async def run(self, stop: asyncio.Event, concurrency: int = 8) -> None:
        await consume(
            self._broker, streams.command_consumer(self._service), self._handle, concurrency=concurrency, stop=stop
        )

    async def _handle(self, message: Msg) -> None:
        decoder, handler = self._routes[message.subject]
        reply_to = (message.headers or {}).get(REPLY_HEADER)
        try:
            payload = rpc.result_reply(await handler(decoder.decode(message.data)))
        except errors.DomainError as error:
            payload = rpc.error_reply(error)
        except msgspec.ValidationError as error:
            payload = rpc.error_reply(errors.DomainError(422, str(error)))
        # Unexpected exceptions propagate: the consumer naks and the command is retried.
        if reply_to:
            await self._broker.nc.publish(reply_to, payload)
        await message.ack()
