"""Rows and tables as modules see them, and the canonical CSV they become."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from outsend_contracts.aliases import ColumnMapping, map_columns
from outsend_contracts.resultfile import decode_csv


def cell(value: Any) -> str:
    """Every value becomes text; booleans the way spreadsheets and our filters read them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(cell(item) for item in value)
    return str(value)


@dataclass
class Table:
    columns: list[str]
    rows: list[dict[str, str]]
    mapping: ColumnMapping = field(init=False)

    def __post_init__(self) -> None:
        self.mapping = map_columns(self.columns)

    @classmethod
    def from_items(cls, items: Iterable[Mapping[str, Any]]) -> Table:
        columns: dict[str, None] = {}
        rows = []
        for item in items:
            columns.update(dict.fromkeys(str(key) for key in item))
            rows.append({str(key): cell(value) for key, value in item.items()})
        return cls(list(columns), rows)

    def value(self, row: Mapping[str, str], canonical: str) -> str:
        """A row's value for a canonical column, wherever its alias put it."""
        column = self.mapping.source(canonical)
        return (row.get(column) or "").strip() if column else ""

    def has_column(self, canonical: str) -> bool:
        return self.mapping.source(canonical) is not None


def read_csv(data: bytes) -> Table:
    """A result file back into a table."""
    return Table(*decode_csv(data))
