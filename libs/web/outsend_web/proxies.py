"""The outbound proxy pool (``OUTSEND_PROXY_URLS``), one rule for every worker that goes out.

The scraper's browser takes its proxies in turn; the fetcher keeps one proxy per host (a site
always sees the same exit) and falls back to the next one while that proxy rests. A proxy that
failed rests for ``OUTSEND_PROXY_COOLDOWN`` seconds (default 60) while the others serve.
"""

from __future__ import annotations

import itertools
import time
import zlib
from collections.abc import Iterator

from outsend_platform.settings import env_float, env_list

DEFAULT_COOLDOWN = 60.0


class ProxyPool:
    """``http://user:pass@host:port`` proxies, each resting ``cooldown`` seconds after a failure."""

    def __init__(self, urls: tuple[str, ...] = (), cooldown: float = DEFAULT_COOLDOWN) -> None:
        self.urls = urls
        self.cooldown = cooldown
        self._cycle = itertools.cycle(urls)
        self._resting_until: dict[str, float] = {}

    @classmethod
    def from_env(cls) -> ProxyPool:
        return cls(tuple(env_list("OUTSEND_PROXY_URLS")), env_float("OUTSEND_PROXY_COOLDOWN", DEFAULT_COOLDOWN))

    def pick(self, key: str | None = None) -> str | None:
        """A proxy not resting: the next in turn, or with ``key`` (a host) the one that key keeps.

        Every proxy resting: the one back soonest (:meth:`resting` tells). No proxies: ``None``.
        """
        if not self.urls:
            return None
        for url in self._candidates(key):
            if not self.resting(url):
                return url
        return min(self.urls, key=lambda url: self._resting_until.get(url, 0.0))

    def resting(self, url: str) -> bool:
        return self._resting_until.get(url, 0.0) > time.monotonic()

    def failed(self, url: str | None) -> None:
        if url is not None:
            self._resting_until[url] = time.monotonic() + self.cooldown

    def _candidates(self, key: str | None) -> Iterator[str]:
        if key is None:  # lazily: the turn moves on only past the proxies looked at
            return (next(self._cycle) for _ in self.urls)
        # crc32, not hash(): the same host keeps the same exit across restarts too.
        start = zlib.crc32(key.encode()) % len(self.urls)
        return iter((*self.urls[start:], *self.urls[:start]))
