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
BUSINESS_WORDS = frozenset(
    {
        "boulangerie", "patisserie", "pharmacie", "garage", "plomberie", "plombier", "electricite", "coiffure",
        "coiffeur", "salon", "institut", "fleuriste", "fleurs", "librairie", "epicerie", "boucherie", "traiteur",
        "cafe", "bar", "brasserie", "pizzeria", "auto", "immobilier", "immo", "optique", "opticien", "dentaire",
        "veterinaire", "clinique", "pressing", "menuiserie", "toiture", "couverture", "renovation", "batiment",
        "paysagiste", "jardin", "taxi", "ambulance", "transport", "notaire", "avocat", "avocats", "expert",
        "comptable", "architecte", "assurance", "assurances", "studio", "creations", "sarl", "sas", "ets",
        "entreprise", "societe", "groupe", "commande", "commandes", "rdv", "rendezvous", "planning",
    }
)  # fmt: skip
"""Words of a shop's own name: ``boulangerie.martin@orange.fr`` is the shop's mailbox, not a person's."""
PLACEHOLDER_DOMAINS = frozenset(
    {"example.com", "example.org", "example.net", "example.fr", "exemple.fr", "exemple.com", "domain.com",
     "domaine.fr", "domaine.com", "votredomaine.fr", "votre-domaine.fr", "votresite.fr", "monsite.fr", "email.com",
     "mail.com", "sentry.io", "sentry-next.wixpress.com", "wixpress.com", "sentry.wixpress.com", "test.com"}
)  # fmt: skip
PLACEHOLDER_LOCAL_PARTS = frozenset(
    {"nom", "prenom", "prenom.nom", "nom.prenom", "votre.email", "votre-email", "votremail", "votre.adresse",
     "your.email", "your-email", "youremail", "you", "name", "firstname.lastname", "john.doe", "jane.doe",
     "utilisateur", "user", "username", "xxx", "xxxx", "exemple", "example", "test"}
)  # fmt: skip
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def addresses(value: str) -> list[str]:
    """Every address in a cell (cells may hold several, separated by commas or spaces)."""
    return [match.lower() for match in _ADDRESS.findall(value or "")]


def is_role_address(address: str) -> bool:
    """A role or shop mailbox: ``contact@``, ``info.paris@``, ``accueil2@``, ``boulangerie.martin@`` …"""
    local = address.split("@", 1)[0].lower()
    if local in ROLE_LOCAL_PARTS or re.sub(r"[\d._-]+$", "", local) in ROLE_LOCAL_PARTS:
        return True
    words = [word for word in re.split(r"[._+-]+", re.sub(r"\d+", "", local)) if word]
    return bool(words) and (words[0] in ROLE_LOCAL_PARTS or any(word in BUSINESS_WORDS for word in words))


def is_personal(address: str, site_domain: str = "") -> bool:
    """A person's mailbox; with the site's domain, a local part naming the site is the shop's own."""
    if "@" not in address or is_role_address(address):
        return False
    if site_domain:
        local_words = [w for w in re.split(r"[^a-z0-9]+", address.split("@", 1)[0].lower()) if w]
        name_words = [w for w in re.split(r"[^a-z0-9]+", site_domain.split(".", 1)[0].lower()) if w]
        if "".join(local_words) == "".join(name_words):
            return False
        if len(local_words) >= 2 and set(local_words) <= set(name_words):
            return False
    return True


def is_placeholder_address(address: str) -> bool:
    """Template and technical addresses no one reads (``prenom.nom@domaine.fr``, Sentry DSNs …)."""
    local, _, domain = address.lower().partition("@")
    return (
        domain in PLACEHOLDER_DOMAINS
        or any(domain.endswith("." + placeholder) for placeholder in PLACEHOLDER_DOMAINS)
        or local in PLACEHOLDER_LOCAL_PARTS
        or bool(re.fullmatch(r"[0-9a-f]{24,}", local))
    )


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
