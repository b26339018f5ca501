"""A fetched page as extractors read it: its visible text, its links, its structured data."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import tldextract
from selectolax.lexbor import LexborHTMLParser

_BLOCK_END = re.compile(
    r"(<br\b[^>]*>|</(?:p|div|li|ul|ol|td|th|tr|table|h[1-6]|section|article|header|footer|nav|aside|address|"
    r"dd|dt|dl|blockquote|form|label|option)\s*>)",
    re.IGNORECASE,
)
_INVISIBLE = ["script", "style", "noscript", "template", "svg", "head"]
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u202f]+")
_domains = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registrable_domain(host: str) -> str:
    """``www.boulangerie-martin.fr`` → ``boulangerie-martin.fr`` (public-suffix aware)."""
    host = host.lower().strip(".")
    parts = _domains(host)
    return f"{parts.domain}.{parts.suffix}" if parts.suffix and parts.domain else host.removeprefix("www.")


def has_public_suffix(domain: str) -> bool:
    return bool(_domains(domain.lower()).suffix)


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # a broken IPv6 literal: no host
        return ""


def plain(text: str) -> str:
    """Lower case, no accents, words separated by single spaces (for keyword matching)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9@.]+", " ", ascii_text).strip()


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    """The anchor's text, or its ``title`` / ``aria-label`` / image ``alt``."""


class Document:
    """One HTML page, parsed once into what extractors read.

    Everything is read from one tree at construction, and the tree is dropped: a worker holds
    many pages at once, and a parsed tree weighs ten times its HTML.
    """

    def __init__(self, url: str, html: str) -> None:
        self.url = url
        tree = LexborHTMLParser(_BLOCK_END.sub(r"\1\n", html))
        base = tree.css_first("base[href]")
        self.base = urljoin(url, str(base.attributes.get("href") or "")) if base else url
        self.links = _links(tree, self.base)
        self.structured_data = _structured_data(tree)
        self.attribute_values = _attribute_values(tree)
        """``(name, value)`` of the attributes that may carry contact data, in document order."""
        self.frames = [_absolute(self.base, str(node.attributes.get("src"))) for node in tree.css("iframe[src]")]
        """Embedded frames' sources (a Facebook page plugin names the page it shows)."""
        self.refresh = _meta_refresh(tree, self.base)
        """Where a ``<meta http-equiv="refresh">`` sends the reader, if anywhere."""
        tree.strip_tags(_INVISIBLE)
        self.text = _visible_text(tree)
        """Visible text, one line per block, spaces collapsed."""


def _links(tree: LexborHTMLParser, base: str) -> list[Link]:
    links = []
    for node in tree.css("a[href], area[href]"):
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#")):
            continue
        text = node.text(separator=" ", strip=True)
        if not text:
            image = node.css_first("img[alt]")
            text = str(node.attributes.get("aria-label") or node.attributes.get("title") or "")
            text = text or (str(image.attributes.get("alt") or "") if image else "")
        links.append(Link(url=_absolute(base, href), text=_SPACES.sub(" ", text).strip()))
    return links


def _structured_data(tree: LexborHTMLParser) -> list[Any]:
    """JSON-LD blocks, decoded (broken ones skipped)."""
    found = []
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            found.append(json.loads(node.text() or "null"))
        except ValueError:
            continue
    return found


def _attribute_values(tree: LexborHTMLParser) -> list[tuple[str, str]]:
    values = []
    for node in tree.css("[href], [content], [value], [data-email], [data-mail], [data-cfemail], [itemprop]"):
        for name, value in node.attributes.items():
            if value and (name in ("href", "content", "value") or name.startswith("data-")):
                values.append((name, value))
    return values


def _meta_refresh(tree: LexborHTMLParser, base: str) -> str | None:
    node = tree.css_first('meta[http-equiv="refresh" i]')
    content = str(node.attributes.get("content") or "") if node else ""
    match = re.search(r"url\s*=\s*['\"]?([^'\"\s]+)", content, re.IGNORECASE)
    return _absolute(base, match.group(1)) if match else None


def _visible_text(tree: LexborHTMLParser) -> str:
    root = tree.body or tree.root
    raw = root.text(separator="") if root else ""
    lines = (_SPACES.sub(" ", line).strip() for line in raw.splitlines())
    return "\n".join(line for line in lines if line)


def _absolute(base: str, href: str) -> str:
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return ""
