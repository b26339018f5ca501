"""Directories and marketplaces that list businesses without being them.

A listing whose website is one of these is an aggregator (``aggregator_flag``), and
``filter.exclude_aggregators`` drops it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

AGGREGATOR_DOMAINS = frozenset(
    {
        "pagesjaunes.fr", "118712.fr", "118000.fr", "annuaire.laposte.fr", "societe.com", "pappers.fr",
        "infogreffe.fr", "verif.com", "manageo.fr", "doctolib.fr", "maiia.com", "keldoc.com",
        "docavenue.com", "tripadvisor.fr", "tripadvisor.com", "yelp.fr", "yelp.com", "thefork.fr",
        "lafourchette.com", "booking.com", "airbnb.fr", "airbnb.com", "expedia.fr", "hotels.com",
        "ubereats.com", "deliveroo.fr", "just-eat.fr", "planity.com", "treatwell.fr", "kiute.com",
        "habitatpresto.com", "starofservice.com", "travaux.com", "quotatis.fr", "leboncoin.fr",
        "facebook.com", "instagram.com", "linktr.ee", "sites.google.com", "business.site",
        "google.com", "goo.gl", "mappy.com", "cylex-france.fr", "hoodspot.fr", "justacote.com",
        "yellowpages.com", "foursquare.com", "petitfute.com", "michelin.com", "gaultmillau.com",
        "ouestfrance-immo.com", "seloger.com", "logic-immo.com", "bienici.com", "meilleursagents.com",
        "ooreka.fr", "allovoisins.com", "bark.com", "mobilic.fr", "wixsite.com",
    }
)  # fmt: skip


def domain_of(url: str) -> str:
    """``https://www.Example.fr/contact`` → ``example.fr`` (empty when not a URL)."""
    text = url.strip()
    if not text:
        return ""
    if "://" not in text:
        text = "http://" + text
    host = (urlsplit(text).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def is_aggregator_url(url: str) -> bool:
    domain = domain_of(url)
    return any(domain == known or domain.endswith("." + known) for known in AGGREGATOR_DOMAINS)
