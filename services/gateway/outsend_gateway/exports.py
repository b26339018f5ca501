"""Result files: reading the canonical CSV, and the three download formats.

Every export goes through :func:`sanitize_table`, the spreadsheet formula-injection guard, for
its headers and its cells.
"""

from __future__ import annotations

import asyncio
import io
import re

import msgspec
from openpyxl import Workbook

from outsend_contracts.resultfile import encode_csv

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
"""The download formats and their media types (job results, veille signals)."""

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


def sanitize_table(columns: list[str], rows: list[dict[str, str]]) -> tuple[list[str], list[dict[str, str]]]:
    """Headers and cells, all sanitised: a column named ``=HYPERLINK(…)`` is as live as a cell."""
    headers = [sanitize_cell(column) for column in columns]
    return headers, [
        {header: sanitize_cell(row.get(column, "")) for header, column in zip(headers, columns, strict=True)}
        for row in rows
    ]


def write_csv(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    return encode_csv(*sanitize_table(columns, rows))


def write_json(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    return msgspec.json.encode(sanitize_table(columns, rows)[1])


def write_xlsx(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    """Every cell is text; after sanitising no header or value starts with ``=``, which openpyxl
    would store as a live formula."""
    headers, cells = sanitize_table(columns, rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("resultats")
    sheet.append(headers)
    for row in cells:
        sheet.append([row[header] for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def render(format: str, columns: list[str], rows: list[dict[str, str]]) -> bytes:
    """One of :data:`MEDIA_TYPES`, sanitised."""
    if format == "json":
        return write_json(columns, rows)
    if format == "xlsx":  # openpyxl is pure Python: seconds for a large result, off the event loop
        return await asyncio.to_thread(write_xlsx, columns, rows)
    return write_csv(columns, rows)
