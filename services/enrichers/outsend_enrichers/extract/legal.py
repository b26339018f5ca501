"""French legal identifiers and the legal notice (« mentions légales ») of a site.

SIREN (9 digits) and SIRET (14) pass the Luhn check — except La Poste's establishments
(SIREN 356 000 000), whose SIRET digits add up to a multiple of 5. They are read only after a
label (SIREN, SIRET, RCS, « immatriculée ») in their spaced or dotted forms, so a phone number
is never one; a TVA intracom number (``FR`` + key + SIREN) is checked by its key and confirms
the SIREN it contains. Identifiers written in the host's paragraph (« Hébergeur : OVH … RCS
Lille 424 761 419 ») are the host's, not the business's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LA_POSTE_SIREN = "356000000"
_NUMBER = re.compile(r"\d(?:[\d \u00a0.]{0,20}\d)?")
_ID_LABEL = re.compile(r"(siret|siren|r\.?c\.?s|immatricul|identification|registre du commerce|n°\s*tva)", re.I)
_TVA = re.compile(r"\bFR[\s\u00a0]?([0-9A-Z]{2})[\s\u00a0.]?(\d{3})[\s\u00a0.]?(\d{3})[\s\u00a0.]?(\d{3})\b")
_SECTION = re.compile(
    r"(h[ée]berg|hosting|hosted|[ée]dit|propri[ée]taire|raison sociale|d[ée]nomination|si[èe]ge|directeur|"
    r"responsable|soci[ée]t[ée]|conception|r[ée]alisation)",
    re.IGNORECASE,
)
_THIRD_PARTY = re.compile(r"h[ée]berg|hosting|hosted|conception|r[ée]alisation", re.IGNORECASE)
_OWN_FIELD = re.compile(r"si[èe]ge|soci[ée]t[ée]", re.IGNORECASE)
"""Words every company's block has, the host's and the agency's too: not a new section."""


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def siren_ok(siren: str) -> bool:
    return len(siren) == 9 and siren.isdigit() and siren != "000000000" and luhn_ok(siren)


def siret_ok(siret: str) -> bool:
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE_SIREN):
        return sum(int(char) for char in siret) % 5 == 0
    return siren_ok(siret[:9]) and luhn_ok(siret)


def tva_key(siren: str) -> str:
    return f"{(12 + 3 * (int(siren) % 97)) % 97:02d}"


def tva_siren(tva: str) -> str | None:
    """The SIREN inside a valid French TVA number (``FR`` + 2-digit key + SIREN)."""
    compact = re.sub(r"[\s\u00a0.]", "", tva.upper())
    match = re.fullmatch(r"FR(\d{2})(\d{9})", compact)
    if not match or not siren_ok(match.group(2)) or tva_key(match.group(2)) != match.group(1):
        return None
    return match.group(2)


def find_tva(text: str) -> list[tuple[str, int]]:
    """Valid French TVA numbers in a text, compact (``FR12345678901``), with their positions."""
    found: list[tuple[str, int]] = []
    for match in _TVA.finditer(text):
        compact = "FR" + "".join(match.groups())
        if tva_siren(compact) and compact not in {tva for tva, _ in found}:
            found.append((compact, match.start()))
    return found


@dataclass(frozen=True)
class IdCandidate:
    digits: str
    position: int
    third_party: bool


def _third_party(text: str, position: int) -> bool:
    """Whether ``position`` is in the host's or the web agency's section: after their heading, and
    no heading of the business's since (their own « siège » or « société » does not end it)."""
    inside = False
    for section in _SECTION.finditer(text[max(0, position - 400) : position]):
        if _THIRD_PARTY.match(section.group(0)):
            inside = True
        elif not _OWN_FIELD.fullmatch(section.group(0)):
            inside = False
    return inside


