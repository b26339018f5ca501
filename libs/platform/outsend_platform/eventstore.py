"""Appending and reading events in stream ``EVENTS``.

An aggregate is every subject under one prefix (``evt.job.<id>.>``). Appends that decide
something pass the aggregate version they were decided on; JetStream refuses the append if
anything was written to the aggregate since (``Nats-Expected-Last-Subject-Sequence`` with a
wildcard subject), so two writers cannot both win.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js import api as js_api
from nats.js.errors import APIError, NotFoundError

from outsend_contracts import streams
from outsend_platform.tracing import inject_headers

WRONG_LAST_SEQUENCE = 10071


class ConcurrencyError(Exception):
    """The aggregate changed since the version the append was decided on."""


class EventStore:
    def __init__(self, js: JetStreamContext) -> None:
        self._js = js

    async def append(
        self,
        subject: str,
        payload: bytes,
        *,
        aggregate: str | None = None,
        expected_version: int | None = None,
        msg_id: str | None = None,
    ) -> int:
        """Append one event and return its stream sequence (the aggregate's new version)."""
        headers: dict[str, str] = {}
        if expected_version is not None:
            assert aggregate is not None
            headers["Nats-Expected-Last-Subject-Sequence"] = str(expected_version)
            headers["Nats-Expected-Last-Subject-Sequence-Subject"] = aggregate
        if msg_id is not None:
            headers["Nats-Msg-Id"] = msg_id
        try:
            ack = await self._js.publish(subject, payload, stream=streams.EVENTS.name, headers=inject_headers(headers))
        except APIError as error:
            if error.err_code == WRONG_LAST_SEQUENCE:
                raise ConcurrencyError(subject) from error
            raise
        return ack.seq

    async def version(self, aggregate: str) -> int:
        """The sequence of the aggregate's last event, 0 when it has none."""
        try:
            message = await self._js.get_last_msg(streams.EVENTS.name, aggregate)
        except NotFoundError:
            return 0
        return message.seq or 0

    async def read(self, subject_filter: str, after: int = 0) -> AsyncIterator[tuple[int, str, bytes]]:
        """Yield ``(sequence, subject, data)`` of every stored event matching the filter, in order."""
        config = js_api.ConsumerConfig(
            ack_policy=js_api.AckPolicy.NONE,
            deliver_policy=js_api.DeliverPolicy.BY_START_SEQUENCE if after else js_api.DeliverPolicy.ALL,
            opt_start_seq=after + 1 if after else None,
            inactive_threshold=5.0,  # the server removes this reader soon after it is left
            mem_storage=True,
        )
        subscription = await self._js.pull_subscribe(subject_filter, stream=streams.EVENTS.name, config=config)
        try:
            while True:
                try:
                    messages = await subscription.fetch(256, timeout=0.5)
                except (TimeoutError, NatsTimeoutError):
                    return
                for message in messages:
                    yield message.metadata.sequence.stream, message.subject, message.data
                if messages[-1].metadata.num_pending == 0:
                    return
        finally:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()

    async def purge(self, subject_filter: str) -> None:
        """Remove an aggregate's events (deleted jobs leave no trace to replay)."""
        await self._js.purge_stream(streams.EVENTS.name, subject=subject_filter)
