"""Request/reply over core NATS: reads, and credential operations that must not be persisted.

A handler returns any msgspec-encodable value or raises ``DomainError``; the caller gets the
value back or the same ``DomainError`` re-raised, so a refusal crosses services intact.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError

from outsend_contracts import errors
from outsend_contracts.rpc import RpcError, RpcReply
from outsend_platform.logging import get_logger
from outsend_platform.tracing import consumer_span, inject_headers, tracer

log = get_logger(__name__)

Request = TypeVar("Request")
Result = TypeVar("Result")

_encoder = msgspec.json.Encoder()
_reply_decoder = msgspec.json.Decoder(RpcReply)


def encode(value: Any) -> bytes:
    return _encoder.encode(value)


async def call(
    nc: Client,
    subject: str,
    request: Any,
    result_type: type[Result],
    *,
    timeout: float = 10.0,
) -> Result:
    """Send ``request`` and return the decoded answer, or raise the handler's ``DomainError``."""
    with tracer().start_as_current_span(f"rpc {subject}"):
        try:
            message = await nc.request(subject, encode(request), timeout=timeout, headers=inject_headers())
        except (TimeoutError, NoRespondersError, NatsTimeoutError) as error:
            log.warning("rpc.unavailable", subject=subject, error=repr(error))
            raise errors.DomainError(503, errors.SERVICE_UNAVAILABLE) from error
    return decode_reply(message.data, result_type)


def decode_reply(data: bytes, result_type: type[Result]) -> Result:
    reply = _reply_decoder.decode(data)
    if reply.error is not None:
        raise errors.DomainError(reply.error.status, reply.error.detail, headers=reply.error.headers)
    return msgspec.convert(reply.result, result_type)


def error_reply(error: errors.DomainError) -> bytes:
    return encode(RpcReply(error=RpcError(status=error.status, detail=error.detail, headers=error.headers)))


def result_reply(result: Any) -> bytes:
    return encode(RpcReply(result=result))


class RpcServer:
    """Serves ``svc.<service>.*`` subjects in a queue group, so replicas share the load."""

    def __init__(self, nc: Client, service: str) -> None:
        self._nc = nc
        self._service = service
        self._subscriptions: list[Subscription] = []
        self._in_flight: set[asyncio.Task[None]] = set()

    async def route(
        self,
        subject: str,
        request_type: type[Request],
        handler: Callable[[Request], Awaitable[Any]],
    ) -> None:
        decoder = msgspec.json.Decoder(request_type)

        async def handle(message: Msg) -> None:
            with consumer_span(f"handle {subject}", message.headers):
                try:
                    request = decoder.decode(message.data)
                    payload = result_reply(await handler(request))
                except errors.DomainError as error:
                    payload = error_reply(error)
                except msgspec.ValidationError as error:
                    payload = error_reply(errors.DomainError(422, str(error)))
                except Exception:
                    log.exception("rpc.handler_failed", subject=subject)
                    payload = error_reply(errors.DomainError(500, errors.SERVICE_UNAVAILABLE))
            await message.respond(payload)

        async def on_message(message: Msg) -> None:
            # nats-py runs one callback at a time per subscription: answer concurrently.
            task = asyncio.create_task(handle(message))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

        self._subscriptions.append(await self._nc.subscribe(subject, queue=self._service, cb=on_message))

    async def close(self) -> None:
        for subscription in self._subscriptions:
            await subscription.unsubscribe()
