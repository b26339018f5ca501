"""Request/reply over core NATS: reads, and credential operations that must not be persisted.

A handler returns any msgspec-encodable value or raises ``DomainError``; the caller gets the
value back or the same ``DomainError`` re-raised, so a refusal crosses services intact.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
from faststream.nats.annotations import NatsMessage
from faststream.nats.subscriber.usecases import CoreSubscriber
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError

from outsend_contracts import errors
from outsend_contracts.rpc import RpcError, RpcReply
from outsend_platform.broker import Broker
from outsend_platform.logging import get_logger

log = get_logger(__name__)

Request = TypeVar("Request")
Result = TypeVar("Result")

_encoder = msgspec.json.Encoder()
_reply_decoder = msgspec.json.Decoder(RpcReply)
# Reads are short and many callers wait on them: answer this many at once per subject.
_CONCURRENT_ANSWERS = 64


def encode(value: Any) -> bytes:
    return _encoder.encode(value)


async def call(
    broker: Broker,
    subject: str,
    request: Any,
    result_type: type[Result],
    *,
    timeout: float = 10.0,
) -> Result:
    """Send ``request`` and return the decoded answer, or raise the handler's ``DomainError``."""
    try:
        message = await broker.stream.request(encode(request), subject, timeout=timeout)
    except (TimeoutError, NoRespondersError, NatsTimeoutError) as error:
        log.warning("rpc.unavailable", subject=subject, error=repr(error))
        raise errors.DomainError(503, errors.SERVICE_UNAVAILABLE) from error
    return decode_reply(message.body, result_type)


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

    def __init__(self, broker: Broker, service: str) -> None:
        self._broker = broker
        self._service = service
        self._subscribers: list[CoreSubscriber] = []

    async def route(
        self,
        subject: str,
        request_type: type[Request],
        handler: Callable[[Request], Awaitable[Any]],
    ) -> None:
        decoder = msgspec.json.Decoder(request_type)

        async def answer(message: NatsMessage) -> bytes:
            try:
                return result_reply(await handler(decoder.decode(message.body)))
            except errors.DomainError as error:
                return error_reply(error)
            except msgspec.ValidationError as error:
                return error_reply(errors.DomainError(422, str(error)))
            except Exception:
                log.exception("rpc.handler_failed", subject=subject)
                return error_reply(errors.DomainError(500, errors.SERVICE_UNAVAILABLE))

        subscriber = self._broker.stream.subscriber(
            subject, queue=self._service, max_workers=_CONCURRENT_ANSWERS, persistent=False
        )
        subscriber(answer)
        await subscriber.start()
        self._subscribers.append(subscriber)

    async def close(self) -> None:
        await asyncio.gather(*(subscriber.stop() for subscriber in self._subscribers), return_exceptions=True)
