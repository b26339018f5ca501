"""The HTML of a generated site: what :mod:`tests.world.web.sites` says it publishes, written
the many ways real small-business sites write it."""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass
from urllib.parse import quote

from tests.world.web.sites import (
    LONG_FORMS,
    Email,
    Legal,
    Phone,
    SiteSpec,
    national,
    new_siren,
    new_siret,
    spaced,
    tva_of,
)

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


HOST_CAPITALS = {"OVH SAS": "10 174 560", "o2switch": "100 000", "IONOS SARL": "100 000"}
AGENCIES = ("Agence Pixel Ouest", "Studio Horizon Web", "Azur Création")


@dataclass(frozen=True)
class _Notice:
    """What every layout of a legal notice writes, already in the site's own spelling."""

    legal: Legal
    spec: SiteSpec
    capital: str
    role: str
    siren: str
    siret: str
    tva: str

    @property
    def host(self) -> str:
        name, address, siren = self.legal.host
        return f"Hébergeur : {name}, {address} – RCS {address.rsplit(' ', 1)[-1]} {spaced(siren, (3, 3, 3))}"

    @property
    def rcs(self) -> str:
        return f"RCS {self.legal.rcs_city} {self.siren}" if self.legal.forme != "EI" else ""

    def lines(self, labels: dict[str, str]) -> list[str]:
        """``label : value`` for each fact the notice states, under the layout's own labels."""
        facts = {
            "name": self.legal.raison_sociale,
            "form": self.legal.forme,
            "capital": f"{self.capital} €" if self.capital else "",
            "address": self.legal.address,
            "rcs": f"{self.legal.rcs_city} B {self.siren}" if self.legal.forme != "EI" else "",
            "siret": self.siret,
            "tva": self.tva,
            "role": self.legal.dirigeant,
        }
        return [f"{labels.get(key, key)} : {value}" for key, value in facts.items() if value and key in labels]


def _notice(legal: Legal, spec: SiteSpec) -> _Notice:
    tva = tva_of(legal.siren) if legal.tva and not legal.typo else ""
    role = {"SAS": "Président", "SASU": "Président", "SA": "Président", "EI": "Dirigeant"}.get(legal.forme, "Gérant")
    return _Notice(
        legal=legal,
        spec=spec,
        capital=f"{legal.capital:,}".replace(",", " ") if legal.capital else "",
        role=role,
        siren=_ids(legal, legal.written_siren),
        siret=_ids(legal, legal.written_siret),
        tva=f"FR {tva[2:4]} {tva[4:]}" if tva and spec.index % 2 else tva,
    )


def _publication(notice: _Notice) -> str:
    return f"<h2>Publication</h2><p>Directeur de la publication : {notice.legal.directeur_publication}</p>"


def _labels(notice: _Notice) -> str:
    lines = notice.lines(
        {"name": "Raison sociale", "form": "Forme juridique", "capital": "Capital social", "address": "Siège social",
         "rcs": "RCS", "siret": "SIRET", "tva": "N° TVA intracommunautaire", "role": notice.role}
    )  # fmt: skip
    return (
        f"<h2>Éditeur du site</h2><p>{'<br>'.join(lines)}</p>{_publication(notice)}"
        f"<h2>Hébergement</h2><p>{notice.host}</p>"
    )


def _prose(notice: _Notice) -> str:
    legal, host_name, host_address, host_siren = notice.legal, *notice.legal.host
    text = f"Le site {notice.spec.canonical_host} est édité par {legal.raison_sociale}, {LONG_FORMS[legal.forme]}"
    if notice.capital:
        text += f" au capital de {notice.capital} euros"
    if legal.forme != "EI":
        text += f", immatriculée au RCS de {legal.rcs_city} sous le numéro {notice.siren}"
    text += f", dont le siège social est situé au {legal.address}. SIRET : {notice.siret}."
    if notice.tva:
        text += f" Numéro de TVA intracommunautaire : {notice.tva}."
    host_city = host_address.rsplit(" ", 1)[-1]
    return (
        f"<p>{text}</p><p>Représentant légal : {legal.dirigeant}, {notice.role.lower()}.</p>"
        f"<p>Directeur de la publication : {legal.directeur_publication}.</p>"
        f"<p>Le site est hébergé par {host_name}, {host_address}. RCS {host_city} {spaced(host_siren, (3, 3, 3))}.</p>"
    )


def _title_line(notice: _Notice) -> str:
    """« Boulangerie Martin — SARL au capital de 10 000 € », the form before or after the name."""
    legal = notice.legal
    if legal.forme == "EI":
        return f"{legal.raison_sociale} — Entreprise individuelle"
    capital = f" au capital de {notice.capital} €"
    if random.Random(legal.siren).random() < 0.5:
        return f"{legal.raison_sociale} — {legal.forme}{capital}"
    return f"{legal.forme} {legal.raison_sociale} —{capital}"


def _editor_block(notice: _Notice) -> str:
    lines = [f"<strong>{_title_line(notice)}</strong>", f"Siège social : {notice.legal.address}"]
    lines += [line for line in (notice.rcs, f"SIRET : {notice.siret}") if line]
    if notice.tva:
        lines.append(f"TVA intracommunautaire : {notice.tva}")
    lines.append(f"{notice.role} : {notice.legal.dirigeant}")
    return f"<h2>Éditeur du site</h2><p>{'<br>'.join(lines)}</p>"


