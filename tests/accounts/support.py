"""What the account tests share: direct reads of Postgres and the passing of time for windows."""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import asyncpg
import nats
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from outsend_deploy.local import LocalPlatform
from tests.support.api import PASSWORD, Api
from tests.support.platform import INVITE_CODE


def sql(platform: LocalPlatform, query: str, *args: Any) -> list[asyncpg.Record]:
    """Run one statement on the platform's Postgres, as an operator with ``psql`` would."""

    async def run() -> list[asyncpg.Record]:
        connection = await asyncpg.connect(platform.connection_env()["OUTSEND_DATABASE_URL"])
        try:
            return list(await connection.fetch(query, *args))
        finally:
            await connection.close()

    return asyncio.run(run())


def let_time_pass(platform: LocalPlatform, scope: str, by: timedelta) -> None:
    """Move the recorded attempts of a rate-limit window ``by`` into the past, as waiting would.

    The services keep reading the real clock: this is what an hour of waiting does to the rows
    they read, without waiting the hour.
    """
    sql(platform, "UPDATE auth.rate_limit_hits SET at = at - $2::interval WHERE scope = $1", scope, by)


def expire_link(platform: LocalPlatform, token: str) -> None:
    """Make a mailed link's token reach its expiry date."""
    token_hash = hashlib.sha256(token.encode()).digest()
    sql(platform, "UPDATE auth.tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1", token_hash)


def anonymous(platform: LocalPlatform) -> Api:
    """A client with no account and its own address."""
    return Api(platform)


def signup_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "email": f"ada-{uuid.uuid4().hex[:10]}@example.com",
        "password": PASSWORD,
        "invitation_code": INVITE_CODE,
        "accept_responsibility": True,
    }
    body.update(overrides)
    return body


def problem(response: Any) -> Any:
    return response.json()["detail"]


async def _with_jetstream(platform: LocalPlatform, work: Any) -> Any:
    connection = await nats.connect(platform.connection_env()["OUTSEND_NATS_URL"])
    try:
        return await work(connection.jetstream())
    finally:
        await connection.close()


def object_names(platform: LocalPlatform, bucket: str) -> list[str]:
    async def names(js: JetStreamContext) -> list[str]:
        try:
            return [info.name for info in await (await js.object_store(bucket)).list() if not info.deleted]
        except NotFoundError:  # an empty bucket
            return []

    return asyncio.run(_with_jetstream(platform, names))  # type: ignore[no-any-return]


def stored_event_subjects(platform: LocalPlatform, subject_filter: str) -> dict[str, int]:
    """Subjects in stream EVENTS matching the filter, with their message counts."""

    async def subjects(js: JetStreamContext) -> dict[str, int]:
        info = await js.stream_info("EVENTS", subjects_filter=subject_filter)
        return dict(info.state.subjects or {})

    return asyncio.run(_with_jetstream(platform, subjects))  # type: ignore[no-any-return]


def last_event(platform: LocalPlatform, subject: str) -> bytes:
    async def last(js: JetStreamContext) -> bytes:
        return (await js.get_last_msg("EVENTS", subject)).data or b""

    return asyncio.run(_with_jetstream(platform, last))  # type: ignore[no-any-return]


def wait_for_idle_workers(platform: LocalPlatform, timeout: float = 60) -> None:
    """Until no work order is waiting or being handled by a worker (every work message acked)."""

    async def busy(js: JetStreamContext) -> int:
        return sum((info.num_pending or 0) + (info.num_ack_pending or 0) for info in await js.consumers_info("WORK"))

    deadline = time.monotonic() + timeout
    while asyncio.run(_with_jetstream(platform, busy)):
        assert time.monotonic() < deadline, "workers still busy"
        time.sleep(0.2)


def wait_until(check: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"still waiting: {what}"
        time.sleep(0.2)
