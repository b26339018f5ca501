"""A Google Maps simulator: the real site's markup over a seeded synthetic France.

Run it on its own and point ``make run`` at it::

    .venv/bin/python -m tests.world.maps --port 8765 --seed 7
    OUTSEND_MAPS_BASE_URL=http://127.0.0.1:8765 make run
"""

from tests.world.maps.server import MapsServer

__all__ = ["MapsServer"]