def _title(notice: _Notice) -> str:
    return f"{_editor_block(notice)}{_publication(notice)}<h2>Hébergement</h2><p>{notice.host}</p>"


def _table(notice: _Notice) -> str:
    legal, (host_name, host_address, _) = notice.legal, notice.legal.host
    rows = [
        ("Dénomination sociale", legal.raison_sociale),
        ("Forme juridique", LONG_FORMS[legal.forme].capitalize()),
        ("Capital social", f"{notice.capital} €" if notice.capital else ""),
        ("Siège social", legal.address),
        ("Immatriculation", notice.rcs),
        ("Numéro SIRET", notice.siret),
        ("TVA intracommunautaire", notice.tva),
        (notice.role, legal.dirigeant),
        ("Directeur de la publication", legal.directeur_publication),
        ("Hébergeur", f"{host_name}, {host_address}"),
    ]
    rows = [(label, value) for label, value in rows if value]
    if random.Random(legal.siren).random() < 0.5:
        cells = "".join(f'<tr><th scope="row">{label}</th><td>{value}</td></tr>' for label, value in rows)
        return f'<h2>Éditeur du site</h2><table class="mentions"><tbody>{cells}</tbody></table>'
    items = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    return f"<h2>Informations légales</h2><dl>{items}</dl>"


def _footer(notice: _Notice) -> str:
    legal = notice.legal
    parts = [f"© 2025 {legal.raison_sociale} {legal.forme}"]
    if notice.capital:
        parts.append(f"Capital de {notice.capital} €")
    parts += [part for part in (notice.rcs, f"SIRET {notice.siret}") if part]
    if notice.tva:
        parts.append(f"TVA {notice.tva}")
    parts.append(f"Hébergement : {legal.host[0]}")
    return f'<p class="copyright">{" · ".join(parts)}</p>'


def _upper(notice: _Notice) -> str:
    """Capitals for the labels, forms dotted (« S.A.R.L. ») or in title case (« Sarl »)."""
    form = notice.legal.forme
    written_form = ".".join(form) + "." if random.Random(notice.legal.siren).random() < 0.5 else form.capitalize()
    lines = notice.lines(
        {"name": "RAISON SOCIALE", "form": "FORME JURIDIQUE", "capital": "CAPITAL SOCIAL", "address": "SIÈGE SOCIAL",
         "rcs": "R.C.S.", "siret": "N° SIRET", "tva": "N° TVA", "role": notice.role.upper()}
    )  # fmt: skip
    lines = [line.replace(f"FORME JURIDIQUE : {form}", f"FORME JURIDIQUE : {written_form}") for line in lines]
    lines = [line.replace(" €", " EUR") for line in lines]
    return (
        f"<h2>ÉDITEUR DU SITE</h2><p>{'<br>'.join(lines)}</p>"
        f"<h2>PUBLICATION</h2><p>DIRECTEUR DE LA PUBLICATION : {notice.legal.directeur_publication}</p>"
        f"<h2>HÉBERGEMENT</h2><p>{notice.host.replace('Hébergeur', 'HÉBERGEUR')}</p>"
    )


def _form_first(notice: _Notice) -> str:
    legal = notice.legal
    if legal.forme == "EI":
        text = f"Entreprise individuelle {legal.raison_sociale}"
    else:
        text = f"La société {legal.forme} {legal.raison_sociale}"
    if notice.capital:
        text += f", au capital de {notice.capital} €"
    text += f", dont le siège social est situé au {legal.address}"
    if legal.forme != "EI":
        text += f", immatriculée au RCS de {legal.rcs_city} sous le numéro {notice.siren}"
    text += f". SIRET : {notice.siret}."
    if notice.tva:
        text += f" TVA : {notice.tva}."
    return (
        f"<h2>Éditeur</h2><p>{text}</p><p>{notice.role} : {legal.dirigeant}</p>{_publication(notice)}"
        f"<h2>Hébergement</h2><p>{notice.host}</p>"
    )


def _multi(notice: _Notice) -> str:
    """The host's block (with its own capital and RCS) and the web agency's come first."""
    host_name, host_address, host_siren = notice.legal.host
    host_city = host_address.rsplit(" ", 1)[-1]
    rng = random.Random(notice.spec.host)
    agency_siren = new_siren(rng)
    return (
        f"<h2>Hébergement</h2><p>{host_name} au capital de {HOST_CAPITALS[host_name]} €<br>{host_address}<br>"
        f"RCS {host_city} {spaced(host_siren, (3, 3, 3))}</p>"
        f"<h2>Conception et réalisation</h2><p>{rng.choice(AGENCIES)} SARL, siège : 5 rue de Strasbourg, "
        f"44000 Nantes – SIRET {spaced(new_siret(rng, agency_siren), (3, 3, 3, 5))}</p>"
        f"{_editor_block(notice)}{_publication(notice)}"
    )


LAYOUTS = {
    "labels": _labels, "prose": _prose, "title": _title, "table": _table, "footer": _footer,
    "upper": _upper, "form_first": _form_first, "multi": _multi,
}  # fmt: skip


def render_legal(legal: Legal, spec: SiteSpec) -> str:
    return LAYOUTS[legal.style](_notice(legal, spec))


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
        notice = render_legal(spec.legal, spec)
        in_its_box = spec.legal.style != "footer"  # a copyright line sits in the footer as it is
        footer += f'<div class="mentions"><h3>Mentions légales</h3>{notice}</div>' if in_its_box else notice
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
