"""What each module should return for a site of the test world (its ground truth)."""

from __future__ import annotations

from collections.abc import Callable

from tests.world.web.sites import SiteSpec, Truth

NETWORKS = ("facebook", "instagram", "linkedin", "twitter", "tiktok", "youtube")
LEGAL_COLUMNS = (
    "raison_sociale", "forme_juridique", "capital_social", "rcs", "adresse_postale",
    "dirigeant", "directeur_publication", "hebergeur", "tva_intracom",
)  # fmt: skip


def _emails(truth: Truth, deep: bool) -> dict[str, str]:
    if deep:
        return {"email": truth.email_deep, "email_personal": truth.email_personal_deep}
    return {"email": truth.email, "email_personal": truth.email_personal}


def _socials(truth: Truth, deep: bool) -> dict[str, str]:
    return {f"social_{network}": truth.socials.get(network, "") for network in NETWORKS}


def _phones_extra(truth: Truth, deep: bool) -> dict[str, str]:
    return {"phone_secondary": truth.phone_secondary, "mobile": truth.mobile, "fax": truth.fax}


def _legal_ids(truth: Truth, deep: bool) -> dict[str, str]:
    source = truth.legal_url if truth.siren else ""
    return {"siren": truth.siren, "siret": truth.siret, "legal_ids_source_url": source}


def _legal_mentions(truth: Truth, deep: bool) -> dict[str, str]:
    columns = {key: truth.legal.get(key, "") for key in LEGAL_COLUMNS}
    columns["mentions_legales_url"] = truth.legal_url if truth.legal else ""
    return columns


TRUTHS: dict[str, Callable[[Truth, bool], dict[str, str]]] = {
    "emails": _emails,
    "socials": _socials,
    "phones_extra": _phones_extra,
    "legal_ids": _legal_ids,
    "legal_mentions": _legal_mentions,
}
"""Each website module's columns as a site's truth gives them (``deep``: emails' deep mode)."""
WEBSITE_MODULES = tuple(TRUTHS)
"""The modules the website-module tests and the quality benchmark run on every site."""


def expected(site: SiteSpec, module: str, *, deep: bool = False) -> dict[str, str]:
    return {**TRUTHS[module](site.truth, deep), "fetch_error": site.truth.fetch_error}


def mismatches(sites: list[SiteSpec], rows: list[dict[str, str]], module: str, **options: bool) -> list[str]:
    """One line per cell that differs from the truth (empty when every row is right)."""
    assert len(rows) == len(sites)
    lines = []
    for site, row in zip(sites, rows, strict=True):
        for column, value in expected(site, module, **options).items():
            if row.get(column, "") != value:
                lines.append(f"{site.host} ({site.broken}) {column}: {row.get(column)!r} ≠ {value!r}")
    return lines
