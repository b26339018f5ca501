"""Generated French small-business websites, each with the truth about what it publishes.

:func:`generate` draws, from a seed, sites whose pages carry emails, social profiles, phone
numbers and legal notices in the many ways real sites write them — and the hard cases:
obfuscated, entity-encoded, Cloudflare-protected, JSON-LD and script-built addresses, pages
only listed in ``sitemap.xml``, share buttons and site-builder accounts, the host's SIREN next
to the business's, a web agency's address in the footer, dotted and spaced identifiers, La
Poste's SIRET, a TVA number that confirms a SIREN … plus broken sites (timeouts, 5xx, redirect
loops, redirects to private addresses, huge pages, non-HTML, wrong charset, empty pages, a
certificate from an unknown CA). :class:`Truth` is what a perfect extractor would return.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import phonenumbers

TRADES = (
    ("boulangerie", "Boulangerie"), ("plomberie", "Plomberie"), ("garage", "Garage"), ("coiffure", "Coiffure"),
    ("fleuriste", "Fleurs"), ("pharmacie", "Pharmacie"), ("cabinet-dentaire", "Cabinet dentaire"),
    ("menuiserie", "Menuiserie"), ("traiteur", "Traiteur"), ("librairie", "Librairie"), ("opticien", "Optique"),
    ("electricite", "Électricité"), ("paysagiste", "Paysages"), ("restaurant", "Restaurant"),
    ("immobilier", "Immobilier"), ("avocat", "Cabinet"), ("architecte", "Atelier"), ("veterinaire", "Clinique"),
    ("auto-ecole", "Auto-école"), ("toiture", "Toitures"),
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
    "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
    "Girard", "Andre", "Mercier", "Dupont", "Lambert", "Bonnet", "Francois", "Martinez", "Legrand", "Garnier",
    "Faure", "Rousseau", "Blanc", "Guerin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clement", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
)  # fmt: skip
FIRST_NAMES = (
    "Jean", "Marie", "Pierre", "Sophie", "Luc", "Claire", "Paul", "Julie", "Marc", "Camille", "Nicolas", "Laura",
    "Thomas", "Emma", "Hugo", "Léa", "Louis", "Chloé", "Antoine", "Manon", "Julien", "Sarah", "Alexandre", "Inès",
)  # fmt: skip
CITIES = (
    ("Paris", "75011", "01"), ("Lyon", "69003", "04"), ("Marseille", "13006", "04"), ("Toulouse", "31000", "05"),
    ("Nantes", "44000", "02"), ("Bordeaux", "33000", "05"), ("Lille", "59000", "03"), ("Rennes", "35000", "02"),
    ("Strasbourg", "67000", "03"), ("Montpellier", "34000", "04"), ("Nice", "06000", "04"), ("Dijon", "21000", "03"),
    ("Angers", "49000", "02"), ("Grenoble", "38000", "04"), ("Brest", "29200", "02"), ("Tours", "37000", "02"),
    ("Limoges", "87000", "05"), ("Amiens", "80000", "03"), ("Rouen", "76000", "02"), ("Pau", "64000", "05"),
)  # fmt: skip
STREETS = ("rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Gambetta", "place du Marché",
           "rue des Lilas", "chemin des Vignes", "rue Pasteur", "avenue de la Gare", "rue du Moulin")  # fmt: skip
HOSTS = (
    ("OVH SAS", "2 rue Kellermann, 59100 Roubaix", "424761419"),
    ("o2switch", "222 boulevard Gustave Flaubert, 63000 Clermont-Ferrand", "510909807"),
    ("IONOS SARL", "7 place de la Gare, 57200 Sarreguemines", "431303775"),
)
FORMS = ("SARL", "SAS", "EURL", "SASU", "SA", "EI")
LONG_FORMS = {"SARL": "société à responsabilité limitée", "SAS": "société par actions simplifiée",
              "EURL": "entreprise unipersonnelle à responsabilité limitée",
              "SASU": "société par actions simplifiée unipersonnelle", "SA": "société anonyme",
              "EI": "entreprise individuelle"}  # fmt: skip
NETWORK_URLS = {
    "facebook": "https://www.facebook.com/{}", "instagram": "https://www.instagram.com/{}",
    "linkedin": "https://www.linkedin.com/company/{}", "twitter": "https://x.com/{}",
    "tiktok": "https://www.tiktok.com/@{}", "youtube": "https://www.youtube.com/@{}",
}  # fmt: skip
FREE_PROVIDERS = ("orange.fr", "gmail.com", "wanadoo.fr", "free.fr", "sfr.fr")
BROKEN = ("timeout", "server_error", "redirect_loop", "redirect_private", "redirect_rebind", "huge", "non_html",
          "wrong_charset", "empty", "bad_certificate")  # fmt: skip
BROKEN_ERRORS = {
    "timeout": "délai dépassé", "server_error": "erreur HTTP 503", "redirect_loop": "trop de redirections",
    "redirect_private": "adresse interdite (réseau privé)", "redirect_rebind": "adresse interdite (réseau privé)",
    "non_html": "pas une page web (application/pdf)", "bad_certificate": "certificat TLS invalide",
}  # fmt: skip
LEGAL_LAYOUTS = ("labels", "prose", "title", "table", "footer", "upper", "form_first", "multi")
"""How a legal notice is written: labelled (« Raison sociale : … »), prose (« Le site est édité par
… »), a title line under « Éditeur du site » (« Boulangerie Martin — SARL au capital de … »), a
table or a definition list, a copyright line in the homepage footer only (« © 2025 … SARL · RCS
… »), capitals and dotted forms (« FORME JURIDIQUE : S.A.R.L. »), the legal form before the name
(« La société SAS Boulangerie Martin, au capital … »), and the host's and the web agency's blocks
before the editor's (multi)."""
FOOTER_SILENT = ("adresse_postale", "dirigeant", "directeur_publication")
"""What a footer copyright line does not say."""
EMAIL_WAYS = ("mailto", "text", "entities", "at_brackets", "arobase", "cloudflare", "json_ld", "script")
LA_POSTE = "356000000"


