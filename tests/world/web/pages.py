"""The HTML of a generated site: what :mod:`tests.world.web.sites` says it publishes, written
the many ways real small-business sites write it."""

from __future__ import annotations

import html
import json
import random
from urllib.parse import quote

from tests.world.web.sites import LONG_FORMS, Email, Legal, Phone, SiteSpec, national, spaced, tva_of

PROSE = (
    "notre équipe vous accueille du lundi au samedi dans un cadre chaleureux et professionnel depuis plus de "
    "vingt ans au service des particuliers et des entreprises de la région qualité savoir-faire conseil devis "
    "gratuit intervention rapide artisan passionné matériaux produits locaux horaires ouverture rendez-vous "
    "prestations tarifs garantie satisfaction clients fidèles proximité engagement écoute accompagnement projet"
)
WORDS = tuple(PROSE.split())


def _paragraph(rng: random.Random) -> str:
    return f"<p>{' '.join(rng.choice(WORDS) for _ in range(rng.randint(60, 140))).capitalize()}.</p>\n"


PARAGRAPHS = [_paragraph(random.Random(index)) for index in range(256)]
"""Drawn once: pages pick among them (generating text per request would make the server the bottleneck)."""


def filler(rng: random.Random, paragraphs: int) -> str:
    return "".join(rng.choice(PARAGRAPHS) for _ in range(paragraphs))


def _entities(text: str) -> str:
    return "".join(f"&#{ord(char)};" for char in text)


def cloudflare_hex(address: str, key: int) -> str:
    return bytes([key, *(byte ^ key for byte in address.encode())]).hex()


def render_email(email: Email, spec: SiteSpec) -> str:
    local, domain = email.address.split("@")
    label = random.Random(email.address).choice(("Email", "E-mail", "Courriel", "Écrivez-nous"))
    match email.way:
        case "mailto":
            return f'<p><a href="mailto:{email.address}?subject=Demande">{label}</a></p>'
        case "text":
            return f"<p>{label} : {email.address}</p>"
        case "entities":
            return f'<p>{label} : <a href="mailto:{_entities(email.address)}">{_entities(email.address)}</a></p>'
        case "at_brackets":
            return f"<p>{label} : {local} [at] {domain.replace('.', ' [dot] ')}</p>"
        case "arobase":
            return f"<p>{label} : {local} (arobase) {domain}</p>"
        case "cloudflare":
            hex_value = cloudflare_hex(email.address, spec.index % 200 + 17)
            return (
                f'<p>{label} : <a href="/cdn-cgi/l/email-protection#{hex_value}">'
                f'<span class="__cf_email__" data-cfemail="{hex_value}">[email&#160;protected]</span></a></p>'
            )
        case "json_ld":
            return ""  # in the page's head
        case "script":
            return (
                f'<p>Écrivez-moi : <span id="adr-{spec.index}"></span></p><script>'
                f"(function(){{var u={json.dumps(local)},d={json.dumps(domain)};"
                f"setTimeout(function(){{document.getElementById('adr-{spec.index}').textContent=u+'@'+d;}},50);}})();"
                "</script>"
            )
        case "agency":
            agency = domain.split(".")[0].replace("-", " ").title()
            return f'<p>Site réalisé par <a href="https://{domain}/">{agency}</a> – {email.address}</p>'
        case "placeholder":
            return (
                '<form><label>Votre email <input type="email" name="email" placeholder="prenom.nom@domaine.fr">'
                "</label><small>Exemple : prenom.nom@domaine.fr</small></form>"
            )
        case "asset":
            return f'<img data-src="/img/{email.address}" alt="logo">'
        case "sentry":
            return f'<div data-dsn="https://{email.address}/42"></div>'
    raise ValueError(email.way)