def id_candidates(text: str) -> list[IdCandidate]:
    """9- and 14-digit numbers written right after an identifier label."""
    found = []
    for match in _NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if len(digits) not in (9, 14) or not _ID_LABEL.search(text[max(0, match.start() - 45) : match.start()]):
            continue
        found.append(IdCandidate(digits, match.start(), _third_party(text, match.start())))
    return found


@dataclass(frozen=True)
class LegalIds:
    siren: str
    siret: str


def choose_ids(text: str) -> LegalIds:
    """The business's SIRET and SIREN on a page, cross-checked with its TVA number."""
    tva_sirens = {siren for tva, _ in find_tva(text) if (siren := tva_siren(tva))}
    candidates = [c for c in id_candidates(text) if not c.third_party]
    sirets = [c.digits for c in candidates if len(c.digits) == 14 and siret_ok(c.digits)]
    sirens = [c.digits for c in candidates if len(c.digits) == 9 and siren_ok(c.digits)]

    def score(siren: str) -> tuple[int, int]:
        return (int(siren in tva_sirens) * 2 + int(any(s.startswith(siren) for s in sirets)), -sirens.index(siren))

    if sirets:
        siret = max(sirets, key=lambda s: (s[:9] in tva_sirens, s[:9] in sirens, -sirets.index(s)))
        return LegalIds(siret[:9], siret)
    if sirens:
        return LegalIds(max(sirens, key=score), "")
    host_sirens = {c.digits for c in id_candidates(text) if c.third_party}
    from_tva = [siren for siren in tva_sirens if siren not in host_sirens]
    return LegalIds(from_tva[0] if len(from_tva) == 1 else "", "")


# --- the legal notice ------------------------------------------------------------------------

