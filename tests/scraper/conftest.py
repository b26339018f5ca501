"""A private platform for the scraper tests that restart its processes or change its outbound path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import pytest

from outsend_deploy.local import LocalPlatform
from tests.support.platform import running_platform
from tests.world import World
from tests.world.maps import MapsServer
from tests.world.proxy import ProxyServer

PROXY_ACCOUNTS = {"alpha": "alpha-secret", "beta": "beta-secret"}


class PrivatePlatform(NamedTuple):
    platform: LocalPlatform
    maps: MapsServer
    proxy: ProxyServer


@pytest.fixture(scope="package")
def private_platform(world: World) -> Iterator[PrivatePlatform]:
    """A platform of its own, whose Google Maps answers each search in 0.2 s (so a scrape lasts long
    enough to be interrupted) and is reached through an outbound proxy pool of two accounts."""
    maps = MapsServer(latency=0.2)
    proxy = ProxyServer(PROXY_ACCOUNTS)
    settings = {**world.settings, **maps.start(), **proxy.start()}
    try:
        with running_platform(settings) as platform:
            yield PrivatePlatform(platform, maps, proxy)
    finally:
        proxy.stop()
        maps.stop()
