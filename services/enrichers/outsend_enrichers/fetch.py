"""The one way modules read the web.

Every request is checked against SSRF: the host is resolved first and refused if any address
is private, loopback, link-local, multicast or otherwise not global; the connection then goes
to the address that was checked (no second lookup an attacker could race), and each redirect
hop is checked again. ``OUTSEND_CONNECT_TO`` (curl's ``--connect-to`` syntax) sends named hosts
elsewhere — there, and only there, a private address is allowed — and ``OUTSEND_EXTRA_CA`` adds
a CA bundle to the trusted ones.
"""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from outsend_platform.settings import env_str

MAX_REDIRECTS = 5
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "Mozilla/5.0 (compatible; outsend/0.1; +https://outsend.xyz/bot)"


class FetchError(Exception):
    """A page that could not be read; ``str(error)`` is the row's ``fetch_error``."""


@dataclass(frozen=True)
class ConnectRule:
    """``HOST:PORT:ADDR:ADDRPORT``; HOST may be ``*`` or ``*.suffix``, PORT and ADDRPORT empty."""

    host: str
    port: int | None
    address: str
    address_port: int | None

    def matches(self, host: str, port: int) -> bool:
        host_ok = (
            self.host == "*"
            or host == self.host
            or (self.host.startswith("*.") and (host.endswith(self.host[1:]) or host == self.host[2:]))
        )
        return host_ok and (self.port is None or self.port == port)


def parse_connect_to(value: str) -> list[ConnectRule]:
    rules = []
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        host, port, rest = entry.split(":", 2)
        address, _, address_port = rest.rpartition(":")
        rules.append(
            ConnectRule(
                host=host.lower(),
                port=int(port) if port else None,
                address=address.strip("[]"),
                address_port=int(address_port) if address_port else None,
            )
        )
    return rules


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    content_type: str
    content: bytes
    encoding: str | None
    location: str | None = None

    @property
    def text(self) -> str:
        return self.content.decode(self.encoding or "utf-8", errors="replace")


def _ssl_context(extra_ca: str) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if extra_ca:
        context.load_verify_locations(cafile=extra_ca)
    return context


class Fetcher:
    def __init__(
        self,
        *,
        connect_to: list[ConnectRule] | None = None,
        extra_ca: str = "",
        timeout: float = 15.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self._rules = connect_to or []
        self._max_bytes = max_bytes
        self._client = httpx.AsyncClient(
            verify=_ssl_context(extra_ca),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"},
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )

    @classmethod
    def from_env(cls) -> Fetcher:
        return cls(connect_to=parse_connect_to(env_str("OUTSEND_CONNECT_TO")), extra_ca=env_str("OUTSEND_EXTRA_CA"))

    async def close(self) -> None:
        await self._client.aclose()

    async def get(self, url: str) -> Page:
        for _ in range(MAX_REDIRECTS + 1):
            page = await self._request(url)
            if 300 <= page.status < 400 and page.location:
                url = urljoin(url, page.location)
                continue
            return page
        raise FetchError("trop de redirections")

    async def _request(self, url: str) -> Page:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError("URL invalide")
        host = parts.hostname.lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address, address_port = await self._target(host, port)
        literal = f"[{address}]" if ":" in address else address
        target = parts._replace(netloc=f"{literal}:{address_port}").geturl()
        headers = {"Host": parts.netloc.rsplit("@", 1)[-1]}
        try:
            request = self._client.build_request("GET", target, headers=headers, extensions={"sni_hostname": host})
            response = await self._client.send(request, stream=True)
            try:
                content = await self._read_capped(response)
            finally:
                await response.aclose()
        except httpx.TimeoutException as error:
            raise FetchError("délai dépassé") from error
        except httpx.HTTPError as error:
            raise FetchError(f"connexion impossible ({type(error).__name__})") from error
        return Page(
            url=url,
            status=response.status_code,
            content_type=response.headers.get("content-type", ""),
            content=content,
            encoding=response.charset_encoding,
            location=response.headers.get("location"),
        )

    async def _read_capped(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self._max_bytes:
                raise FetchError("page trop volumineuse")
            chunks.append(chunk)
        return b"".join(chunks)

    async def _target(self, host: str, port: int) -> tuple[str, int]:
        for rule in self._rules:
            if rule.matches(host, port):
                return rule.address, rule.address_port or port
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=0, proto=6)
        except OSError as error:
            raise FetchError("nom de domaine introuvable") from error
        addresses = [info[4][0] for info in infos]
        if not addresses or any(not _is_public(address) for address in addresses):
            raise FetchError("adresse interdite (réseau privé)")
        return addresses[0], port


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