FORMS = (
    ("société par actions simplifiée unipersonnelle", "SASU"),
    ("société par actions simplifiée", "SAS"),
    ("société d'exercice libéral à responsabilité limitée", "SELARL"),
    ("entreprise unipersonnelle à responsabilité limitée", "EURL"),
    ("société à responsabilité limitée", "SARL"),
    ("société civile immobilière", "SCI"),
    ("société civile professionnelle", "SCP"),
    ("société en nom collectif", "SNC"),
    ("société anonyme", "SA"),
    ("entreprise individuelle à responsabilité limitée", "EIRL"),
    ("entreprise individuelle", "EI"),
    ("micro-entreprise", "EI"),
    ("auto-entrepreneur", "EI"),
    ("association", "Association"),
)
SHORT_FORMS = ("SASU", "SAS", "SARL", "EURL", "SELARL", "SELAS", "SCI", "SCP", "SNC", "SA", "EIRL", "EI")
"""Longest first where one begins another (``SASU`` before ``SAS`` before ``SA``)."""
_SHORT_FORMS = "|".join(SHORT_FORMS)
_FORM_TOKEN = re.compile(rf"\b({_SHORT_FORMS})\b")
_DOTTED_FORM = "|".join(r"\.?".join(form) + r"\.?" for form in SHORT_FORMS)
"""A short form as written: ``SARL``, ``S.A.R.L.``, ``Sarl``."""
_FORM_SUFFIX = re.compile(rf"[\s,]+\(?({_DOTTED_FORM})\)?$", re.IGNORECASE)
_FORM_PREFIX = re.compile(rf"^({_DOTTED_FORM})\s+", re.IGNORECASE)
_LONG_FORM_PREFIX = re.compile(
    "^(" + "|".join(re.escape(long) for long, short in FORMS if short != "Association") + r")\s+", re.IGNORECASE
)
_STOP = r"(?=\s*(?:[,;(\n]|\s[-–—|·•]\s|\.\s|\.$|$| au capital| immatricul| dont | sis | situ[ée]| inscrit))"
_NAME = r"([A-ZÀ-Ý][\w'’À-ÿ.&-]*(?:[ -][A-Za-zÀ-ÿ'’.&-]+){0,5}?)"
_PERSON = r"((?:M\.|Mme|Madame|Monsieur|Me|Dr)?\s*[A-ZÀ-Ý][a-zà-ÿ'’-]+(?:[ -][A-ZÀ-Ý][\wà-ÿ'’-]+){1,3})"
_LABELS: dict[str, re.Pattern[str]] = {
    "raison_sociale": re.compile(
        r"(?:raison sociale|d[ée]nomination(?: sociale)?|nom de la soci[ée]t[ée]|[ée]diteur(?: du site)?|"
        r"propri[ée]taire(?: du site)?)\s*:\s*(?:la soci[ée]t[ée]\s+)?" + _NAME + _STOP,
        re.IGNORECASE,
    ),
    "raison_sociale_prose": re.compile(
        r"(?:est [ée]dit[ée]|est la propri[ée]t[ée]|appartient [àa]|exploit[ée]) (?:par|de)\s+(?:la soci[ée]t[ée]\s+)?"
        + _NAME
        + _STOP
    ),
    "forme_juridique": re.compile(r"forme juridique\s*:\s*([^\n,;]{2,80})", re.IGNORECASE),
    "capital_social": re.compile(
        r"capital(?: social)?(?: de| :|:)?\s*(\d[\d \u00a0\u202f.,]*)\s*(€|euros?|EUR|CHF|\$|£)", re.IGNORECASE
    ),
    "rcs": re.compile(
        r"(?:RCS|R\.C\.S\.?|registre du commerce et des soci[ée]t[ée]s)\s*(?:de |d'|:\s*)?"
        r"([A-ZÀ-Ý][\w'À-ÿ-]+(?: [A-ZÀ-Ý][\w'À-ÿ-]+)?)"
        r"[\s,:]*(?:sous le (?:num[ée]ro|n°)\s*)?(?:[AB]\s+)?(\d{3}[\s\u00a0.]?\d{3}[\s\u00a0.]?\d{3})",
    ),
    "adresse_postale": re.compile(
        r"(?:si[èe]ge(?: social)?|adresse(?: postale)?|domicili[ée]e?|situ[ée]e?)\s*(?:est )?(?:situ[ée]e? )?"
        r"(?::\s*|au |à |a )?(\d{1,4}(?:\s?(?:bis|ter))?,?\s+[^\n]{3,90}?\b\d{5}\s+"
        r"[A-ZÀ-Ý][\w'À-ÿ-]+(?:[ -][A-ZÀ-Ý][\w'À-ÿ-]+)*(?: Cedex(?: \d+)?)?)",
        re.IGNORECASE,
    ),
    "dirigeant": re.compile(
        r"(?:g[ée]rante?|pr[ée]sidente?|repr[ée]sentant l[ée]gal|dirigeante?|PDG|directeur g[ée]n[ée]ral|"
        r"directrice g[ée]n[ée]rale)\s*:\s*" + _PERSON,
        re.IGNORECASE,
    ),
    "directeur_publication": re.compile(
        r"(?:direct(?:eur|rice)|responsable)(?: de (?:la )?| )publication\s*:?\s*" + _PERSON, re.IGNORECASE
    ),
    "hebergeur": re.compile(
        r"(?:h[ée]bergeur(?: du site)?|h[ée]bergement(?: du site)?|h[ée]berg[ée] par|hosted by|hosting)\s*"
        r"(?::\s*|par\s*:?\s*|est\s+)?(?:la soci[ée]t[ée]\s+)?"
        + r"([A-Z0-9][\w'’.&-]*(?: [A-Za-z0-9][\w'’.&-]*){0,4}?)"
        + _STOP,
        re.IGNORECASE,
    ),
}
_CELL_LABEL = re.compile(
    r"(?:raison sociale|d[ée]nomination(?: sociale)?|forme(?: juridique)?|capital(?: social)?|si[èe]ge(?: social)?|"
    r"adresse(?: postale)?|immatriculation|(?:num[ée]ro |n° ?)?(?:siret|siren|rcs)|"
    r"(?:num[ée]ro |n° ?)?(?:de )?tva(?: intracommunautaire)?|g[ée]rante?|pr[ée]sidente?|repr[ée]sentant l[ée]gal|"
    r"dirigeante?|direct(?:eur|rice) de (?:la )?publication|responsable de (?:la )?publication|h[ée]bergeur)\s*:?",
    re.IGNORECASE,
)
"""A table header cell or a ``<dt>``: a label alone on its line, its value on the next."""
_EDITOR_HEADING = re.compile(
    r"(?:l'|l’)?(?:[ée]diteur|[ée]dition|propri[ée]taire)(?: du site(?: internet| web)?)?\s*:?", re.IGNORECASE
)
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*[-–:]?\s*(.+)", re.IGNORECASE)
_SEGMENTS = re.compile(r"\s[-–—|·•]\s|,\s|\.\s|\s(?=au capital|immatricul|dont )")
_ARTICLE = re.compile(r"(?:la soci[ée]t[ée]|l'entreprise|l’entreprise|soci[ée]t[ée])\s+", re.IGNORECASE)
COLUMNS = (
    "raison_sociale", "forme_juridique", "capital_social", "rcs", "adresse_postale",
    "dirigeant", "directeur_publication", "hebergeur", "tva_intracom",
)  # fmt: skip


