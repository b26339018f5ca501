"""A plain httpx client whose sockets go through the SSRF guard, for API calls (JSON, streams).

:class:`~outsend_web.fetch.Fetcher` reads web pages (GET, redirects, politeness); API clients such
as the AI providers' need POST bodies and streamed answers, so they take this client instead: the
same :class:`~outsend_web.netguard.GuardedBackend`, ``OUTSEND_CONNECT_TO``, ``OUTSEND_EXTRA_CA``
and ``OUTSEND_DNS_SERVERS``, no redirects followed (an API that redirects is not followed blindly).
"""

from __future__ import annotations

import ssl

import httpcore
import httpx

from outsend_web.fetch import FetchSettings
from outsend_web.netguard import AddressGuard, GuardedBackend, make_resolver


class _Transport(httpx.AsyncHTTPTransport):
    def __init__(self, pool: httpcore.AsyncConnectionPool) -> None:
        self._pool = pool


def guarded_client(
    settings: FetchSettings, timeout: httpx.Timeout, *, allow_private: bool = False, max_connections: int = 64
) -> httpx.AsyncClient:
    context = ssl.create_default_context()
    if settings.extra_ca:
        context.load_verify_locations(cafile=settings.extra_ca)
    guard = AddressGuard(settings.connect_to, make_resolver(settings.dns_servers), allow_private=allow_private)
    pool = httpcore.AsyncConnectionPool(
        ssl_context=context,
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        keepalive_expiry=30.0,
        network_backend=GuardedBackend(guard),
    )
    return httpx.AsyncClient(transport=_Transport(pool), timeout=timeout, follow_redirects=False)
