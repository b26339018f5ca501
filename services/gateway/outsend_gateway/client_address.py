"""The client's address, for per-IP rate limits.

Behind a reverse proxy or an ingress, the direct peer is the proxy and the client's address is in
``X-Forwarded-For``. That header is believed only when the peer is one of our proxies
(``OUTSEND_TRUSTED_PROXIES``, CIDRs, empty by default); anyone else could write any address in
it. The list is read from the right, skipping our own proxies: the first address that is not
one of them is the client (entries further left were written by the client and prove nothing).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """``OUTSEND_TRUSTED_PROXIES`` entries: CIDRs or single addresses; a malformed one is an error."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())


def client_address(peer: str, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """The client's address given the direct peer and every ``X-Forwarded-For`` header received."""
    peer_address = _address(peer)
    if peer_address is None or not _is_trusted(peer_address, trusted):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    client = peer_address
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage where an address should be: the last address we could vouch for stands
        client = address
        if not _is_trusted(address, trusted):
            break
    return str(client)


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _is_trusted(address: Address, trusted: Sequence[Network]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in trusted if network.version == address.version)
