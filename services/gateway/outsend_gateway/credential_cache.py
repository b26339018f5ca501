"""Who a session cookie or an API key was found to be, remembered for under a second.

Resolving a credential is a round trip to the auth service and a Postgres read; a client
reading jobs in a loop would pay it on every request. The answer is kept for ``ttl`` seconds
(0.9 by default, ``OUTSEND_CREDENTIAL_CACHE_SECONDS``), and every replica drops everything it
remembers when auth announces ``CREDENTIALS_CHANGED`` (a logout, a revoked key, a changed
password or account status): a change is seen at once, and within ``ttl`` even if the notice
were lost. A lookup that started before a change is not stored once it answers (the
generation moved on), so it cannot put back what the change removed.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from nats.aio.msg import Msg

from outsend_contracts.auth import UserPublic

MAX_ENTRIES = 10_000


@dataclass
class CredentialCache:
    ttl: float = 0.9
    clock: Callable[[], float] = time.monotonic
    generation: int = 0
    """Moves on at every drop: a lookup stores its answer only under the generation it began in."""
    _entries: OrderedDict[str, tuple[float, UserPublic]] = field(default_factory=OrderedDict)

    def get(self, credential: str) -> UserPublic | None:
        found = self._entries.get(credential)
        if found is None:
            return None
        expires_at, user = found
        if self.clock() >= expires_at:
            del self._entries[credential]
            return None
        return user

    def put(self, credential: str, user: UserPublic, generation: int) -> None:
        if generation != self.generation or self.ttl <= 0:
            return
        self._entries[credential] = (self.clock() + self.ttl, user)
        self._entries.move_to_end(credential)
        if len(self._entries) > MAX_ENTRIES:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()

    async def on_changed(self, _: Msg) -> None:
        """The ``CREDENTIALS_CHANGED`` subscription's callback."""
        self.clear()