def _squash(value: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", value).strip(" .,;:-–")


def normalize_form(value: str) -> str:
    lowered = value.lower().replace("’", "'")
    for long_form, short in FORMS:
        if long_form in lowered:
            return short
    match = _FORM_TOKEN.search(value.upper().replace(".", ""))
    return match.group(1) if match else ""


def normalize_capital(amount: str, currency: str) -> str:
    """``10.000,00 euros`` → ``10 000 €``; decimals kept when they are not zero."""
    digits = re.sub(r"[\s\u00a0\u202f]", "", amount)
    parts = re.split(r"[.,](?=\d{1,2}$)", digits)
    whole = re.sub(r"\D", "", parts[0])
    cents = parts[1] if len(parts) > 1 and parts[1].strip("0") else ""
    if not whole:
        return ""
    symbol = "€" if currency.lower().startswith(("€", "eur")) else currency.upper()
    grouped = f"{int(whole):,}".replace(",", " ")
    return f"{grouped},{cents} {symbol}" if cents else f"{grouped} {symbol}"


def _short_form(written: str) -> str:
    """``S.A.R.L.`` / ``Sarl`` → ``SARL``; ``""`` for a word that only looks like one (« Sa »)."""
    letters = written.replace(".", "").upper()
    mixed_case = not written.isupper() and "." not in written
    return "" if mixed_case and len(letters) < 4 else letters


def _strip_form(name: str) -> tuple[str, str]:
    """``Boulangerie Martin SARL`` / ``SARL Boulangerie Martin`` → (``Boulangerie Martin``, ``SARL``)."""
    for pattern in (_FORM_SUFFIX, _FORM_PREFIX, _LONG_FORM_PREFIX):
        if not (match := pattern.search(name)):
            continue
        rest = (name[: match.start()] + name[match.end() :]).strip(" ,")
        form = normalize_form(match.group(1)) if pattern is _LONG_FORM_PREFIX else _short_form(match.group(1))
        if rest and form:
            return rest, form
    return name, ""


def _leading_form(segment: str) -> str:
    """The legal form a segment of a title line starts with (« SARL au capital de … »)."""
    if match := _LONG_FORM_PREFIX.match(segment + " "):
        return normalize_form(match.group(1))
    match = re.match(rf"({_DOTTED_FORM})(?!\w)", segment, re.IGNORECASE)
    return _short_form(match.group(1)) if match else ""


def _company_line(line: str, *, form_may_follow: bool) -> tuple[str, str] | None:
    """``Boulangerie du Port — SARL au capital de …`` → (name, form), or ``None`` unless the line
    states a legal form: a line without one is not known to name a company."""
    segments = _SEGMENTS.split(_ARTICLE.sub("", line.strip(), count=1))
    name, form = _strip_form(_squash(segments[0]))
    if not form and form_may_follow and len(segments) > 1:
        form = _leading_form(segments[1].strip())
    plausible = bool(re.match(r"[A-ZÀ-Ý0-9]", name)) and len(name) <= 80 and len(name.split()) <= 8
    if not form or not plausible or re.search(r"[:@/]", name):
        return None
    return name, form


def _join_cells(text: str) -> str:
    """Tables and definition lists put a label and its value on two lines: one ``label : value``."""
    lines = text.split("\n")
    joined: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _CELL_LABEL.fullmatch(line) and index + 1 < len(lines) and not _CELL_LABEL.fullmatch(lines[index + 1]):
            joined.append(f"{line.rstrip(' :')} : {lines[index + 1]}")
            index += 2
        else:
            joined.append(line)
            index += 1
    return "\n".join(joined)


def _labelled_company(text: str) -> tuple[str, str, str] | None:
    """« Raison sociale : … », « … est édité par … »: the name, its form, and the rest of its line."""
    for pattern in (_LABELS["raison_sociale"], _LABELS["raison_sociale_prose"]):
        for match in pattern.finditer(text):
            if not _third_party(text, match.start()):
                name, form = _strip_form(_squash(match.group(1)))
                end = text.find("\n", match.start(1))
                return name, form, text[match.start(1) : end if end >= 0 else len(text)]
    return None


def _titled_company(text: str) -> tuple[str, str, str] | None:
    """The line under an « Éditeur du site » heading, or a « © 2025 … SARL » line: a company only
    when it states its legal form."""
    lines = text.split("\n")
    offset = 0
    for index, line in enumerate(lines):
        found = None
        if _EDITOR_HEADING.fullmatch(line) and index + 1 < len(lines):
            found = _company_line(lines[index + 1], form_may_follow=True)
        elif (copyright := _COPYRIGHT.match(line)) and not _third_party(text, offset):
            found = _company_line(copyright.group(1), form_may_follow=False)
        if found:
            return *found, ""
        offset += len(line) + 1
    return None


def _company(text: str) -> tuple[str, str]:
    """The editor's registered name and legal form (a stated « Forme juridique » wins)."""
    stated = _LABELS["forme_juridique"].search(text)
    stated_form = normalize_form(stated.group(1)) if stated else ""
    found = _labelled_company(text) or _titled_company(text)
    if found is None:
        return "", stated_form
    name, form, rest_of_line = found
    return name, stated_form or form or normalize_form(rest_of_line)


def _first_own(text: str, key: str) -> re.Match[str] | None:
    """The first match of a field that is not in the host's or the web agency's section."""
    return next((m for m in _LABELS[key].finditer(text) if not _third_party(text, m.start())), None)


def parse_legal_notice(text: str) -> dict[str, str]:
    """The legal notice's fields (empty when the page does not say)."""
    text = _join_cells(text)
    fields = dict.fromkeys(COLUMNS, "")
    fields["raison_sociale"], fields["forme_juridique"] = _company(text)
    if match := _first_own(text, "capital_social"):
        fields["capital_social"] = normalize_capital(match.group(1), match.group(2))
    if match := _first_own(text, "rcs"):
        digits = re.sub(r"\D", "", match.group(2))
        fields["rcs"] = f"RCS {match.group(1)} {digits[:3]} {digits[3:6]} {digits[6:]}"
    if match := _first_own(text, "adresse_postale"):
        fields["adresse_postale"] = _squash(match.group(1))
    if match := _first_own(text, "dirigeant"):
        fields["dirigeant"] = _squash(match.group(1))
    for key in ("directeur_publication", "hebergeur"):
        if match := _LABELS[key].search(text):
            fields[key] = _squash(match.group(1))
    if not fields["dirigeant"]:
        fields["dirigeant"] = fields["directeur_publication"]
    business_tva = [tva for tva, position in find_tva(text) if not _third_party(text, position)]
    fields["tva_intracom"] = business_tva[0] if business_tva else ""
    return fields