def render_phone(phone: Phone, spec: SiteSpec) -> str:
    rng = random.Random(phone.e164)
    label = {
        "tel": rng.choice(("Tél. :", "Téléphone :", "Standard :", "Tel :")),
        "mobile": rng.choice(("Portable :", "Mobile :", "Tél. portable :")),
        "fax": rng.choice(("Fax :", "Télécopie :")),
    }[phone.label]
    written = national(phone.e164)
    match phone.style:
        case "dotted":
            written = written.replace(" ", ".")
        case "international":
            written = f"+33 (0){written[1:]}"
        case "tel_link":
            return f'<p>{label} <a href="tel:{phone.e164}">{written}</a></p>'
    return f"<p>{label} {written}</p>"


SOCIAL_VARIANTS = {
    "facebook": "https://fr-fr.facebook.com/{}/?ref=page_internal",
    "instagram": "https://instagram.com/{}/?hl=fr",
    "linkedin": "https://fr.linkedin.com/company/{}/",
    "twitter": "https://twitter.com/{}?lang=fr",
    "tiktok": "https://www.tiktok.com/@{}?lang=fr",
    "youtube": "https://www.youtube.com/@{}/videos",
}
SOCIAL_PLAIN = {
    "facebook": "https://www.facebook.com/{}",
    "instagram": "https://www.instagram.com/{}/",
    "linkedin": "https://www.linkedin.com/company/{}",
    "twitter": "https://x.com/{}",
    "tiktok": "https://www.tiktok.com/@{}",
    "youtube": "https://www.youtube.com/@{}",
}


def render_socials(spec: SiteSpec, page: str) -> str:
    parts = []
    for network, (handle, where, style) in spec.socials.items():
        if where != page:
            continue
        if network == "facebook" and style == "variant" and spec.index % 3 == 0:
            page_url = quote(f"https://www.facebook.com/{handle}/", safe="")
            parts.append(
                f'<iframe src="https://www.facebook.com/plugins/page.php?href={page_url}&tabs=timeline"></iframe>'
            )
            continue
        url = (SOCIAL_VARIANTS if style == "variant" else SOCIAL_PLAIN)[network].format(handle)
        parts.append(f'<a href="{html.escape(url)}" aria-label="{network.title()}" class="social"><i></i></a>')
    if page == "home":
        for decoy in spec.decoy_socials:
            parts.append(f'<a href="{html.escape(decoy.format(url=quote(spec.url, safe="")))}">Partager</a>')
    return f'<div class="socials">{"".join(parts)}</div>' if parts else ""


def _ids(legal: Legal, digits: str) -> str:
    groups = (3, 3, 3, 5)[: 3 if len(digits) == 9 else 4]
    if legal.ids_style == "compact":
        return digits
    return spaced(digits, groups, "." if legal.ids_style == "dotted" else " ")


def render_legal(legal: Legal, spec: SiteSpec) -> str:
    host_name, host_address, host_siren = legal.host
    host_city = host_address.rsplit(" ", 1)[-1]
    host_block = f"Hébergeur : {host_name}, {host_address} – RCS {host_city} {spaced(host_siren, (3, 3, 3))}"
    tva = tva_of(legal.siren) if legal.tva and not legal.typo else ""
    tva_written = f"FR {tva[2:4]} {tva[4:]}" if tva and spec.index % 2 else tva
    capital = f"{legal.capital:,}".replace(",", " ") if legal.capital else ""
    role = {"SAS": "Président", "SASU": "Président", "SA": "Président", "EI": "Dirigeant"}.get(legal.forme, "Gérant")
    siren, siret = _ids(legal, legal.written_siren), _ids(legal, legal.written_siret)
    if legal.style == "labels":
        lines = [f"Raison sociale : {legal.raison_sociale}", f"Forme juridique : {legal.forme}"]
        if capital:
            lines.append(f"Capital social : {capital} €")
        lines.append(f"Siège social : {legal.address}")
        if legal.forme != "EI":
            lines.append(f"RCS : {legal.rcs_city} B {siren}")
        lines.append(f"SIRET : {siret}")
        if tva:
            lines.append(f"N° TVA intracommunautaire : {tva_written}")
        lines.append(f"{role} : {legal.dirigeant}")
        body = "<h2>Éditeur du site</h2><p>" + "<br>".join(lines) + "</p>"
        body += f"<h2>Publication</h2><p>Directeur de la publication : {legal.directeur_publication}</p>"
        body += f"<h2>Hébergement</h2><p>{host_block}</p>"
        return body
    form = LONG_FORMS[legal.forme]
    text = f"Le site {spec.canonical_host} est édité par {legal.raison_sociale}, {form}"
    if capital:
        text += f" au capital de {capital} euros"
    if legal.forme != "EI":
        text += f", immatriculée au RCS de {legal.rcs_city} sous le numéro {siren}"
    text += f", dont le siège social est situé au {legal.address}. SIRET : {siret}."
    if tva:
        text += f" Numéro de TVA intracommunautaire : {tva_written}."
    return (
        f"<p>{text}</p><p>Représentant légal : {legal.dirigeant}, {role.lower()}.</p>"
        f"<p>Directeur de la publication : {legal.directeur_publication}.</p>"
        f"<p>Le site est hébergé par {host_name}, {host_address}. RCS {host_city} {spaced(host_siren, (3, 3, 3))}.</p>"
    )


