"""The SSRF guard's judgement of an address: IPv6 forms that carry an IPv4 address included."""

from __future__ import annotations

import pytest

from outsend_web.netguard import is_public


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "169.254.169.254",
        "::1",
        "fe80::1%eth0",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "64:ff9b::7f00:1",  # NAT64 well-known prefix → 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # → 169.254.169.254
        "2002:7f00:1::1",  # 6to4 → 127.0.0.1
        "2002:c0a8:101::",  # → 192.168.1.1
        "::127.0.0.1",  # IPv4-compatible, refused whatever it carries
        "::8.8.8.8",
        "::ffff:0:8.8.8.8",  # IPv4-translated
        "64:ff9b:1::808:808",  # local-use NAT64
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "ff02::1",
    ],
)
def test_private_and_tunnelled_addresses_are_not_public(address: str) -> None:
    assert not is_public(address)


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "2a00:1450:4007:80e::200e", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"],
)
def test_public_addresses_stay_public_in_every_form(address: str) -> None:
    assert is_public(address)
