"""Flexible input matching: one alias table from the names people use to canonical columns.

``Website``, ``url`` → ``site_web``; ``e-mail`` → ``email``; ``name``, ``raison sociale`` →
``nom``; ``rating`` → ``note`` (ruling 10) … Matching ignores case, accents, spaces, dashes
and underscores.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import msgspec

from outsend_contracts import errors

_CANONICAL_ALIASES: dict[str, tuple[str, ...]] = {
    "nom": ("name", "nom", "raison sociale", "business name", "company", "company name", "entreprise",
            "societe", "etablissement", "title", "denomination", "enseigne"),
    "adresse": ("adresse", "address", "street", "rue", "adresse postale complete", "full address"),
    "ville": ("ville", "city", "commune", "town", "localite"),
    "code_postal": ("code postal", "cp", "postal code", "postcode", "zip", "zip code", "zipcode"),
    "telephone": ("telephone", "tel", "phone", "phone number", "numero", "number", "telephone number",
                  "tel fixe", "standard", "mobile phone"),
    "site_web": ("site web", "site", "website", "url", "web", "site internet", "homepage", "domain",
                 "domaine", "lien site"),
    "email": ("email", "e mail", "mail", "courriel", "adresse email", "email address"),
    "note": ("note", "rating", "stars", "etoiles", "note google", "average rating"),
    "nb_avis": ("nb avis", "reviews count", "reviews", "review count", "nombre avis", "avis",
                "number of reviews", "user ratings total"),
    "categorie": ("categorie", "category", "type", "activite", "main category", "secteur"),
    "lien_google_maps": ("lien google maps", "google maps url", "maps url", "google maps", "place url",
                         "maps link", "lien maps", "gmaps"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "siren": ("siren", "numero siren"),
    "siret": ("siret", "numero siret"),
}  # fmt: skip


def normalize_header(name: str) -> str:
    """``"  Raison-Sociale "`` → ``"raison sociale"``: lower case, no accents, single spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\s_\-./]+", " ", ascii_only.lower()).strip()


ALIASES: Mapping[str, str] = MappingProxyType(
    {
        normalize_header(alias): canonical
        for canonical, aliases in _CANONICAL_ALIASES.items()
        for alias in (canonical, *aliases)
    }
)
CANONICAL_COLUMNS: tuple[str, ...] = tuple(_CANONICAL_ALIASES)


def canonical_name(header: str) -> str | None:
    return ALIASES.get(normalize_header(header))


def accepted_aliases(canonical: str) -> tuple[str, ...]:
    return (canonical, *_CANONICAL_ALIASES.get(canonical, ()))


class ColumnMapping(msgspec.Struct, frozen=True):
    """Which input column serves each canonical column, and what the user should be told."""

    columns: Mapping[str, str]
    """canonical → the input column that carries it."""
    mapped: Mapping[str, str]
    """input column → canonical, for columns whose name differed from the canonical one."""

    def source(self, canonical: str) -> str | None:
        return self.columns.get(canonical)

    def notice(self) -> str | None:
        if not self.mapped:
            return None
        parts = [f"« {source} » → {canonical}" for source, canonical in self.mapped.items()]
        return "Colonnes reconnues : " + ", ".join(parts) + "."


def map_columns(headers: Iterable[str]) -> ColumnMapping:
    """Match input headers to canonical columns; an exact canonical name wins over an alias."""
    columns: dict[str, str] = {}
    mapped: dict[str, str] = {}
    header_list = list(headers)
    for header in header_list:
        if header in _CANONICAL_ALIASES:
            columns[header] = header
    for header in header_list:
        canonical = canonical_name(header)
        if canonical is None or canonical in columns:
            continue
        columns[canonical] = header
        mapped[header] = canonical
    return ColumnMapping(columns=columns, mapped=mapped)


def missing_column_message(need: str) -> str:
    """The refusal when no row carries a column a module needs, naming the accepted headers."""
    if need == "site_web":
        return errors.NO_SITE_WEB
    return errors.NO_REQUIRED_COLUMN.format(column=need, aliases=", ".join(accepted_aliases(need)))
