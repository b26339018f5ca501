"""What the website-enricher tests share: the web of the test world and its truth."""

from __future__ import annotations

import pytest

from tests.world import World
from tests.world.web import WebWorld


@pytest.fixture(scope="session")
def web(world: World) -> WebWorld:
    return next(server for server in world.servers if isinstance(server, WebWorld))
