"""Bytes of a web page to text, whatever its server claims about its encoding.

Order of trust: a byte-order mark; then UTF-8 if the bytes are valid UTF-8 (real Windows-1252
French text practically never is, while UTF-8 pages that wrongly declare ISO-8859-1 are common);
then the ``Content-Type`` charset and the ``<meta>`` declaration, each kept only if the bytes
decode with it; then Windows-1252 (what browsers use for French pages that declare nothing or
lie); detection (``charset-normalizer``) only for bytes Windows-1252 cannot read.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}
"""As the WHATWG encoding standard says: these labels mean windows-1252."""


def _strict(content: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    name = _ALIASES.get(encoding.lower(), encoding)
    try:
        return content.decode(name)
    except (LookupError, UnicodeDecodeError):
        return None


def declared_in_markup(content: bytes) -> str | None:
    match = _META_CHARSET.search(content[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def decode_html(content: bytes, header_charset: str | None = None) -> str:
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content.decode(encoding, errors="replace")
    for candidate in ("utf-8", header_charset, declared_in_markup(content), "cp1252"):
        text = _strict(content, candidate)
        if text is not None:
            return text
    guess = from_bytes(content[:65536]).best()
    if guess is not None and (text := _strict(content, guess.encoding)) is not None:
        return text
    return content.decode("cp1252", errors="replace")
