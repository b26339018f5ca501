"""Result files: reading the canonical CSV, and the three download formats.

Every export goes through :func:`sanitize_cell`, the spreadsheet formula-injection guard.
"""

from __future__ import annotations

import io
import re

import msgspec
from openpyxl import Workbook

from outsend_contracts.resultfile import encode_csv

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")
_PLAIN_NUMBER = re.compile(r"^[+-]?[\d\s().,]*\d[\d\s().,]*$")


def sanitize_cell(value: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula, by prefixing a quote.

    Numbers and phone numbers such as ``-3.5`` or ``+33 1 23 45 67 89`` start with a sign but
    cannot carry a formula, so they are left intact.
    """
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def write_csv(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    return encode_csv(columns, ({column: sanitize_cell(row.get(column, "")) for column in columns} for row in rows))


def write_json(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    return msgspec.json.encode([{column: sanitize_cell(row.get(column, "")) for column in columns} for row in rows])


def write_xlsx(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    """Every cell is text; after sanitising no value starts with ``=``, which openpyxl would
    store as a live formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("resultats")
    sheet.append(columns)
    for row in rows:
        sheet.append([sanitize_cell(row.get(column, "")) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
