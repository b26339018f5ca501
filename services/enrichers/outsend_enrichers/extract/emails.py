"""Email addresses published on a site, and which one to keep.

Addresses come from ``mailto:`` links, the visible text (HTML entities decoded by the parser),
``[at]`` / ``(arobase)`` / ``{dot}`` obfuscations, Cloudflare's email protection, JSON-LD and
microdata. Nothing is invented: an address is kept only if it was written on the page, has a
real public suffix and is not a placeholder, a technical address of a platform, or the address
of a third party credited on the page (the web agency, the host).

Ranking (deterministic): a personal mailbox before a role one (``contact@`` …), the site's own
domain before a free provider before any other domain, then the most often published, then the
first seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from email_validator import EmailNotValidError, validate_email

from outsend_enrichers.mailboxes import FREE_PROVIDERS, is_personal, is_placeholder_address
from outsend_web.html import Document, has_public_suffix, registrable_domain

_ADDRESS = re.compile(r"(?<![\w.+-])[a-z0-9][\w.+'-]{0,63}@[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)
_AT = re.compile(r"\s*(?:[\[\(\{<]\s*(?:at|arobase|@|chez)\s*[\]\)\}>]|\s(?:arobase|\[@\])\s)\s*", re.IGNORECASE)
_DOT = re.compile(r"\s*[\[\(\{<]\s*(?:dot|point|\.)\s*[\]\)\}>]\s*", re.IGNORECASE)
_CREDIT = re.compile(
    r"r[ée]alis[ée]|con[çc]u|cr[ée]ation|design|d[ée]velopp|agence web|webmaster|h[ée]berg|powered|made by|"
    r"site (?:web )?par|propuls",
    re.IGNORECASE,
)
_CLOUDFLARE_HREF = re.compile(r"/cdn-cgi/l/email-protection#([0-9a-f]+)", re.IGNORECASE)
CONTEXT_CHARS = 80


@dataclass(frozen=True)
class Found:
    address: str
    source: str
    """``mailto``, ``text``, ``obfuscated``, ``cloudflare``, ``structured`` or ``attribute``."""
    context: str
    """Text just before it: tells a credit line (“Réalisé par …”) from a contact line."""


def decode_cloudflare(hex_value: str) -> str | None:
    """Cloudflare's ``data-cfemail``: the first byte is the XOR key of the others."""
    try:
        data = bytes.fromhex(hex_value)
    except ValueError:
        return None
    if len(data) < 2:
        return None
    key = data[0]
    return bytes(byte ^ key for byte in data[1:]).decode("utf-8", "replace")


def clean(candidate: str) -> str | None:
    """A well-formed, deliverable-looking address in lower case, or ``None``."""
    address = unquote(candidate).strip().strip(".,;:()<>[]\"'").lower()
    address = address.removeprefix("mailto:").split("?", 1)[0]
    if address.count("@") != 1:
        return None
    try:
        address = validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None
    domain = address.rsplit("@", 1)[1]
    if not has_public_suffix(domain) or is_placeholder_address(address):
        return None
    return address


def deobfuscate(text: str) -> str:
    return _DOT.sub(".", _AT.sub("@", text))


def find_in_text(text: str, source: str = "text") -> Iterator[Found]:
    for match in _ADDRESS.finditer(text):
        if address := clean(match.group(0)):
            yield Found(address, source, text[max(0, match.start() - CONTEXT_CHARS) : match.start()])


def _structured(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key.lower() == "email" and isinstance(value, str):
                yield value
            else:
                yield from _structured(value)
    elif isinstance(data, list):
        for item in data:
            yield from _structured(item)


def find_emails(document: Document) -> list[Found]:
    """Every address written on a page, in order of appearance per source."""
    found = list(find_in_text(document.text))
    if _AT.search(document.text):
        plain = {f.address for f in found}
        found += [f for f in find_in_text(deobfuscate(document.text), "obfuscated") if f.address not in plain]
    for name, value in document.attribute_values:
        if name == "href" and value.lower().startswith("mailto:"):
            if address := clean(value):
                found.append(Found(address, "mailto", _link_context(document, address)))
        elif name == "data-cfemail" or (name == "href" and _CLOUDFLARE_HREF.search(value)):
            hex_value = value if name == "data-cfemail" else _CLOUDFLARE_HREF.search(value).group(1)  # type: ignore[union-attr]
            if (decoded := decode_cloudflare(hex_value)) and (address := clean(decoded)):
                found.append(Found(address, "cloudflare", ""))
        elif name != "href" and "@" in value:
            found += [Found(f.address, "attribute", "") for f in find_in_text(value)]
    for block in document.structured_data:
        found += [Found(a, "structured", "") for value in _structured(block) if (a := clean(value))]
    return found


def _link_context(document: Document, address: str) -> str:
    """The text before a ``mailto:`` link's address in the page, if it is shown there."""
    position = document.text.lower().find(address)
    return document.text[max(0, position - CONTEXT_CHARS) : position] if position >= 0 else ""


def is_credited_third_party(found: Found, site_domain: str) -> bool:
    """An address of another domain written right after “Réalisé par”, “Hébergé par” …"""
    domain = registrable_domain(found.address.rsplit("@", 1)[1])
    return domain != site_domain and bool(_CREDIT.search(found.context[-50:]))


@dataclass(frozen=True)
class Choice:
    email: str
    email_personal: str


def rank(found: Iterable[Found], site_domain: str) -> list[str]:
    """Kept addresses, best first."""
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for position, item in enumerate(found):
        if is_credited_third_party(item, site_domain):
            continue
        counts[item.address] = counts.get(item.address, 0) + 1
        first.setdefault(item.address, position)

    def key(address: str) -> tuple[bool, int, int, int, int, str]:
        domain = registrable_domain(address.rsplit("@", 1)[1])
        origin = 0 if domain == site_domain else 1 if domain in FREE_PROVIDERS else 2
        personal = 0 if is_personal(address, site_domain) else 1
        return (origin == 2, personal, origin, -counts[address], first[address], address)

    return sorted(counts, key=key)


def choose(found: Iterable[Found], site_domain: str) -> Choice:
    ranked = rank(found, site_domain)
    if not ranked:
        return Choice("", "")
    best = ranked[0]
    return Choice(best, best if is_personal(best, site_domain) else "")
