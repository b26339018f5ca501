"""``sort``: reorder rows by one column (or a computed key), optionally keep the first N.

Columns are never touched. Numbers sort as numbers, text without regard to case or accents,
and empty values always come last, whatever the direction.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from outsend_contracts.aliases import canonical_name
from outsend_enrichers.mailboxes import email_quality
from outsend_runner.module import JobContext, TableModule
from outsend_runner.table import Table

Row = dict[str, str]
IDENTITY_COLUMNS = frozenset(
    {"nom", "adresse", "ville", "code_postal", "categorie", "lien_google_maps", "lat", "lon", "query", "zone"}
)
"""Columns every place has: ``completeness`` measures the others (contact and enrichment fields)."""


def sort_rows(table: Table, config: Mapping[str, Any]) -> list[Row]:
    key = _sort_key(table, str(config.get("sort_by") or "completeness"))
    descending = (config.get("direction") or "desc") == "desc"
    present = [(value, index) for index, row in enumerate(table.rows) if (value := key(row)) is not None]
    missing = [index for index, row in enumerate(table.rows) if key(row) is None]
    present.sort(key=lambda pair: pair[0], reverse=descending)
    ordered = [table.rows[index] for _, index in present] + [table.rows[index] for index in missing]
    top_n = config.get("top_n")
    return ordered[: int(top_n)] if top_n else ordered


def _sort_key(table: Table, sort_by: str) -> Callable[[Row], tuple[int, float | str] | None]:
    if sort_by == "completeness":
        measured = [column for column in table.columns if canonical_name(column) not in IDENTITY_COLUMNS]
        return lambda row: (0, sum(bool(row.get(c, "").strip()) for c in measured) / max(len(measured), 1))
    if sort_by == "email_quality":
        return lambda row: (0, float(email_quality(table.value(row, "email"))))
    column = sort_by if sort_by in table.columns else table.mapping.source(canonical_name(sort_by) or "")
    if column is None:
        return lambda row: None
    numeric = _mostly_numeric([row.get(column, "") for row in table.rows])

    def key(row: Row) -> tuple[int, float | str] | None:
        text = row.get(column, "").strip()
        if not text:
            return None
        number = _number(text) if numeric else None
        return (0, number) if number is not None else (1, _fold(text))

    return key


def _number(text: str) -> float | None:
    try:
        return float(text.replace("\u202f", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None


def _mostly_numeric(values: list[str]) -> bool:
    filled = [value for value in values if value.strip()]
    return bool(filled) and sum(_number(value) is not None for value in filled) >= 0.8 * len(filled)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class SortModule(TableModule):
    slug = "sort"

    async def transform(self, table: Table | None, context: JobContext) -> Table:
        assert table is not None
        sort_by = str(context.options.get("sort_by") or "completeness")
        if sort_by not in ("completeness", "email_quality") and not (
            sort_by in table.columns or table.mapping.source(canonical_name(sort_by) or "")
        ):
            await context.log(f"Colonne « {sort_by} » absente : ordre d'origine conservé", "warn")
        return Table(table.columns, sort_rows(table, context.options))