def luhn_digit(body: str) -> str:
    """The digit that makes ``body + digit`` pass the Luhn check."""
    for digit in "0123456789":
        total = 0
        for index, char in enumerate(reversed(body + digit)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return digit
    raise AssertionError("unreachable")


def new_siren(rng: random.Random) -> str:
    body = str(rng.randint(10_000_000, 99_999_999))
    return body + luhn_digit(body)


def new_siret(rng: random.Random, siren: str) -> str:
    if siren == LA_POSTE:
        while True:
            nic = f"{rng.randint(1, 99_999):05d}"
            if sum(int(char) for char in siren + nic) % 5 == 0:
                return siren + nic
    body = siren + f"{rng.randint(1, 9_999):04d}"
    return body + luhn_digit(body)


def tva_of(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def spaced(digits: str, groups: tuple[int, ...], separator: str = " ") -> str:
    parts, start = [], 0
    for size in groups:
        parts.append(digits[start : start + size])
        start += size
    return separator.join(parts)


def national(e164: str) -> str:
    number = phonenumbers.parse(e164)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def ascii_slug(text: str) -> str:
    table = str.maketrans("éèêëàâîïôöûùüçÉÈ", "eeeeaaiioouuucEE")
    return "".join(char if char.isalnum() else "-" for char in text.translate(table).lower()).strip("-")


@dataclass
class Email:
    address: str
    way: str
    page: str
    """``home``, ``contact``, ``legal`` or ``about``."""


@dataclass
class Phone:
    e164: str
    label: str
    """``tel``, ``fax``, ``mobile`` (how the page labels it)."""
    page: str
    style: str
    """``national``, ``international``, ``dotted``, ``tel_link``."""


@dataclass
class Legal:
    raison_sociale: str
    forme: str
    capital: int
    siren: str
    siret: str
    rcs_city: str
    address: str
    dirigeant: str
    directeur_publication: str
    host: tuple[str, str, str]
    tva: bool
    style: str
    """One of :data:`LEGAL_LAYOUTS`: how the notice is written."""
    ids_style: str
    """``spaced``, ``dotted``, ``compact``."""
    page: str
    """``legal`` (its own page) or ``home`` (in the homepage's footer; always for ``footer``)."""
    typo: bool = False
    """The SIREN is written with a wrong digit everywhere: no identifier may be reported."""

    @property
    def written_siren(self) -> str:
        if not self.typo:
            return self.siren
        wrong = str((int(self.siren[4]) + 1) % 10)
        return self.siren[:4] + wrong + self.siren[5:]

    @property
    def written_siret(self) -> str:
        return self.written_siren + self.siret[9:]


@dataclass
class Truth:
    email: str = ""
    email_personal: str = ""
    email_deep: str = ""
    email_personal_deep: str = ""
    socials: dict[str, str] = field(default_factory=dict)
    phone_secondary: str = ""
    mobile: str = ""
    fax: str = ""
    siren: str = ""
    siret: str = ""
    legal: dict[str, str] = field(default_factory=dict)
    legal_url: str = ""
    """The page the legal notice (and the identifiers) is read on."""
    fetch_error: str = ""


@dataclass
class SiteSpec:
    index: int
    host: str
    https: bool
    www: bool
    name: str
    trade: str
    city: tuple[str, str, str]
    street: str
    owner: tuple[str, str]
    phone: str
    emails: list[Email]
    decoy_emails: list[Email]
    socials: dict[str, tuple[str, str, str]]
    """network → (handle, page, style)."""
    decoy_socials: list[str]
    phones: list[Phone]
    legal: Legal | None
    nav: str
    """``links`` (menu of links), ``script`` (menu built by a script: pages found in ``sitemap.xml``)."""
    paths: dict[str, str]
    broken: str | None
    truth: Truth
    site_web: str

    @property
    def canonical_host(self) -> str:
        return f"www.{self.host}" if self.www else self.host

    @property
    def url(self) -> str:
        return f"{'https' if self.https else 'http'}://{self.canonical_host}/"

    @property
    def domain(self) -> str:
        return self.host

    def row(self) -> dict[str, str]:
        """The place as a job's item (what ``scrap`` or an import would give)."""
        return {
            "nom": self.name,
            "site_web": self.site_web,
            "telephone": national(self.phone),
            "adresse": f"{self.street}, {self.city[1]} {self.city[0]}",
            "ville": self.city[0],
        }


def _email_truth(emails: list[Email], domain: str, deep: bool) -> tuple[str, str]:
    """The documented ranking: a person's mailbox first, the site's domain before a free provider."""
    visible = [e for e in emails if deep or e.way != "script"]
    if not visible:
        return "", ""

    def key(email: Email) -> tuple[int, int]:
        personal = email.address.split("@")[0] in _PERSONAL_LOCALS
        return (0 if personal else 1, 0 if email.address.endswith("@" + domain) else 1)

    best = min(visible, key=key)
    personal = best.address.split("@")[0] in _PERSONAL_LOCALS
    return best.address, best.address if personal else ""


_PERSONAL_LOCALS: set[str] = set()


def _person_local(rng: random.Random, first: str, last: str) -> str:
    first_ascii, last_ascii = ascii_slug(first), ascii_slug(last)
    local = rng.choice((f"{first_ascii}.{last_ascii}", f"{first_ascii[0]}.{last_ascii}", f"{first_ascii}{last_ascii}"))
    _PERSONAL_LOCALS.add(local)
    return local


def _emails(rng: random.Random, spec_domain: str, trade_slug: str, owner: tuple[str, str]) -> tuple[list[Email], bool]:
    """The addresses a site publishes, and whether its menu is built by a script (pages in sitemap.xml only)."""
    pattern = rng.choices(
        ("none", "role", "role_personal", "personal", "free_shop", "free_personal", "script_personal", "hidden"),
        weights=(10, 25, 20, 12, 8, 5, 8, 6),
    )[0]
    role = rng.choice(("contact", "info", "accueil", "bonjour", "hello", "secretariat"))
    way = rng.choice(EMAIL_WAYS[:-1])
    page = rng.choice(("home", "contact", "contact", "legal"))
    emails: list[Email] = []
    if pattern in ("role", "role_personal"):
        emails.append(Email(f"{role}@{spec_domain}", way, page))
    if pattern in ("role_personal", "personal"):
        local = _person_local(rng, *owner)
        emails.append(Email(f"{local}@{spec_domain}", rng.choice(EMAIL_WAYS[:-1]), rng.choice(("contact", "about"))))
    if pattern == "free_shop":
        emails.append(Email(f"{trade_slug}.{ascii_slug(owner[1])}@{rng.choice(FREE_PROVIDERS)}", way, page))
    if pattern == "free_personal":
        local = _person_local(rng, *owner)
        emails.append(Email(f"{local}@{rng.choice(FREE_PROVIDERS)}", way, page))
    if pattern == "script_personal":
        emails.append(Email(f"{role}@{spec_domain}", way, "legal"))
        emails.append(Email(f"{_person_local(rng, *owner)}@{spec_domain}", "script", "contact"))
    if pattern == "hidden":  # the site's menu is built by a script: its contact page is in sitemap.xml only
        emails.append(Email(f"{role}@{spec_domain}", way, "contact"))
    return emails, pattern == "hidden"


def _decoy_emails(rng: random.Random) -> list[Email]:
    decoys = []
    if rng.random() < 0.3:
        agency = rng.choice(("agence-pixel.fr", "webcreation-studio.fr", "site-vitrine-pro.fr"))
        decoys.append(Email(f"contact@{agency}", "agency", "home"))
    if rng.random() < 0.2:
        decoys.append(Email("prenom.nom@domaine.fr", "placeholder", "contact"))
    if rng.random() < 0.2:
        decoys.append(Email("logo@2x.png", "asset", "home"))
    if rng.random() < 0.15:
        decoys.append(Email("8f14e45fceea167a5a36dedd4bea2543@o123456.ingest.sentry.io", "sentry", "home"))
    return decoys


def _socials(rng: random.Random, handle: str) -> tuple[dict[str, tuple[str, str, str]], list[str]]:
    socials = {}
    for network in NETWORK_URLS:
        if rng.random() < 0.4:
            style = rng.choice(("plain", "variant", "variant", "plain"))
            socials[network] = (handle if rng.random() < 0.8 else f"{handle}{rng.randint(1, 99)}", "home", style)
            if rng.random() < 0.15:
                socials[network] = (socials[network][0], "contact", style)
    decoys = rng.sample(
        (
            "https://www.facebook.com/sharer/sharer.php?u={url}",
            "https://twitter.com/intent/tweet?url={url}",
            "https://www.linkedin.com/shareArticle?mini=true&url={url}",
            "https://www.facebook.com/wix",
            "https://www.instagram.com/wordpressdotcom/",
            "https://twitter.com/",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.instagram.com/p/CxYz123/",
            "https://www.pagesjaunes.fr/pros/12345678",
        ),
        k=rng.randint(0, 3),
    )
    return socials, decoys


def _valid(rng: random.Random, first: str, kind: int) -> str:
    """A number of the numbering plan's given type, starting with ``first`` after +33."""
    while True:
        candidate = f"+33{first}{rng.randint(10_000_000, 99_999_999)}"
        number = phonenumbers.parse(candidate)
        if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) == kind:
            return candidate


def _phones(rng: random.Random, prefix: str) -> tuple[str, list[Phone]]:
    def landline() -> str:
        return _valid(rng, prefix[1], phonenumbers.PhoneNumberType.FIXED_LINE)

    primary = landline()
    phones = [Phone(primary, "tel", "home", rng.choice(("national", "tel_link", "international")))]
    if rng.random() < 0.35:
        phones.append(Phone(landline(), "tel", "contact", rng.choice(("national", "dotted", "international"))))
    if rng.random() < 0.35:
        mobile = _valid(rng, rng.choice("67"), phonenumbers.PhoneNumberType.MOBILE)
        phones.append(Phone(mobile, "mobile", rng.choice(("home", "contact")), rng.choice(("national", "tel_link"))))
    if rng.random() < 0.25:
        phones.append(Phone(landline(), "fax", "contact", rng.choice(("national", "dotted"))))
    return primary, phones


def _legal(rng: random.Random, name: str, owner: tuple[str, str], city: tuple[str, str, str], street: str) -> Legal:
    siren = LA_POSTE if rng.random() < 0.01 else new_siren(rng)
    form = rng.choice(FORMS)
    person = f"{owner[0]} {owner[1]}"
    return Legal(
        raison_sociale=name,
        forme=form,
        capital=rng.choice((1000, 5000, 7500, 8000, 10000, 15000, 50000, 100000)) if form != "EI" else 0,
        siren=siren,
        siret=new_siret(rng, siren),
        rcs_city=city[0],
        address=f"{rng.randint(1, 120)} {street}, {city[1]} {city[0]}",
        dirigeant=person,
        directeur_publication=person if rng.random() < 0.8 else f"{rng.choice(FIRST_NAMES)} {owner[1]}",
        host=rng.choice(HOSTS),
        tva=rng.random() < 0.6 and siren != LA_POSTE,
        style=(style := rng.choice(LEGAL_LAYOUTS)),
        ids_style=rng.choice(("spaced", "dotted", "compact")),
        page="legal" if style != "footer" and rng.random() < 0.85 else "home",
        typo=rng.random() < 0.04,
    )


def _legal_truth(legal: Legal | None) -> tuple[str, str, dict[str, str]]:
    if legal is None:
        return "", "", {}
    ids = ("", "") if legal.typo else (legal.siren, legal.siret)
    has_tva = legal.tva and not legal.typo
    capital = f"{legal.capital:,}".replace(",", " ") + " €" if legal.capital else ""
    fields = {
        "raison_sociale": legal.raison_sociale,
        "forme_juridique": legal.forme,
        "capital_social": capital,
        "rcs": f"RCS {legal.rcs_city} {spaced(legal.written_siren, (3, 3, 3))}" if legal.forme != "EI" else "",
        "adresse_postale": legal.address,
        "dirigeant": legal.dirigeant,
        "directeur_publication": legal.directeur_publication,
        "hebergeur": legal.host[0],
        "tva_intracom": tva_of(legal.siren) if has_tva else "",
    }
    if legal.style == "footer":
        fields.update(dict.fromkeys(FOOTER_SILENT, ""))
    return ids[0], ids[1], fields


def generate(count: int, seed: int = 2024, broken_share: float = 0.08) -> list[SiteSpec]:
    _PERSONAL_LOCALS.clear()
    rng = random.Random(seed)
    sites: list[SiteSpec] = []
    used: set[str] = set()
    broken_kinds = itertools.cycle(BROKEN)  # in turn, so every fault is served whatever else is drawn
    for index in range(count):
        trade_slug, trade_name = rng.choice(TRADES)
        last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
        city = rng.choice(CITIES)
        host = f"{trade_slug}-{ascii_slug(last)}-{ascii_slug(city[0])}.fr"
        if host in used:
            host = f"{trade_slug}-{ascii_slug(last)}-{ascii_slug(city[0])}-{index}.fr"
        used.add(host)
        site = _draw_site(rng, index, host, (trade_slug, trade_name), (first, last), city, broken_share, broken_kinds)
        sites.append(site)
    return sites


def site_for_host(host: str, broken_share: float = 0.08) -> SiteSpec:
    """The site behind a name outside the catalogue (a business the Maps world gave a website).

    Drawn from the name itself, so the same host always serves the same pages and truth.
    """
    rng = random.Random(f"site:{host}")
    words = host.removesuffix(".fr").split("-")
    trade = next((t for t in TRADES if t[0] == words[0]), None) or rng.choice(TRADES)
    last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
    return _draw_site(rng, -1, host, trade, (first, last), rng.choice(CITIES), broken_share)


def _draw_site(
    rng: random.Random,
    index: int,
    host: str,
    trade: tuple[str, str],
    owner: tuple[str, str],
    city: tuple[str, str, str],
    broken_share: float,
    broken_kinds: Iterator[str] | None = None,
) -> SiteSpec:
    (trade_slug, trade_name), (first, last) = trade, owner
    name = f"{trade_name} {last}"
    emails, script_menu = _emails(rng, host, trade_slug, (first, last))
    socials, decoy_socials = _socials(rng, ascii_slug(f"{trade_slug}{last}").replace("-", ""))
    primary, phones = _phones(rng, city[2])
    legal = _legal(rng, name, (first, last), city, rng.choice(STREETS)) if rng.random() < 0.8 else None
    broken = None
    if rng.random() < broken_share:
        broken = next(broken_kinds) if broken_kinds else rng.choice(BROKEN)
    # A huge page goes over plain HTTP: framing 12 MB in pure-Python HTTP/2 would starve the world's server.
    https = (rng.random() < 0.7 or broken == "bad_certificate") and broken != "huge"
    www = rng.random() < 0.5
    paths = {
        "contact": rng.choice(("/contact", "/nous-contacter.html", "/contactez-nous/", "/en/contact-us")),
        "legal": rng.choice(("/mentions-legales", "/mentions-legales.html", "/informations-legales/", "/legal")),
        "about": rng.choice(("/a-propos", "/qui-sommes-nous", "/notre-equipe/")),
    }
    nav = "script" if script_menu or rng.random() < 0.04 else "links"
    site_web = rng.choice((f"https://{host}/", f"http://{host}", host, f"www.{host}", f"https://www.{host}"))
    if not https and site_web.startswith("https://"):
        site_web = f"http://{host}/"
    if broken == "bad_certificate":
        site_web = f"https://{host}/"
    truth = Truth()
    truth.email, truth.email_personal = _email_truth(emails, host, deep=False)
    truth.email_deep, truth.email_personal_deep = _email_truth(emails, host, deep=True)
    truth.socials = {net: NETWORK_URLS[net].format(handle) for net, (handle, _, _) in socials.items()}
    for phone in phones[1:]:
        slot = {"tel": "phone_secondary", "mobile": "mobile", "fax": "fax"}[phone.label]
        if not getattr(truth, slot):
            setattr(truth, slot, phone.e164)
    truth.siren, truth.siret, truth.legal = _legal_truth(legal)
    spec = SiteSpec(
        index=index, host=host, https=https, www=www, name=name, trade=trade_slug, city=city,
        street=rng.choice(STREETS), owner=(first, last), phone=primary, emails=emails,
        decoy_emails=_decoy_emails(rng), socials=socials, decoy_socials=decoy_socials, phones=phones,
        legal=legal, nav=nav, paths=paths, broken=broken,
        truth=truth, site_web=site_web,
    )  # fmt: skip
    if legal is not None:
        spec.truth.legal_url = spec.url + spec.paths["legal"].lstrip("/") if legal.page == "legal" else spec.url
    if broken and broken not in ("huge", "wrong_charset"):
        spec.truth = Truth(fetch_error=BROKEN_ERRORS.get(broken, ""))
    return spec
