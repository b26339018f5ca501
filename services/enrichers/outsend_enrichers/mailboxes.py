"""Personal mailboxes versus role addresses, and how good an address is for outreach."""

from __future__ import annotations

import re

from disposable_email_domains import blocklist as disposable_domains

ROLE_LOCAL_PARTS = frozenset(
    {
        "contact", "info", "infos", "information", "hello", "bonjour", "salut", "accueil", "admin",
        "administration", "support", "help", "aide", "sales", "vente", "ventes", "commercial",
        "office", "secretariat", "secretaire", "reservation", "reservations", "booking", "noreply",
        "no-reply", "nepasrepondre", "rh", "hr", "jobs", "recrutement", "emploi", "careers", "service",
        "serviceclient", "service-client", "clients", "client", "compta", "comptabilite", "facturation",
        "billing", "direction", "webmaster", "postmaster", "marketing", "communication", "presse",
        "press", "team", "equipe", "mail", "email", "newsletter", "devis", "sav", "magasin", "boutique",
        "shop", "agence", "cabinet", "atelier", "restaurant", "hotel", "courrier", "general",
    }
)  # fmt: skip
FREE_PROVIDERS = frozenset(
    {"gmail.com", "yahoo.fr", "yahoo.com", "hotmail.fr", "hotmail.com", "outlook.fr", "outlook.com",
     "live.fr", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net", "icloud.com", "gmx.fr",
     "neuf.fr", "bbox.fr", "aol.com", "protonmail.com", "proton.me"}
)  # fmt: skip
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def addresses(value: str) -> list[str]:
    """Every address in a cell (cells may hold several, separated by commas or spaces)."""
    return [match.lower() for match in _ADDRESS.findall(value or "")]


def is_role_address(address: str) -> bool:
    local = address.split("@", 1)[0].lower()
    return local in ROLE_LOCAL_PARTS or re.sub(r"[\d._-]+$", "", local) in ROLE_LOCAL_PARTS


def is_personal(address: str) -> bool:
    return "@" in address and not is_role_address(address)


def is_disposable(domain: str) -> bool:
    return domain.lower() in disposable_domains


def email_quality(value: str) -> int:
    """3 personal address on a business domain, 2 personal on a free provider, 1 role, 0 none."""
    found = addresses(value)
    if not found:
        return 0
    best = 0
    for address in found:
        domain = address.rsplit("@", 1)[1]
        if is_disposable(domain):
            continue
        score = 1 if is_role_address(address) else 2 if domain in FREE_PROVIDERS else 3
        best = max(best, score)
    return best
