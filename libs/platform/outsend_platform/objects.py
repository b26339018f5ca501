"""Files in the JetStream object store: job inputs and result CSVs."""

from __future__ import annotations

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError, ObjectNotFoundError


class ObjectStorage:
    def __init__(self, js: JetStreamContext) -> None:
        self._js = js

    async def put(self, bucket: str, name: str, data: bytes) -> None:
        store = await self._js.object_store(bucket)
        await store.put(name, data)

    async def get(self, bucket: str, name: str) -> bytes | None:
        store = await self._js.object_store(bucket)
        try:
            result = await store.get(name)
        except (ObjectNotFoundError, NotFoundError):
            return None
        return result.data

    async def delete(self, bucket: str, name: str) -> None:
        store = await self._js.object_store(bucket)
        try:
            await store.delete(name)
        except (ObjectNotFoundError, NotFoundError):
            pass

    async def sizes(self, bucket: str) -> dict[str, int]:
        """Bytes of every object in the bucket, by name."""
        store = await self._js.object_store(bucket)
        try:
            return {info.name: info.size or 0 for info in await store.list() if not info.deleted}
        except NotFoundError:
            return {}

    async def names(self, bucket: str) -> list[str]:
        store = await self._js.object_store(bucket)
        try:
            return [info.name for info in await store.list() if not info.deleted]
        except NotFoundError:
            return []
