"""What request handlers reach services through: the broker connection and small caches."""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from outsend_contracts import subjects
from outsend_contracts.jobs.commands import GetJob
from outsend_contracts.jobs.state import JobState
from outsend_contracts.resultfile import decode_csv, result_object
from outsend_gateway.credential_cache import CredentialCache
from outsend_gateway.settings import GatewaySettings
from outsend_platform import commands, rpc
from outsend_platform.broker import Broker
from outsend_platform.objects import ObjectStorage
from outsend_platform.workers import ServedModules

Result = TypeVar("Result")
RESULT_CACHE_SIZE = 8


@dataclass
class StreamSlots:
    """Event streams open per user: one user's tabs or scripts cannot hold every connection."""

    limit: int
    _open: Counter[int] = field(default_factory=Counter)

    def acquire(self, user_id: int) -> bool:
        if self._open[user_id] >= self.limit:
            return False
        self._open[user_id] += 1
        return True

    def release(self, user_id: int) -> None:
        self._open[user_id] -= 1
        if self._open[user_id] <= 0:
            del self._open[user_id]


@dataclass
class Gateway:
    broker: Broker
    settings: GatewaySettings
    objects: ObjectStorage = field(init=False)
    stream_slots: StreamSlots = field(init=False)
    credentials: CredentialCache = field(init=False)
    _served: ServedModules = field(init=False)
    _results: OrderedDict[str, tuple[list[str], list[dict[str, str]]]] = field(default_factory=OrderedDict)

    def __post_init__(self) -> None:
        self.objects = ObjectStorage(self.broker.js)
        self.stream_slots = StreamSlots(self.settings.max_streams_per_user)
        self.credentials = CredentialCache(ttl=self.settings.credential_cache_seconds)
        self._served = ServedModules(self.broker.js)

    async def call(self, subject: str, request: Any, result_type: type[Result], timeout: float = 10.0) -> Result:
        try:
            return await rpc.call(self.broker, subject, request, result_type, timeout=timeout)
        finally:
            if subject in subjects.CREDENTIAL_CHANGES:  # this replica at once, not after auth's notice
                self.credentials.clear()

    async def command(
        self, subject: str, command: Any, msg_id: str, result_type: type[Result], timeout: float = 15.0
    ) -> Result:
        return await commands.send(
            self.broker, subject, command, msg_id=msg_id, result_type=result_type, timeout=timeout
        )

    async def job(self, job_id: str, user_id: int) -> JobState:
        return await self.call(subjects.JOBS_GET, GetJob(job_id=job_id, user_id=user_id), JobState)

    async def served_modules(self) -> frozenset[str]:
        """The modules some running worker serves now: what is available to launch."""
        return await self._served.current()

    async def result_rows(self, job_id: str) -> tuple[list[str], list[dict[str, str]]] | None:
        """A job's result as columns and rows; the last few are kept for paging through items."""
        if job_id in self._results:
            self._results.move_to_end(job_id)
            return self._results[job_id]
        data = await self.objects.get(subjects.OBJ_RESULTS, result_object(job_id))
        if data is None:
            return None
        parsed = decode_csv(data)
        self._results[job_id] = parsed
        if len(self._results) > RESULT_CACHE_SIZE:
            self._results.popitem(last=False)
        return parsed

    def forget_result(self, job_id: str) -> None:
        self._results.pop(job_id, None)
