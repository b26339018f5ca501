"""A platform of its own for the veille tests: a Maps world they move week by week, and a clock
they move forward (``OUTSEND_CLOCK_OFFSET_FILE``) instead of waiting a week."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from outsend_deploy.local import LocalPlatform
from tests.support.platform import running_platform
from tests.world import World
from tests.world.maps import MapsServer

DAY = 86400.0


class VeillePlatform(NamedTuple):
    platform: LocalPlatform
    maps: MapsServer
    clock_file: Path

    def advance_clock(self, days: float) -> None:
        """Move the veille's clock ``days`` further (the offset accumulates)."""
        offset = float(self.clock_file.read_text() or 0) + days * DAY
        self.clock_file.write_text(f"{offset}")


@pytest.fixture(scope="package")
def veille_platform(world: World) -> Iterator[VeillePlatform]:
    maps = MapsServer(timeline=True)
    clock_file = Path(tempfile.mkstemp(prefix="outsend-clock-", dir="/tmp")[1])
    clock_file.write_text("0")
    settings = {
        **world.settings,
        **maps.start(),
        "OUTSEND_CLOCK_OFFSET_FILE": str(clock_file),
        "OUTSEND_VEILLE_TICK_SECONDS": "0.3",
    }
    try:
        with running_platform(settings) as platform:
            yield VeillePlatform(platform, maps, clock_file)
    finally:
        maps.stop()
        clock_file.unlink(missing_ok=True)
