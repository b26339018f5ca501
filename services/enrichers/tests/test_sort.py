"""Sort orders by any column or computed key, numbers as numbers, empty values last."""

from __future__ import annotations

from outsend_enrichers.modules.sort import sort_rows
from outsend_runner.table import Table

TABLE = Table(
    ["nom", "rating", "email", "telephone"],
    [
        {"nom": "a", "rating": "4.5", "email": "contact@a.fr", "telephone": ""},
        {"nom": "b", "rating": "", "email": "", "telephone": "01"},
        {"nom": "c", "rating": "10", "email": "paul.martin@c.fr", "telephone": "02"},
        {"nom": "d", "rating": "9", "email": "jo@gmail.com", "telephone": "03"},
    ],
)


def names(config: dict[str, object]) -> list[str]:
    return [row["nom"] for row in sort_rows(TABLE, config)]


def test_numbers_sort_numerically_through_aliases_and_empty_values_come_last() -> None:
    assert names({"sort_by": "note", "direction": "desc"}) == ["c", "d", "a", "b"]
    assert names({"sort_by": "note", "direction": "asc"}) == ["a", "d", "c", "b"]


def test_email_quality_ranks_personal_business_addresses_first() -> None:
    assert names({"sort_by": "email_quality", "direction": "desc"}) == ["c", "d", "a", "b"]


def test_completeness_counts_filled_contact_fields_and_top_n_cuts() -> None:
    assert names({"sort_by": "completeness", "direction": "desc", "top_n": 2}) == ["c", "d"]


def test_an_unknown_column_keeps_the_original_order() -> None:
    assert names({"sort_by": "nothing"}) == ["a", "b", "c", "d"]
