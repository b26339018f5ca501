"""How Google Maps answers a search at a viewport: ranking, the ~120 cap, the widening radius.

- The viewport is the square a map tile of the requested zoom covers, centred on ``@lat,lon``.
- Results are ranked by distance weighed by prominence (well-reviewed places rank further out),
  so a saturated answer is a fuzzy disc, not the exact nearest places.
- At most :data:`RESULT_CAP` results ("Vous êtes arrivé à la fin de la liste.").
- When the viewport holds fewer than that, the radius widens (×2, ×4, ×8, at most
  :data:`WIDEST_KM`) until it does: in sparse areas a zoomed-in search returns the same
  far-away places again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tests.world.maps.places import Category, Place, PlaceWorld

RESULT_CAP = 120
PAGE_SIZE = 20
WIDENINGS = (1, 2, 4, 8)
WIDEST_KM = 6.0
PROMINENCE_WEIGHT = 1.0


@dataclass(frozen=True)
class Viewport:
    lat: float
    lon: float
    zoom: float

    @property
    def half_width_km(self) -> float:
        return 40_075.0 * math.cos(math.radians(self.lat)) / 2**self.zoom / 2

    @property
    def radius_km(self) -> float:
        """The disc around the viewport (its half-diagonal)."""
        return self.half_width_km * math.sqrt(2)


def search(world: PlaceWorld, category: Category, viewport: Viewport) -> list[Place]:
    """The full ranked answer (every page) of a search."""
    candidates: list[tuple[float, Place]] = []
    for widening in WIDENINGS:
        radius = max(viewport.radius_km, min(viewport.radius_km * widening, WIDEST_KM))
        candidates = list(world.places_near(category, viewport.lat, viewport.lon, radius))
        if len(candidates) >= RESULT_CAP:
            break
    scale = viewport.half_width_km
    ranked = sorted(
        candidates,
        key=lambda pair: (pair[0] / scale) * math.exp(-PROMINENCE_WEIGHT * pair[1].prominence),
    )
    return [place for _, place in ranked[:RESULT_CAP]]
