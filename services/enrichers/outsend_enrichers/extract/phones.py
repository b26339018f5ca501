"""Phone numbers published on a site: validated by ``phonenumbers``, in E.164, labelled.

A number is a fax only when the page labels it so (the nearest label before it says « Fax » or
« Télécopie »); mobiles are told by the national numbering plan. Anything ``phonenumbers`` does
not find valid is dropped: no best-effort guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from outsend_web.html import Document

_LABEL = re.compile(
    r"(t[ée]l[ée]copie|fax|t[ée]l[ée]phone|t[ée]l\b|tel\b|phone|portable|mobile|gsm|standard|ligne directe|"
    r"whatsapp|sms|siret|siren|rcs|tva|capital)",
    re.IGNORECASE,
)
_FAX = re.compile(r"t[ée]l[ée]copie|fax", re.IGNORECASE)
_LEGAL_NUMBER = re.compile(r"siret|siren|rcs|tva|capital", re.IGNORECASE)
LABEL_WINDOW = 40
_COUNTRY_HINTS = {"belgique": "BE", "belgium": "BE", "suisse": "CH", "switzerland": "CH", "luxembourg": "LU",
                  "monaco": "MC", "canada": "CA", "quebec": "CA"}  # fmt: skip
LANDLINE_TYPES = (
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.VOIP,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.UAN,
)


@dataclass(frozen=True)
class PhoneFound:
    e164: str
    kind: int
    """A ``phonenumbers.PhoneNumberType`` value."""
    fax: bool


def region_for(address: str) -> str:
    """The country to read national numbers in: France unless the address says otherwise."""
    lowered = address.lower()
    return next((region for word, region in _COUNTRY_HINTS.items() if word in lowered), "FR")


def e164(value: str, region: str = "FR") -> str | None:
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164) if phonenumbers.is_valid_number(number) else None


def _label_before(text: str, start: int) -> str:
    labels = _LABEL.findall(text[max(0, start - LABEL_WINDOW) : start])
    return labels[-1] if labels else ""


def find_phones(document: Document, region: str) -> list[PhoneFound]:
    """Every valid number on a page, in order; ``tel:`` links first (the site's own choice)."""
    found: list[PhoneFound] = []
    for link in document.links:
        if link.url.lower().startswith("tel:") and (number := _parse(link.url[4:], region)):
            found.append(PhoneFound(*number, fax=bool(_FAX.search(link.text))))
    text = document.text
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        label = _label_before(text, match.start)
        if _LEGAL_NUMBER.fullmatch(label or "-"):
            continue  # digits of a SIRET or a capital that happen to look like a number
        kind = phonenumbers.number_type(match.number)
        found.append(
            PhoneFound(
                phonenumbers.format_number(match.number, PhoneNumberFormat.E164),
                kind,
                bool(_FAX.fullmatch(label or "-")),
            )
        )
    return found


def _parse(value: str, region: str) -> tuple[str, int] | None:
    try:
        number = phonenumbers.parse(re.sub(r"[^\d+]", "", value.split(";")[0]), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164), phonenumbers.number_type(number)


@dataclass(frozen=True)
class ExtraPhones:
    phone_secondary: str
    mobile: str
    fax: str


def classify(found: list[PhoneFound], primary: str | None) -> ExtraPhones:
    """The first landline, mobile and labelled fax that are not the row's own number."""
    fax_numbers = {item.e164 for item in found if item.fax}
    secondary = mobile = fax = ""
    for item in found:
        if item.e164 == primary:
            continue
        if item.fax:
            fax = fax or item.e164
        elif item.kind == PhoneNumberType.MOBILE and item.e164 not in fax_numbers:
            mobile = mobile or item.e164
        elif item.kind in LANDLINE_TYPES and item.e164 not in fax_numbers:
            secondary = secondary or item.e164
    return ExtraPhones(secondary, mobile, fax)