def _nav(spec: SiteSpec, has_legal_page: bool) -> str:
    rng = random.Random(spec.host)
    entries = [
        (spec.paths["about"], rng.choice(("À propos", "Qui sommes-nous ?", "L'équipe"))),
        (spec.paths["contact"], rng.choice(("Contact", "Nous contacter", "Contactez-nous"))),
    ]
    if has_legal_page:
        entries.append((spec.paths["legal"], rng.choice(("Mentions légales", "Informations légales", "Mentions"))))
    if spec.nav == "script":
        menu = json.dumps([{"url": url, "label": label} for url, label in entries])
        return f'<nav id="menu"></nav><script>var MENU={menu};/* rendered client-side */</script>'
    return "<nav>" + " ".join(f'<a href="{url}">{html.escape(label)}</a>' for url, label in entries) + "</nav>"


def has_legal_page(spec: SiteSpec) -> bool:
    return (spec.legal is not None and spec.legal.page == "legal") or any(e.page == "legal" for e in spec.emails)


def page_html(spec: SiteSpec, page: str) -> str:
    """The page ``home``, ``contact``, ``legal`` or ``about`` of a site."""
    rng = random.Random(f"{spec.host}/{page}")
    emails = [e for e in (*spec.emails, *spec.decoy_emails) if e.page == page]
    structured = [e.address for e in emails if e.way == "json_ld"]
    head = f"<title>{html.escape(spec.name)} – {spec.city[0]}</title>"
    if structured:
        data = {"@context": "https://schema.org", "@type": "LocalBusiness", "name": spec.name, "email": structured[0]}
        head += f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'
    titles = {"home": spec.name, "contact": "Contactez-nous", "legal": "Mentions légales", "about": "Qui sommes-nous"}
    main = f"<h1>{html.escape(titles[page])}</h1>{filler(rng, 3 if page == 'home' else 2)}"
    main += "".join(render_email(email, spec) for email in emails)
    main += "".join(render_phone(phone, spec) for phone in spec.phones if phone.page == page)
    if page == "contact":
        main += f"<p>Adresse : {spec.street}, {spec.city[1]} {spec.city[0]}</p>"
    if page == "legal" and spec.legal is not None and spec.legal.page == "legal":
        main += render_legal(spec.legal, spec)
    footer = f"<p>{html.escape(spec.name)} – {spec.city[0]}</p>" + render_socials(spec, page)
    if page == "home" and spec.legal is not None and spec.legal.page == "home":
        footer += f'<div class="mentions"><h3>Mentions légales</h3>{render_legal(spec.legal, spec)}</div>'
    footer += filler(rng, 1)
    return (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8">{head}</head><body>'
        f"<header>{_nav(spec, has_legal_page(spec))}</header><main>{main}</main><footer>{footer}</footer>"
        "</body></html>"
    )


def sitemap(spec: SiteSpec) -> str:
    paths = ["/", spec.paths["about"], spec.paths["contact"]]
    if has_legal_page(spec):
        paths.append(spec.paths["legal"])
    base = spec.url.rstrip("/")
    entries = "".join(f"<url><loc>{base}{path}</loc></url>" for path in paths)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
