"""A service's duties to accounts: erase a deleted user's data, give it back for the export.

A service that keeps data of users adds two lines to its ``setup``::

    await serve_account_export(runtime, export_user)       # svc.<service>.account_export
    loops.append(serve_account_erasure(runtime, erase_user))  # evt.account.*.deleted

``erase_user(user_id)`` must be idempotent: the event is delivered at least once, and replayed
from the start when the service's consumer is first created.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import msgspec
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from outsend_contracts import streams, subjects
from outsend_contracts.account import DELETED, AccountDeleted, AccountExportRequest
from outsend_contracts.clock import utc_now
from outsend_platform.consumer import consume
from outsend_platform.eventstore import EventStore
from outsend_platform.logging import get_logger
from outsend_platform.service import Runtime

log = get_logger(__name__)

_deleted = msgspec.json.Decoder(AccountDeleted)


async def announce_account_deleted(js: JetStreamContext, user_id: int) -> None:
    """Append ``evt.account.<user_id>.deleted`` (deduplicated if a retried deletion sends it again)."""
    event = AccountDeleted(user_id=user_id, at=utc_now())
    await EventStore(js).append(
        subjects.account_event(user_id, DELETED), msgspec.json.encode(event), msg_id=f"account-deleted-{user_id}"
    )


def serve_account_erasure(runtime: Runtime, erase: Callable[[int], Awaitable[None]]) -> Coroutine[Any, Any, None]:
    """The loop that calls ``erase(user_id)`` for every deleted account, once it succeeds."""

    async def handle(message: Msg) -> None:
        event = _deleted.decode(message.data)
        await erase(event.user_id)
        log.info("account.erased", service=runtime.name, user_id=event.user_id)
        await message.ack()

    spec = streams.account_erasure_consumer(runtime.name)
    return consume(runtime.broker, spec, handle, concurrency=1, stop=runtime.stop)


async def serve_account_export(runtime: Runtime, export: Callable[[int], Awaitable[Any]]) -> None:
    """Answer ``svc.<service>.account_export`` with ``export(user_id)`` (any JSON value)."""

    async def handle(request: AccountExportRequest) -> Any:
        return await export(request.user_id)

    await runtime.rpc.route(subjects.account_export(runtime.name), AccountExportRequest, handle)
