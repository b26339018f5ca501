"""The one way modules read the web.

One :class:`Fetcher` per worker process: httpx (HTTP/1.1, HTTP/2 on demand) with pooled
connections, a cap on requests in flight, a per-host cap and a pause between two requests to
the same host, connect / read / total timeouts, a size cap, redirects followed
by hand (each hop checked again), retries with backoff on what is worth retrying, and the
:class:`~outsend_web.proxies.ProxyPool` for the modules of the proxy lane. Every socket is opened through
:class:`~outsend_web.netguard.GuardedBackend`: no request reaches a private address
unless ``OUTSEND_CONNECT_TO`` names its host.

Settings (environment): ``OUTSEND_CONNECT_TO``, ``OUTSEND_EXTRA_CA`` (a PEM bundle trusted
besides the system CAs), ``OUTSEND_DNS_SERVERS``, ``OUTSEND_PROXY_URLS`` and ``OUTSEND_PROXY_COOLDOWN`` (see
:mod:`outsend_web.proxies`), ``OUTSEND_FETCH_*`` (see :class:`FetchSettings`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import ssl
import time
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import cached_property
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from outsend_contracts import errors
from outsend_platform.logging import get_logger
from outsend_platform.settings import env_float, env_list, env_str
from outsend_web.charset import decode_html
from outsend_web.netguard import (
    AddressGuard,
    ConnectRule,
    FetchError,
    GuardedBackend,
    make_resolver,
    parse_connect_to,
)
from outsend_web.proxies import ProxyPool

__all__ = ["ConnectRule", "FetchError", "FetchSettings", "Fetcher", "Page", "parse_connect_to"]

log = get_logger(__name__)
for _chatty in ("httpx", "httpcore", "hpack"):  # one line per request would drown the service's log
    logging.getLogger(_chatty).setLevel(logging.WARNING)

USER_AGENT = "Mozilla/5.0 (compatible; outsend/0.1; +https://outsend.xyz/bot)"
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_RETRY_AFTER = 5.0
POOL_SHARDS = 8
"""Direct connections live in several pools, by host: httpcore scans a whole pool on every
request, so eight small pools cost far less than one large one."""
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class FetchSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 25.0
    """For one URL, redirects and retries included."""
    max_bytes: int = 2 * 1024 * 1024
    """Bytes read from one response; the rest of a larger page is dropped (``Page.truncated``)."""
    max_redirects: int = 5
    retries: int = 2
    backoff: float = 0.4
    max_in_flight: int = 128
    per_host: int = 2
    host_interval: float = 0.1
    """Seconds between the starts of two requests to the same host (politeness)."""
    http2: bool = True
    """HTTP/2 where the server offers it in TLS (ALPN); ``OUTSEND_FETCH_HTTP2=0`` keeps to HTTP/1.1."""
    connect_to: tuple[ConnectRule, ...] = ()
    extra_ca: str = ""
    dns_servers: tuple[str, ...] = ()

    @classmethod
    def from_env(cls) -> FetchSettings:
        default = cls()
        return cls(
            connect_timeout=env_float("OUTSEND_FETCH_CONNECT_TIMEOUT", default.connect_timeout),
            read_timeout=env_float("OUTSEND_FETCH_READ_TIMEOUT", default.read_timeout),
            total_timeout=env_float("OUTSEND_FETCH_TOTAL_TIMEOUT", default.total_timeout),
            max_bytes=int(env_float("OUTSEND_FETCH_MAX_BYTES", default.max_bytes)),
            retries=int(env_float("OUTSEND_FETCH_RETRIES", default.retries)),
            max_in_flight=int(env_float("OUTSEND_FETCH_MAX_IN_FLIGHT", default.max_in_flight)),
            per_host=int(env_float("OUTSEND_FETCH_PER_HOST", default.per_host)),
            host_interval=env_float("OUTSEND_FETCH_HOST_INTERVAL", default.host_interval),
            http2=env_str("OUTSEND_FETCH_HTTP2", "1") not in ("0", "false", "no"),
            connect_to=tuple(parse_connect_to(env_str("OUTSEND_CONNECT_TO"))),
            extra_ca=env_str("OUTSEND_EXTRA_CA"),
            dns_servers=tuple(env_list("OUTSEND_DNS_SERVERS")),
        )


@dataclass(frozen=True)
class Page:
    url: str
    """Where the page was finally read, after redirects."""
    status: int
    content_type: str
    content: bytes
    charset: str | None = None
    truncated: bool = False

    @cached_property
    def text(self) -> str:
        return decode_html(self.content, self.charset)

    @property
    def is_html(self) -> bool:
        kind = self.content_type.split(";", 1)[0].strip().lower()
        return kind in HTML_TYPES or (not kind and self.content.lstrip()[:1] == b"<")

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class _RetryableError(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


@dataclass
class _HostState:
    slots: asyncio.Semaphore
    next_start: float = 0.0
    last_used: float = field(default_factory=time.monotonic)


class HostGate:
    """At most ``per_host`` requests to one host at a time, started ``interval`` seconds apart."""

    def __init__(self, per_host: int, interval: float) -> None:
        self._per_host = per_host
        self._interval = interval
        self._hosts: dict[str, _HostState] = {}

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        state = self._hosts.get(host)
        if state is None:
            self._prune()
            state = self._hosts[host] = _HostState(asyncio.Semaphore(self._per_host))
        async with state.slots:
            now = time.monotonic()
            start = max(now, state.next_start)
            state.next_start = start + self._interval
            if start > now:
                await asyncio.sleep(start - now)
            try:
                yield
            finally:
                state.last_used = time.monotonic()

    def back_off(self, host: str, seconds: float) -> None:
        """The host asked us to slow down (429 / ``Retry-After``)."""
        if state := self._hosts.get(host):
            state.next_start = max(state.next_start, time.monotonic() + seconds)

    def _prune(self) -> None:
        if len(self._hosts) < 2048:
            return
        idle = time.monotonic() - 60
        for host in [h for h, s in self._hosts.items() if s.last_used < idle and not s.slots.locked()]:
            del self._hosts[host]


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport on an httpcore pool whose sockets are opened by the guarded backend."""

    def __init__(self, pool: httpcore.AsyncConnectionPool | httpcore.AsyncHTTPProxy) -> None:
        self._pool = pool


