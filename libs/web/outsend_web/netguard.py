"""Where an outbound connection may go: the SSRF guard, ``OUTSEND_CONNECT_TO`` and the resolver.

Users hand us URLs, so every connection is checked *after* resolution: a host whose answer holds
a private, loopback, link-local, multicast or otherwise non-global address is refused — whether
it was named directly, reached through a redirect or resolved by a DNS server that points it at
``127.0.0.1``. The check happens in the network backend, on the address the socket then connects
to, so there is no second lookup an attacker could race (DNS rebinding).

``OUTSEND_CONNECT_TO`` sends named hosts elsewhere, in curl's ``--connect-to`` syntax
(``HOST:PORT:ADDR:ADDRPORT``, ``HOST`` may be ``*`` or ``*.suffix``; the most specific entry
wins); those hosts, and only those, may reach private addresses. ``OUTSEND_DNS_SERVERS``
(``ADDR[:PORT]``, comma-separated) makes lookups go to those servers instead of the system's.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import dns.asyncresolver
import dns.exception
import dns.resolver
import httpcore

from outsend_contracts import errors

DNS_CACHE_SECONDS = 60.0


class FetchError(Exception):
    """A page that could not be read; ``str(error)`` is the row's ``fetch_error`` (French)."""


@dataclass(frozen=True)
class ConnectRule:
    """``HOST:PORT:ADDR:ADDRPORT``; HOST may be ``*`` or ``*.suffix``, PORT and ADDRPORT empty."""

    host: str
    port: int | None
    address: str
    address_port: int | None

    def matches(self, host: str, port: int) -> bool:
        if self.port is not None and self.port != port:
            return False
        if self.host == "*" or host == self.host:
            return True
        return self.host.startswith("*.") and (host.endswith(self.host[1:]) or host == self.host[2:])

    @property
    def specificity(self) -> tuple[int, int, int]:
        """Exact names beat wildcards, longer suffixes beat shorter ones, a port beats none."""
        exact = not self.host.startswith("*")
        return (int(exact), len(self.host), int(self.port is not None))


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
    return sorted(rules, key=lambda rule: rule.specificity, reverse=True)


NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
"""RFC 6052: the last 32 bits are the IPv4 address a NAT64 gateway forwards to."""
REFUSED_IPV6 = (
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible (deprecated, RFC 4291)
    ipaddress.IPv6Network("::ffff:0:0:0/96"),  # IPv4-translated (SIIT, RFC 2765)
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # local-use NAT64 (RFC 8215): translated by the site itself
    ipaddress.IPv6Network("2001::/32"),  # Teredo: a tunnel to an IPv4 host we cannot judge
)
"""Ranges that only carry an IPv4 address in a form no public site needs: refused whatever it is."""


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a connection to ``ip`` really reaches: IPv4-mapped, NAT64 or 6to4."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip in NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def is_public(address: str) -> bool:
    """Whether an address is on the public internet.

    An IPv6 address that embeds an IPv4 one is judged as that IPv4 address (``::ffff:127.0.0.1``,
    ``64:ff9b::7f00:1`` and ``2002:7f00:1::`` all reach loopback); the :data:`REFUSED_IPV6` ranges
    are never public.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in network for network in REFUSED_IPV6):
            return False
        ip = embedded_ipv4(ip) or ip
    return ip.is_global and not ip.is_multicast


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


class Resolver(Protocol):
    async def addresses(self, host: str, port: int) -> list[str]:
        """Every address the host resolves to; :class:`FetchError` when it does not exist."""


class SystemResolver:
    async def addresses(self, host: str, port: int) -> list[str]:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, proto=6)
        except OSError as error:
            raise FetchError(errors.FETCH_DNS) from error
        return [str(info[4][0]) for info in infos]


class DnsResolver:
    """Lookups (A and AAAA) sent to given servers, answers kept for a minute."""

    def __init__(self, servers: Sequence[str]) -> None:
        self._resolver = dns.asyncresolver.Resolver(configure=False)
        self._resolver.nameservers = []
        for server in servers:
            address, _, port = server.rpartition(":") if server.count(":") == 1 else (server, "", "")
            self._resolver.nameservers.append(address)
            if port:
                self._resolver.port = int(port)
        self._resolver.lifetime = 5.0
        self._cache: dict[str, tuple[float, list[str]]] = {}

    async def addresses(self, host: str, port: int) -> list[str]:
        cached = self._cache.get(host)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        found: list[str] = []
        for kind in ("A", "AAAA"):
            try:
                answer = await self._resolver.resolve(host, kind)
            except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.NoNameservers):
                continue
            except dns.exception.Timeout as error:
                raise FetchError(errors.FETCH_DNS) from error
            found += [record.to_text() for record in answer]
        if not found:
            raise FetchError(errors.FETCH_DNS)
        self._cache[host] = (time.monotonic() + DNS_CACHE_SECONDS, found)
        return found


def make_resolver(servers: Sequence[str]) -> Resolver:
    return DnsResolver(servers) if servers else SystemResolver()


class AddressGuard:
    """Decides the address a connection to ``host:port`` goes to, or refuses it.

    ``allow_private`` lets any address through: for the operator who points the AI features at a
    model on their own network (``OUTSEND_AI_ALLOW_PRIVATE_ENDPOINTS``), never for user URLs.
    """

    def __init__(self, rules: Iterable[ConnectRule], resolver: Resolver, *, allow_private: bool = False) -> None:
        self._rules = sorted(rules, key=lambda rule: rule.specificity, reverse=True)
        self._resolver = resolver
        self._allow_private = allow_private

    async def target(self, host: str, port: int) -> tuple[str, int]:
        host = host.lower().rstrip(".")
        for rule in self._rules:
            if rule.matches(host, port):
                return rule.address, rule.address_port or port
        loopback_name = host == "localhost" or host.endswith(".localhost")  # always loopback (RFC 6761)
        if loopback_name and not self._allow_private:
            raise FetchError(errors.FETCH_PRIVATE_ADDRESS)
        literal = _literal(host) or ("127.0.0.1" if loopback_name else None)
        addresses = [literal] if literal else await self._resolver.addresses(host, port)
        if not addresses or not (self._allow_private or all(is_public(address) for address in addresses)):
            raise FetchError(errors.FETCH_PRIVATE_ADDRESS)
        return addresses[0], port


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """The network backend every outbound socket is opened by: it asks the guard where to go.

    ``trusted`` endpoints (the operator's proxies) are connected to as configured.
    """

    def __init__(self, guard: AddressGuard, trusted: Iterable[tuple[str, int]] = ()) -> None:
        self._guard = guard
        self._trusted = {(host.lower(), port) for host, port in trusted}
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if (host.lower(), port) not in self._trusted:
            host, port = await self._guard.target(host, port)
        return await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise FetchError(errors.FETCH_INVALID_URL)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
