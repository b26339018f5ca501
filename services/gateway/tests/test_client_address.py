"""Which address a request comes from, with and without trusted proxies (no I/O)."""

from __future__ import annotations

import pytest

from outsend_gateway.client_address import client_address, parse_networks

INGRESS = parse_networks(["10.0.0.0/8", "fd00::/8"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        # Nobody trusted (the default): the header is ignored, whatever it says.
        ("203.0.113.5", ["198.51.100.1"], (), "203.0.113.5"),
        ("127.0.0.1", ["198.51.100.1"], (), "127.0.0.1"),
        # A peer that is not one of our proxies cannot choose its address either.
        ("203.0.113.5", ["198.51.100.1"], INGRESS, "203.0.113.5"),
        # Behind our ingress: the last address it appended is the client.
        ("10.1.2.3", ["198.51.100.1"], INGRESS, "198.51.100.1"),
        ("10.1.2.3", [], INGRESS, "10.1.2.3"),
        # A client that writes its own X-Forwarded-For only adds entries on the left.
        ("10.1.2.3", ["6.6.6.6, 198.51.100.1"], INGRESS, "198.51.100.1"),
        ("10.1.2.3", ["6.6.6.6", "198.51.100.1"], INGRESS, "198.51.100.1"),
        # Several of our proxies in a row are skipped.
        ("10.1.2.3", ["198.51.100.1, 10.9.9.9, 10.8.8.8"], INGRESS, "198.51.100.1"),
        ("10.1.2.3", ["10.9.9.9, 10.8.8.8"], INGRESS, "10.9.9.9"),
        # Garbage stops the walk at the last address that could be vouched for.
        ("10.1.2.3", ["198.51.100.1, not-an-ip"], INGRESS, "10.1.2.3"),
        ("10.1.2.3", ["not-an-ip, 10.8.8.8"], INGRESS, "10.8.8.8"),
        # IPv6, and IPv4 peers seen as IPv4-mapped IPv6.
        ("fd00::1", ["2001:db8::7"], INGRESS, "2001:db8::7"),
        ("::ffff:10.1.2.3", ["198.51.100.1"], INGRESS, "198.51.100.1"),
        ("", ["198.51.100.1"], INGRESS, ""),
    ],
)
def test_client_address(peer: str, forwarded: list[str], trusted: tuple[object, ...], expected: str) -> None:
    assert client_address(peer, forwarded, trusted) == expected  # type: ignore[arg-type]


def test_trusted_proxies_are_cidrs_or_addresses() -> None:
    assert [str(network) for network in parse_networks([" 127.0.0.1 ", "10.0.0.0/8", "", "fd00::/8"])] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
        "fd00::/8",
    ]
    with pytest.raises(ValueError):
        parse_networks(["not-a-network"])
