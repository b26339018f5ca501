"""How Google Maps answers a search at a viewport: ranking, the ~120 cap, the widening radius.

- The viewport is the square a map tile of the requested zoom covers, centred on ``@lat,lon``.
- Every place gets a score: its prominence, minus :data:`DISTANCE_PENALTY` per viewport
  half-width it lies outside the viewport. The answer is the :data:`RESULT_CAP` best scores
  ("Vous êtes arrivé à la fin de la liste."). Google biases to the viewport but mixes in
  prominent places around it: in a dense area a search lists the viewport's most prominent
  places plus the well-known ones of the neighbourhood — neighbouring searches share many of
  them, and the viewport's obscure places fall under the cap.
- The search area widens (doubling, up to :data:`WIDEST_KM`) until nothing further out could
  outrank the answer: in sparse areas a zoomed-in search returns the same far-away places.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tests.world.maps.places import KM_PER_DEGREE, Category, Place, PlaceWorld

RESULT_CAP = 120
PAGE_SIZE = 20
DISTANCE_PENALTY = 0.3
"""Score lost per viewport half-width outside the viewport (prominence is 0..1)."""
WIDEST_KM = 40.0
WINDOW_PX = (1024, 768)


@dataclass(frozen=True)
class Viewport:
    """The browser window (:data:`WINDOW_PX`) at ``@lat,lon,<zoom>z``: 4 × 3 map tiles of 256 px."""

    lat: float
    lon: float
    zoom: float

    @property
    def km_per_px(self) -> float:
        return 40_075.0 * math.cos(math.radians(self.lat)) / (256 * 2**self.zoom)

    @property
    def half_width_km(self) -> float:
        return WINDOW_PX[0] / 2 * self.km_per_px

    @property
    def half_height_km(self) -> float:
        return WINDOW_PX[1] / 2 * self.km_per_px

    @property
    def radius_km(self) -> float:
        """The disc around the window (its half-diagonal)."""
        return math.hypot(self.half_width_km, self.half_height_km)

    def outside_km(self, place: Place) -> float:
        """How far a place lies outside the window (0 inside it)."""
        dy = abs(place.lat - self.lat) * KM_PER_DEGREE
        dx = abs(place.lon - self.lon) * KM_PER_DEGREE * math.cos(math.radians(self.lat))
        return math.hypot(max(0.0, dx - self.half_width_km), max(0.0, dy - self.half_height_km))


def search(world: PlaceWorld, category: Category, viewport: Viewport) -> list[Place]:
    """The full ranked answer (every page) of a search."""
    half = viewport.half_height_km
    radius = min(2 * viewport.radius_km, WIDEST_KM)
    while True:
        scored = sorted(
            (
                (place.prominence - DISTANCE_PENALTY * distance / half, place.data_id, place)
                for distance, place in world.places_near(category, viewport.lat, viewport.lon, radius)
            ),
            reverse=True,
        )[:RESULT_CAP]
        best_beyond = 1.0 - DISTANCE_PENALTY * radius / half
        if radius >= WIDEST_KM or (len(scored) == RESULT_CAP and scored[-1][0] >= best_beyond):
            return [place for _, _, place in scored]
        radius = min(2 * radius, WIDEST_KM)
