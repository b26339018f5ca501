"""Connecting to NATS and declaring JetStream resources from ``outsend_contracts.streams``.

The connection is FastStream's :class:`NatsBroker`: subscribers, publishers, request/reply and
trace propagation go through it. Its nats-py client and JetStream context stay reachable for what
FastStream does not offer (ordered consumers, appends conditional on a subject's last sequence,
KV compare-and-set): see docs/architecture.md.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from typing import Any

from faststream.message import StreamMessage
from faststream.nats import NatsBroker
from faststream.nats.opentelemetry import NatsTelemetryMiddleware
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js import api as js_api
from nats.js.errors import BucketNotFoundError, NotFoundError

from outsend_contracts import streams
from outsend_platform.logging import get_logger

log = get_logger(__name__)

GRACE_SECONDS = 3.0
"""On shutdown, how long a handler still running may finish before it is cancelled (and its
message nak'ed): short work ends cleanly, long work goes back at once rather than after
``ack_wait``. Under the five seconds a stopping service gives its loops."""

_RETENTION = {"limits": js_api.RetentionPolicy.LIMITS, "workqueue": js_api.RetentionPolicy.WORK_QUEUE}


@dataclass
class Broker:
    stream: NatsBroker
    js: JetStreamContext

    @property
    def nc(self) -> Client:
        return self.stream.connection

    async def close(self) -> None:
        """Stop every subscriber (in-flight work is released), then drain the connection."""
        await self.stream.stop()


async def connect(url: str, name: str) -> Broker:
    """Connect and keep reconnecting forever: a broker restart must not end a service."""

    async def on_disconnect() -> None:
        log.warning("nats.disconnected")

    async def on_reconnect() -> None:
        log.info("nats.reconnected")

    async def on_error(error: Exception) -> None:
        log.warning("nats.error", error=repr(error))

    stream = NatsBroker(
        url,
        name=f"outsend-{name}",
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,  # type: ignore[arg-type]  # nats-py takes seconds as a float
        connect_timeout=5,
        disconnected_cb=on_disconnect,
        reconnected_cb=on_reconnect,
        error_cb=on_error,
        # Continues the trace carried in each message's headers, and injects it on publish.
        middlewares=[NatsTelemetryMiddleware()],
        # Handlers get the raw body and decode it with their msgspec type (no JSON pass first).
        decoder=_raw_body,
        serializer=None,
        # Our own structured logs say what matters; FastStream's per-message lines cost CPU.
        logger=None,
        graceful_timeout=GRACE_SECONDS,
    )
    await stream.start()
    return Broker(stream=stream, js=stream.connection.jetstream(timeout=10))


async def _raw_body(message: StreamMessage[Any]) -> bytes:
    return message.body


async def ensure_resources(js: JetStreamContext) -> None:
    """Create or update every stream, object store and KV bucket; safe to run concurrently."""
    for spec in streams.ALL_STREAMS:
        await _ensure_stream(js, spec)
    for store in streams.ALL_OBJECT_STORES:
        await _ensure_object_store(js, store)
    for kv in streams.ALL_KEY_VALUES:
        await _ensure_key_value(js, kv)


async def _ensure_stream(js: JetStreamContext, spec: streams.StreamSpec) -> None:
    config = js_api.StreamConfig(
        name=spec.name,
        subjects=list(spec.subjects),
        retention=_RETENTION[spec.retention],
        storage=js_api.StorageType.FILE,
        duplicate_window=spec.duplicate_window_seconds,
        max_msg_size=spec.max_msg_size,
    )
    try:
        await js.stream_info(spec.name)
    except NotFoundError:
        try:
            await js.add_stream(config)
            return
        except Exception:  # another service created it meanwhile
            await asyncio.sleep(0.1)
    await js.update_stream(config)


async def _ensure_object_store(js: JetStreamContext, spec: streams.ObjectStoreSpec) -> None:
    try:
        await js.object_store(spec.bucket)
    except (BucketNotFoundError, NotFoundError):
        config = js_api.ObjectStoreConfig(bucket=spec.bucket, ttl=spec.ttl_seconds, storage=js_api.StorageType.FILE)
        try:
            await js.create_object_store(spec.bucket, config=config)
        except Exception:
            await js.object_store(spec.bucket)


async def _ensure_key_value(js: JetStreamContext, spec: streams.KeyValueSpec) -> None:
    try:
        await js.key_value(spec.bucket)
    except (BucketNotFoundError, NotFoundError):
        config = js_api.KeyValueConfig(bucket=spec.bucket, ttl=spec.ttl_seconds, history=spec.history)
        try:
            await js.create_key_value(config)
            return
        except Exception:
            await js.key_value(spec.bucket)
    await _apply_key_value_ttl(js, spec)


async def _apply_key_value_ttl(js: JetStreamContext, spec: streams.KeyValueSpec) -> None:
    """A bucket created before its TTL was declared keeps none: set it on its stream."""
    config = (await js.stream_info(f"KV_{spec.bucket}")).config
    max_age = spec.ttl_seconds or 0.0  # JetStream's 0 is "no limit"
    if (config.max_age or 0.0) != max_age:
        await js.update_stream(dataclasses.replace(config, max_age=max_age))


async def ensure_consumer(js: JetStreamContext, spec: streams.ConsumerSpec) -> None:
    """Create the durable consumer, or apply a changed declaration to the existing one."""
    filters = list(spec.filter_subjects)
    config = js_api.ConsumerConfig(
        durable_name=spec.durable,
        name=spec.durable,
        ack_policy=js_api.AckPolicy.EXPLICIT,
        deliver_policy=js_api.DeliverPolicy.ALL,
        ack_wait=spec.ack_wait_seconds,
        max_ack_pending=spec.max_ack_pending,
        max_deliver=spec.max_deliver,
        filter_subject=filters[0] if len(filters) == 1 else None,
        filter_subjects=filters if len(filters) > 1 else None,
    )
    await js.add_consumer(spec.stream, config=config)