class Fetcher:
    def __init__(self, settings: FetchSettings | None = None, proxies: ProxyPool | None = None) -> None:
        self.settings = settings = settings or FetchSettings()
        self._proxies = proxies = proxies or ProxyPool()
        self._guard = AddressGuard(settings.connect_to, make_resolver(settings.dns_servers))
        self._ssl = ssl.create_default_context()
        if settings.extra_ca:
            self._ssl.load_verify_locations(cafile=settings.extra_ca)
        urls = {url: httpx.URL(url) for url in proxies.urls}
        trusted = [(proxy.host, proxy.port or _default_port(proxy.scheme)) for proxy in urls.values()]
        backend = GuardedBackend(self._guard, trusted=trusted)
        self._direct = [self._client(self._pool(backend)) for _ in range(POOL_SHARDS)]
        self._proxied = {url: self._client(self._proxy_pool(backend, proxy)) for url, proxy in urls.items()}
        self._in_flight = asyncio.Semaphore(settings.max_in_flight)
        self._hosts = HostGate(settings.per_host, settings.host_interval)

    @classmethod
    def from_env(cls) -> Fetcher:
        return cls(FetchSettings.from_env(), ProxyPool.from_env())

    def _pool(self, backend: GuardedBackend) -> httpcore.AsyncConnectionPool:
        return httpcore.AsyncConnectionPool(
            ssl_context=self._ssl,
            max_connections=max(8, self.settings.max_in_flight * 2 // POOL_SHARDS),
            # As many kept alive as open: httpcore closes "surplus idle" connections counting every
            # connection, and a just-negotiated HTTP/2 one counts as idle until its first request is
            # on it, so a smaller number closes it under that request ("SEND_SETTINGS in state CLOSED").
            max_keepalive_connections=max(8, self.settings.max_in_flight * 2 // POOL_SHARDS),
            keepalive_expiry=5.0,  # a site's pages are read within seconds; then its connection only costs
            http1=True,
            http2=self.settings.http2,
            network_backend=backend,
        )

    def _proxy_pool(self, backend: GuardedBackend, proxy: httpx.URL) -> httpcore.AsyncHTTPProxy:
        auth = (proxy.username.encode(), proxy.password.encode()) if proxy.username else None
        return httpcore.AsyncHTTPProxy(
            proxy_url=httpcore.URL(scheme=proxy.raw_scheme, host=proxy.raw_host, port=proxy.port, target=b"/"),
            proxy_auth=auth,
            ssl_context=self._ssl,
            max_connections=self.settings.max_in_flight,
            http2=self.settings.http2,
            network_backend=backend,
        )

    def _client(self, pool: httpcore.AsyncConnectionPool | httpcore.AsyncHTTPProxy) -> httpx.AsyncClient:
        timeout = httpx.Timeout(self.settings.read_timeout, connect=self.settings.connect_timeout, pool=None)
        return httpx.AsyncClient(
            transport=_GuardedTransport(pool),
            timeout=timeout,
            follow_redirects=False,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5",
            },
        )

    async def close(self) -> None:
        for client in (*self._direct, *self._proxied.values()):
            await client.aclose()

    # --- reading a URL ---------------------------------------------------------------------------
    async def get(self, url: str, *, proxied: bool = False) -> Page:
        """The page at ``url`` after redirects, whatever its status; :class:`FetchError` if unreadable."""
        try:
            async with asyncio.timeout(self.settings.total_timeout):
                return await self._follow(url, proxied)
        except TimeoutError as error:
            raise FetchError(errors.FETCH_TIMEOUT) from error

    async def _follow(self, url: str, proxied: bool) -> Page:
        for _ in range(self.settings.max_redirects + 1):
            page, location = await self._with_retries(url, proxied)
            if location is None:
                return page
            url = _joined(url, location)
        raise FetchError(errors.FETCH_TOO_MANY_REDIRECTS)

    async def _with_retries(self, url: str, proxied: bool) -> tuple[Page, str | None]:
        for attempt in range(self.settings.retries + 1):
            try:
                return await self._once(url, proxied, last=attempt == self.settings.retries)
            except _RetryableError as retry:
                wait = retry.wait if retry.wait is not None else self.settings.backoff * 2**attempt
                await asyncio.sleep(wait * random.uniform(0.8, 1.2))
        raise AssertionError("the last attempt never asks for a retry")

    async def _once(self, url: str, proxied: bool, *, last: bool) -> tuple[Page, str | None]:
        host, port = _host_and_port(url)
        client, proxy = await self._route(host, port, proxied)
        async with self._hosts.slot(host), self._in_flight:
            try:
                async with client.stream("GET", url) as response:
                    content, truncated = await self._read_capped(response)
            except FetchError:
                raise
            except httpx.TimeoutException as error:
                if isinstance(error, httpx.ConnectTimeout) and not last:
                    raise _RetryableError("connect timeout") from error
                raise FetchError(errors.FETCH_TIMEOUT) from error
            except (httpx.ProxyError, httpcore.ProxyError) as error:  # the proxy could not reach the site
                raise FetchError(errors.FETCH_CONNECT) from error
            except httpx.ConnectError as error:
                if _is_tls_failure(error):
                    raise FetchError(errors.FETCH_TLS) from error
                self._proxies.failed(proxy)  # the retry takes another proxy
                if not last:
                    raise _RetryableError("connect") from error
                raise FetchError(errors.FETCH_CONNECT) from error
            except (httpx.HTTPError, zlib.error, ValueError) as error:
                if not last and isinstance(error, httpx.RemoteProtocolError | httpx.ReadError):
                    raise _RetryableError("protocol") from error
                raise FetchError(errors.FETCH_CONNECT) from error
            except Exception as error:  # a protocol library's own error (h2 …): the connection is unusable
                log.info("fetch.unexpected_error", host=host, error=repr(error))
                if not last:
                    raise _RetryableError("unexpected") from error
                raise FetchError(errors.FETCH_CONNECT) from error
        if response.status_code in RETRY_STATUSES and not last:
            wait = _retry_after(response.headers.get("retry-after"))
            if response.status_code == 429:
                self._hosts.back_off(host, wait or self.settings.backoff)
            raise _RetryableError(f"HTTP {response.status_code}", wait)
        page = Page(
            url=url,
            status=response.status_code,
            content_type=response.headers.get("content-type", ""),
            content=content,
            charset=response.charset_encoding,
            truncated=truncated,
        )
        location = response.headers.get("location") if response.is_redirect else None
        return page, location

    async def _route(self, host: str, port: int, proxied: bool) -> tuple[httpx.AsyncClient, str | None]:
        """The client a request goes through (and its proxy): the host's proxy for proxy-lane work, else direct."""
        proxy = self._proxies.pick(host) if proxied else None
        if proxy is None:
            return self._direct[zlib.crc32(host.encode()) % POOL_SHARDS], None
        await self._guard.target(host, port)  # the proxy resolves; refuse what we would refuse
        if self._proxies.resting(proxy):
            raise FetchError(errors.FETCH_PROXY)
        return self._proxied[proxy], proxy

    async def _read_capped(self, response: httpx.Response) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= self.settings.max_bytes:
                return b"".join(chunks)[: self.settings.max_bytes], True
        return b"".join(chunks), False


def _host_and_port(url: str) -> tuple[str, int]:
    """Where ``url`` points; :class:`FetchError` for what is no web address (a port out of range or
    not a number, a broken IPv6 literal): one bad link is that page's problem, not the job's."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchError(errors.FETCH_INVALID_URL) from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(errors.FETCH_INVALID_URL)
    return parts.hostname.lower(), port or _default_port(parts.scheme)


def _joined(url: str, location: str) -> str:
    try:
        return urljoin(url, location)
    except ValueError as error:  # a redirect to a broken address
        raise FetchError(errors.FETCH_INVALID_URL) from error


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _is_tls_failure(error: Exception) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return max(0.0, min(seconds, MAX_RETRY_AFTER))
