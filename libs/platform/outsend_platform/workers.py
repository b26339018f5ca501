"""Which modules running workers serve: their heartbeats in the ``workers`` bucket, and the live set.

Each worker instance keeps one key per module it serves (``<slug>.<instance>``) and renews them
every :data:`~outsend_contracts.streams.WORKER_HEARTBEAT_SECONDS`; the bucket's TTL drops the keys
of a worker that died, and a worker that stops cleanly deletes its own. What is left is the set of
modules some worker serves now.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Sequence

from nats.js import JetStreamContext

from outsend_contracts import streams, subjects
from outsend_platform.logging import get_logger

log = get_logger(__name__)

BUCKET_STREAM = f"KV_{subjects.KV_WORKERS}"
KEY_PREFIX = f"$KV.{subjects.KV_WORKERS}."

SERVED_CACHE_SECONDS = 2.0
"""How long a read of the live set is reused: requests in a burst share one bucket listing."""


class ModuleAnnouncer:
    """One worker instance telling the platform which modules it serves, for as long as it runs."""

    def __init__(self, js: JetStreamContext, service: str, slugs: Sequence[str]) -> None:
        self._js = js
        self._service = service.encode()
        instance = f"{service}-{uuid.uuid4().hex[:12]}"
        self._keys = [subjects.worker_key(slug, instance) for slug in slugs]

    async def announce(self) -> None:
        kv = await self._js.key_value(subjects.KV_WORKERS)
        for key in self._keys:
            await kv.put(key, self._service)

    async def run(self, stop: asyncio.Event, every: float = streams.WORKER_HEARTBEAT_SECONDS) -> None:
        """Renew the keys until ``stop``, then withdraw them so the modules show unavailable at once."""
        while not stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
            if stop.is_set():
                break
            try:
                await self.announce()
            except Exception as error:  # the broker restarting: the next heartbeat renews them
                log.warning("workers.heartbeat_failed", error=repr(error))
        await self._withdraw()

    async def _withdraw(self) -> None:
        # A purge leaves no delete marker, so the bucket's subjects are exactly the live keys.
        try:
            for key in self._keys:
                await self._js.purge_stream(BUCKET_STREAM, subject=KEY_PREFIX + key)
        except Exception as error:  # the keys then expire with the bucket's TTL
            log.warning("workers.withdraw_failed", error=repr(error))


class ServedModules:
    """The modules some running worker serves, read from the ``workers`` bucket and briefly cached."""

    def __init__(self, js: JetStreamContext, cache_seconds: float = SERVED_CACHE_SECONDS) -> None:
        self._js = js
        self._cache_seconds = cache_seconds
        self._read_at = float("-inf")
        self._served: frozenset[str] = frozenset()
        self._lock = asyncio.Lock()

    async def current(self) -> frozenset[str]:
        async with self._lock:  # one listing for the requests that arrive while it runs
            if time.monotonic() - self._read_at >= self._cache_seconds:
                self._read_at = time.monotonic()  # a failed listing is not retried by every request either
                try:
                    self._served = await self._read()
                except Exception as error:  # the broker restarting: the last set read, until it is back
                    log.warning("workers.listing_failed", error=repr(error))
            return self._served

    async def _read(self) -> frozenset[str]:
        # The stream's own subject counts, not ``kv.keys()``: that watcher can report its end before
        # the first key arrives (a race in nats-py) and so answer "no worker" while every one is up.
        info = await self._js.stream_info(BUCKET_STREAM, subjects_filter=KEY_PREFIX + ">")
        keys = (subject.removeprefix(KEY_PREFIX) for subject in (info.state.subjects or {}))
        return frozenset(subjects.served_slug(key) for key in keys)
