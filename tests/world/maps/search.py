"""How Google Maps answers a search at a viewport: ranking, the ~120 cap, the widening radius.

Four world models (:data:`MODELS`, the simulator's ``--world`` flag), since the live site may
behave like any of them for some query, region or day:

- ``widening`` (the default, described below);
- ``strict-prominence`` — only the places inside the window or just around it
  (:data:`WINDOW_MARGIN`), the most prominent first, no widening when the window is sparse;
- ``strict-distance`` — the same window, the nearest to its centre first;
- ``clustered`` — ``strict-prominence`` over a world whose places sit in hot spots (shopping
  streets, malls: see ``places.py``) over a sparse background.

The ``widening`` model:

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
WINDOW_MARGIN = 0.1
"""Strict models list places up to this share of the window's half-size beyond its edges."""
MODELS = ("widening", "strict-prominence", "strict-distance", "clustered")
LAYOUTS = {"widening": "census", "strict-prominence": "census", "strict-distance": "census", "clustered": "hotspots"}
"""Where each model's places are (``PlaceWorld`` layouts)."""


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


def answer(world: PlaceWorld, category: Category, viewport: Viewport, model: str = "widening") -> list[Place]:
    """The full ranked answer (every page) of a search, as ``model`` has Google answer it."""
    if model == "widening":
        return search(world, category, viewport)
    near = world.places_near(category, viewport.lat, viewport.lon, viewport.radius_km * (1 + WINDOW_MARGIN))
    inside = [(distance, place) for distance, place in near if _in_window(viewport, place)]
    if model == "strict-distance":
        ranked = sorted(inside, key=lambda item: (item[0], item[1].data_id))
    else:
        ranked = sorted(inside, key=lambda item: (-item[1].prominence, item[1].data_id))
    return [place for _, place in ranked[:RESULT_CAP]]


def _in_window(viewport: Viewport, place: Place) -> bool:
    """Inside the window, or just around it (:data:`WINDOW_MARGIN`)."""
    dy = abs(place.lat - viewport.lat) * KM_PER_DEGREE
    dx = abs(place.lon - viewport.lon) * KM_PER_DEGREE * math.cos(math.radians(viewport.lat))
    return dx <= viewport.half_width_km * (1 + WINDOW_MARGIN) and dy <= viewport.half_height_km * (1 + WINDOW_MARGIN)


def search(world: PlaceWorld, category: Category, viewport: Viewport) -> list[Place]:
    """The ``widening`` model's full ranked answer (every page) of a search."""
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
