"""What each module should return for a site of the test world (its ground truth)."""

from __future__ import annotations

from tests.world.web.sites import SiteSpec

NETWORKS = ("facebook", "instagram", "linkedin", "twitter", "tiktok", "youtube")
LEGAL_COLUMNS = (
    "raison_sociale", "forme_juridique", "capital_social", "rcs", "adresse_postale",
    "dirigeant", "directeur_publication", "hebergeur", "tva_intracom",
)  # fmt: skip


def expected(site: SiteSpec, module: str, *, deep: bool = False) -> dict[str, str]:
    truth = site.truth
    columns: dict[str, str]
    if module == "emails":
        columns = {
            "email": truth.email_deep if deep else truth.email,
            "email_personal": truth.email_personal_deep if deep else truth.email_personal,
        }
    elif module == "socials":
        columns = {f"social_{network}": truth.socials.get(network, "") for network in NETWORKS}
    elif module == "phones_extra":
        columns = {"phone_secondary": truth.phone_secondary, "mobile": truth.mobile, "fax": truth.fax}
    elif module == "legal_ids":
        source = truth.legal_url if truth.siren else ""
        columns = {"siren": truth.siren, "siret": truth.siret, "legal_ids_source_url": source}
    elif module == "legal_mentions":
        columns = {key: truth.legal.get(key, "") for key in LEGAL_COLUMNS}
        columns["mentions_legales_url"] = truth.legal_url if truth.legal else ""
    else:
        raise ValueError(module)
    return {**columns, "fetch_error": truth.fetch_error}


def mismatches(sites: list[SiteSpec], rows: list[dict[str, str]], module: str, **options: bool) -> list[str]:
    """One line per cell that differs from the truth (empty when every row is right)."""
    assert len(rows) == len(sites)
    lines = []
    for site, row in zip(sites, rows, strict=True):
        for column, value in expected(site, module, **options).items():
            if row.get(column, "") != value:
                lines.append(f"{site.host} ({site.broken}) {column}: {row.get(column)!r} ≠ {value!r}")
    return lines
