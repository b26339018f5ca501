"""Turning what a user types in ``zones`` into areas with real boundaries.

Accepted forms (architecture ruling 11), tried in this order:

- ``France`` (every commune, overseas included);
- a radius around any other form: ``Lyon 30km``, ``69002 5 km`` (disc of that radius around
  the centre of the area, at most :data:`MAX_RADIUS_KM`);
- an arrondissement: ``Lyon 2e``, ``Paris 15e``, ``Paris 1er``, ``Marseille 8``;
- a département code (``69``, ``2A``, ``974``);
- a five-digit code: a postal code first (``75015``, ``69002``), else an INSEE code; an explicit
  ``INSEE 69002`` forces the INSEE reading; Corsican INSEE codes (``2A004``) are unambiguous;
- a région name (``Bretagne``), then a département name (``Rhône``);
- a commune name, optionally with its département (``Valence (26)``, ``Valence 82``).

A name several communes share resolves to the most populous one, and the job's ``notice``
says so, naming the others' départements so the user can write ``Valence (82)`` instead.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from outsend_contracts import errors
from outsend_scraper.geo.communes import Commune, Communes, load_communes
from outsend_scraper.geo.text import normalize

MAX_RADIUS_KM = 100.0
KM_PER_DEGREE = 111.32
PLM_PREFIXES = {"paris": ("751", 20), "lyon": ("6938", 9), "marseille": ("132", 16)}

_FRANCE = {"france", "fra", "toute la france", "france entiere"}
_RADIUS = re.compile(r"^(?P<base>.+?)\s*(?P<km>\d+(?:[.,]\d+)?)\s*km$")
_ARRONDISSEMENT = re.compile(
    r"^(?P<city>paris|lyon|marseille)\s*(?P<number>\d{1,2})\s*(?:e|er|eme|ieme)?(?:\s*arr(?:ondissement)?)?$"
)
_DEPARTEMENT_CODE = re.compile(r"^(\d{2}|2[ab]|97[1-6])$")
_FIVE_DIGITS = re.compile(r"^\d{5}$")
_INSEE = re.compile(r"^(?:insee\s*:?\s*)?(?P<code>\d{5}|2[ab]\d{3})$")
_NAME_WITH_DEPARTEMENT = re.compile(r"^(?P<name>.+?)\s*\(?\s*(?P<code>\d{2}|2[ab]|97[1-6])\s*\)?$")


class ZoneError(ValueError):
    """A zone nobody can read; the message is the French ``detail`` of the 400."""


@dataclass(frozen=True)
class Zone:
    label: str
    """The zone as the user wrote it (rows and ``breakdown.by_zone`` use it)."""
    description: str
    """What it was read as, for the notice and the logs."""
    areas: tuple[BaseGeometry, ...]
    """The boundaries it covers (one per commune, or a single disc)."""
    notice: str | None = None


class ZoneResolver:
    def __init__(self, communes: Communes | None = None) -> None:
        self._communes = communes or load_communes()

    @property
    def communes(self) -> Communes:
        return self._communes

    def resolve(self, raw: str) -> Zone:
        label = " ".join(raw.split())
        text = normalize(label)
        if not text:
            raise ZoneError(errors.ZONE_UNPARSEABLE.format(zone=raw))
        if text in _FRANCE:
            return self._of(label, "France entière", self._communes.whole_country())
        if radius := _RADIUS.match(text):
            return self._disc(label, radius["base"], float(radius["km"].replace(",", ".")))
        return self._area(label, text)

    def _area(self, label: str, text: str) -> Zone:
        communes = self._communes
        if match := _ARRONDISSEMENT.match(text):
            prefix, count = PLM_PREFIXES[match["city"]]
            number = int(match["number"])
            if 1 <= number <= count:
                arrondissement = communes.by_insee[f"{prefix}{number:0{5 - len(prefix)}d}"]
                return self._of(label, f"{arrondissement.name} ({arrondissement.insee})", [arrondissement])
        if _DEPARTEMENT_CODE.match(text) and (departement := communes.departements.get(text.upper())):
            return self._of(label, f"département {departement.label}", communes.in_departement(departement.code))
        if _FIVE_DIGITS.match(text) and (by_postal_code := communes.by_postal_code.get(text)):
            return self._postal_code(label, text, by_postal_code)
        if match := _INSEE.match(text):
            commune = communes.by_insee.get(match["code"].upper())
            if commune is not None:
                return self._of(label, f"{commune.name} (INSEE {commune.insee})", [commune])
        if region := communes.regions.get(text):
            return self._of(label, f"région {region.name}", communes.in_region(region))
        for departement in communes.departements.values():
            if normalize(departement.name) == text and text not in communes.by_name:
                return self._of(label, f"département {departement.label}", communes.in_departement(departement.code))
        return self._commune(label, text)

    def _postal_code(self, label: str, code: str, found: list[Commune]) -> Zone:
        names = ", ".join(commune.name for commune in found)
        notice = None
        insee = self._communes.by_insee.get(code)
        if insee is not None and insee not in found:
            notice = (
                f"« {label} » lu comme code postal ({names}) ; pour la commune de code INSEE {code} "
                f"({insee.name}), écris « INSEE {code} »."
            )
        return self._of(label, f"code postal {code} ({names})", found, notice)

    def _commune(self, label: str, text: str) -> Zone:
        candidates = self._communes.by_name.get(text, [])
        if not candidates and (match := _NAME_WITH_DEPARTEMENT.match(text)):
            code = match["code"].upper()
            candidates = [c for c in self._communes.by_name.get(match["name"], []) if c.departement.code == code]
        candidates = [c for c in candidates if c.kind == "COM"] or candidates
        if not candidates:
            raise ZoneError(errors.ZONE_UNPARSEABLE.format(zone=label))
        chosen = max(candidates, key=lambda commune: (commune.population, commune.insee))
        notice = None
        if len(candidates) > 1:
            others = ", ".join(
                f"{c.name} ({c.departement.code})"
                for c in sorted(candidates, key=lambda c: -c.population)
                if c is not chosen
            )
            notice = (
                f"« {label} » : {len(candidates)} communes portent ce nom ; retenue la plus peuplée, "
                f"{chosen.name} ({chosen.departement.code}, {chosen.population} hab.). Autres : {others}."
            )
        return self._of(label, f"{chosen.name} ({chosen.departement.code})", [chosen], notice)

    def _disc(self, label: str, base: str, km: float) -> Zone:
        if km <= 0 or km > MAX_RADIUS_KM:
            raise ZoneError(errors.ZONE_RADIUS_TOO_LARGE.format(zone=label, max_km=int(MAX_RADIUS_KM)))
        centre_zone = self._area(base, normalize(base))
        centre = shapely.union_all(list(centre_zone.areas)).centroid
        return Zone(
            label=label,
            description=f"{km:g} km autour de {centre_zone.description}",
            areas=(disc(centre.y, centre.x, km),),
            notice=centre_zone.notice,
        )

    def _of(self, label: str, description: str, communes: list[Commune], notice: str | None = None) -> Zone:
        areas = tuple(self._communes.geometry(commune) for commune in communes)
        return Zone(label=label, description=description, areas=areas, notice=notice)


def disc(lat: float, lon: float, km: float, segments: int = 64) -> BaseGeometry:
    """A circle of ``km`` around a point, in degrees (equirectangular: exact enough below 100 km)."""
    points = []
    for step in range(segments):
        angle = 2 * math.pi * step / segments
        points.append(
            (
                lon + km * math.cos(angle) / (KM_PER_DEGREE * math.cos(math.radians(lat))),
                lat + km * math.sin(angle) / KM_PER_DEGREE,
            )
        )
    return shapely.Polygon(points)
