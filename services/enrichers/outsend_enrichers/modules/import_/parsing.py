"""Reading an imported CSV: its encoding, delimiter and header, into canonical columns.

Delimiter (comma, semicolon, tab) and encoding (UTF-8, with or without BOM, UTF-16 with BOM,
else cp1252) are detected; headers are matched to canonical columns through the alias table; a
file without a header has its columns inferred from their content. NUL characters (which no
database text holds) are removed. :func:`parse_table` returns the notices saying what was done.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter

import phonenumbers

from outsend_contracts import errors
from outsend_contracts.aliases import canonical_name
from outsend_runner.module import JobFailure
from outsend_runner.table import Table

DELIMITERS = (";", ",", "\t")
SNIFF_CHARS = 10_000
"""How much of each first line the delimiter guess reads (well under the csv field limit)."""
NOTHING_TO_IMPORT = "Aucune ligne à importer"
_EMAIL = re.compile(r"^[\w.+'-]+@[\w-]+(\.[\w-]+)+$")
_URL = re.compile(r"^(https?://|www\.)\S+$|^[\w-]+(\.[\w-]+)*\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)
_MAPS = re.compile(r"google\.[a-z.]+/maps|maps\.app\.goo\.gl|goo\.gl/maps", re.IGNORECASE)
_POSTAL = re.compile(r"^\d{5}$")
_RATING = re.compile(r"^[0-5]([.,]\d)?$")
_STREET = re.compile(r"\d.*\b(rue|avenue|av\.?|bd|boulevard|place|chemin|route|allée|impasse|quai|cours)\b", re.I)


def decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")  # spreadsheets' "Unicode text" export
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same, largest number of cells."""
    lines = [line[:SNIFF_CHARS] for line in text.splitlines()[:30] if line.strip()]

    def score(delimiter: str) -> tuple[int, int]:
        counts = Counter(len(next(csv.reader([line], delimiter=delimiter))) for line in lines)
        width, frequency = counts.most_common(1)[0] if counts else (1, 0)
        return (frequency if width > 1 else 0, width)

    return max(DELIMITERS, key=score)


def _kind(value: str) -> str | None:
    text = value.strip()
    if _EMAIL.match(text):
        return "email"
    if _MAPS.search(text):
        return "lien_google_maps"
    if _URL.match(text):
        return "site_web"
    if _POSTAL.match(text):
        return "code_postal"
    if _RATING.match(text):
        return "note"
    if _STREET.search(text):
        return "adresse"
    if sum(char.isdigit() for char in text) >= 9:
        try:
            if phonenumbers.is_possible_number(phonenumbers.parse(text, "FR")):
                return "telephone"
        except phonenumbers.NumberParseException:
            pass
    return None


def infer_columns(records: list[list[str]]) -> list[str]:
    """Names for a header-less file's columns, from what ≥ 80 % of their values look like."""
    width = max(len(record) for record in records)
    names: list[str] = []
    for index in range(width):
        values = [record[index] for record in records if index < len(record) and record[index].strip()]
        kinds = Counter(_kind(value) for value in values)
        kind, count = kinds.most_common(1)[0] if kinds else (None, 0)
        if kind is not None and count >= 0.8 * len(values) and kind not in names:
            names.append(kind)
        elif "nom" not in names and values:
            names.append("nom")
        else:
            names.append(f"colonne_{index + 1}")
    return names


def looks_like_header(first: list[str], rest: list[list[str]]) -> bool:
    if any(canonical_name(cell) for cell in first if cell.strip()):
        return True
    first_has_data = any(_kind(cell) for cell in first)
    rest_has_data = any(_kind(cell) for record in rest[:20] for cell in record)
    return not first_has_data and rest_has_data


def parse_table(data: bytes) -> tuple[Table, list[str]]:
    """Rows of a pasted or downloaded CSV, columns renamed to canonical names; plus notices."""
    text = decode(data)
    nul_count = text.count("\x00")
    records = read_records(text.replace("\x00", ""))
    if not records:
        raise JobFailure(NOTHING_TO_IMPORT)
    notices: list[str] = [errors.IMPORT_NUL_REMOVED.format(count=nul_count)] if nul_count else []
    if looks_like_header(records[0], records[1:]):
        headers, body = [cell.strip() or f"colonne_{i + 1}" for i, cell in enumerate(records[0])], records[1:]
        columns, renamed = _canonical_headers(headers)
        if renamed:
            notices.append("Colonnes reconnues : " + ", ".join(f"« {a} » → {b}" for a, b in renamed) + ".")
        kept = [name for name in columns if canonical_name(name) is None]
        if kept:
            notices.append("Colonnes gardées telles quelles : " + ", ".join(kept) + ".")
    else:
        columns, body = infer_columns(records), records
        guessed = ", ".join(f"{index + 1} → {name}" for index, name in enumerate(columns))
        notices.append(f"Fichier sans en-tête : colonnes devinées d'après leur contenu ({guessed}).")
    return Table(columns, [_row(columns, record) for record in body]), notices


def read_records(text: str) -> list[list[str]]:
    """The file's non-blank records; a cell over the csv field limit fails the job, saying where."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        return [record for record in reader if any(cell.strip() for cell in record)]
    except csv.Error as error:  # the only one a non-strict reader raises: a field over the limit
        message = errors.IMPORT_FIELD_TOO_LONG.format(line=reader.line_num, max_chars=csv.field_size_limit())
        raise JobFailure(message) from error


def _row(columns: list[str], record: list[str]) -> dict[str, str]:
    cells = [cell.strip() for cell in record[: len(columns)]]
    return dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True))


def _canonical_headers(headers: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    columns: list[str] = []
    renamed = []
    for header in headers:
        canonical = canonical_name(header)
        if canonical and canonical not in columns and header not in columns:
            columns.append(canonical)
            if canonical != header:
                renamed.append((header, canonical))
        else:
            columns.append(header if header not in columns else f"{header}_{len(columns) + 1}")
    return columns, renamed
