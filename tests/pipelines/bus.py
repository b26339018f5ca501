"""What tests read on the broker directly: announced workers, a pipeline's events, stored inputs."""

from __future__ import annotations

import asyncio

import nats

from outsend_contracts import subjects
from outsend_deploy.local import LocalPlatform
from outsend_platform.eventstore import EventStore
from outsend_platform.objects import ObjectStorage
from outsend_platform.workers import BUCKET_STREAM, KEY_PREFIX, ServedModules


def _nats_url(platform: LocalPlatform) -> str:
    return platform.connection_env()["OUTSEND_NATS_URL"]


def announced_modules(platform: LocalPlatform) -> set[str]:
    """Modules some worker runs now (the slugs of the keys in the ``workers`` key/value bucket)."""

    async def read() -> set[str]:
        nc = await nats.connect(_nats_url(platform))
        try:
            return set(await ServedModules(nc.jetstream()).current())
        finally:
            await nc.close()

    return asyncio.run(read())


def serving_services(platform: LocalPlatform) -> dict[str, set[str]]:
    """For each module a worker runs now, the services whose instances announce it."""

    async def read() -> dict[str, set[str]]:
        nc = await nats.connect(_nats_url(platform))
        try:
            js = nc.jetstream()
            info = await js.stream_info(BUCKET_STREAM, subjects_filter=KEY_PREFIX + ">")
            kv = await js.key_value(subjects.KV_WORKERS)
            services: dict[str, set[str]] = {}
            for subject in info.state.subjects or {}:
                key = subject.removeprefix(KEY_PREFIX)
                value = (await kv.get(key)).value or b""
                services.setdefault(subjects.served_slug(key), set()).add(value.decode())
            return services
        finally:
            await nc.close()

    return asyncio.run(read())


def pipeline_event_names(platform: LocalPlatform, pipeline_id: str) -> list[str]:
    """The names of a pipeline's events in stream EVENTS, in order."""

    async def read() -> list[str]:
        nc = await nats.connect(_nats_url(platform))
        try:
            store = EventStore(nc.jetstream())
            return [
                subjects.event_name_from_subject(subject)
                async for _, subject, _ in store.read(subjects.pipeline_events(pipeline_id))
            ]
        finally:
            await nc.close()

    return asyncio.run(read())


def stored_inputs(platform: LocalPlatform) -> list[str]:
    """Names of the objects in the ``job-inputs`` bucket."""

    async def names() -> list[str]:
        nc = await nats.connect(_nats_url(platform))
        try:
            return await ObjectStorage(nc.jetstream()).names(subjects.OBJ_INPUTS)
        finally:
            await nc.close()

    return asyncio.run(names())
