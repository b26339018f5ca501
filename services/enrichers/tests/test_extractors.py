"""The extractors' rules, on small pages (no I/O): what the module pages promise."""

from __future__ import annotations

import pytest

from outsend_enrichers.extract.emails import choose, decode_cloudflare, find_emails
from outsend_enrichers.extract.legal import choose_ids, siren_ok, siret_ok, tva_siren
from outsend_enrichers.extract.phones import classify, e164, find_phones
from outsend_enrichers.extract.socials import canonical_profile
from outsend_web.html import Document


def page(body: str) -> Document:
    return Document("https://www.martin-plomberie.fr/", f"<html><body>{body}</body></html>")


def test_luhn_and_la_poste() -> None:
    assert siren_ok("732829320") and not siren_ok("732829321")
    assert siret_ok("73282932000074") and not siret_ok("73282932000075")
    assert siret_ok("35600000000001") and not siret_ok("35600000000002")  # La Poste: digit sum % 5
    assert tva_siren("FR44732829320") == "732829320" and tva_siren("FR45732829320") is None


def test_the_hosts_siren_is_not_the_business() -> None:
    text = "Éditeur : Plomberie Martin. Hébergeur : OVH SAS, RCS Lille 424 761 419"
    assert choose_ids(text).siren == ""
    assert choose_ids("SIREN : 732.829.320 – Hébergeur : OVH, RCS Lille 424 761 419").siren == "732829320"
    assert choose_ids("Tél. 732 829 320").siren == ""  # no label, no identifier


def test_emails_rank_people_before_roles_and_drop_credits() -> None:
    hex_value = "42" + bytes(b ^ 0x42 for b in b"paul.martin@martin-plomberie.fr").hex()
    document = page(
        '<a href="mailto:contact@martin-plomberie.fr">Écrire</a>'
        f'<span data-cfemail="{hex_value}"></span>'
        "<p>Site réalisé par studio@agence-web.fr</p><p>prenom.nom@domaine.fr</p>"
    )
    assert decode_cloudflare(hex_value) == "paul.martin@martin-plomberie.fr"
    choice = choose(find_emails(document), "martin-plomberie.fr")
    assert (choice.email, choice.email_personal) == ("paul.martin@martin-plomberie.fr",) * 2
    role_only = choose(find_emails(page("contact [at] martin-plomberie [dot] fr")), "martin-plomberie.fr")
    assert (role_only.email, role_only.email_personal) == ("contact@martin-plomberie.fr", "")


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://fr-fr.facebook.com/PlomberieMartin/?ref=page_internal", "https://www.facebook.com/PlomberieMartin"),
        ("https://twitter.com/plombmartin?lang=fr", "https://x.com/plombmartin"),
        ("https://fr.linkedin.com/company/plomberie-martin/", "https://www.linkedin.com/company/plomberie-martin"),
        ("https://www.youtube.com/@plombmartin/videos", "https://www.youtube.com/@plombmartin"),
        ("https://www.facebook.com/sharer/sharer.php?u=x", None),
        ("https://www.facebook.com/wix", None),
        ("https://www.instagram.com/p/Cx12/", None),
    ],
)
def test_social_links(url: str, canonical: str | None) -> None:
    found = canonical_profile(url)
    assert (found[1] if found else None) == canonical


def test_phones_are_labelled_by_the_nearest_label() -> None:
    document = page(
        "<p>Fax : 04 78 12 34 57 – Tél : 04 78 12 34 56</p><p>Portable 06 12 34 56 78</p><p>SIRET 732 829 320 00074</p>"
    )
    extra = classify(find_phones(document, "FR"), e164("04 78 12 34 56"))
    assert (extra.phone_secondary, extra.mobile, extra.fax) == ("", "+33612345678", "+33478123457")
