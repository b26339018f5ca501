"""The filter keeps the rows that match, with both rule grammars (ruling 1)."""

from __future__ import annotations

from typing import Any

import pytest

from outsend_enrichers.modules.filter.rules import FilterRuleError, apply_filter
from outsend_runner.table import Table

ROWS = [
    {"Name": "A", "Website": "https://a.fr", "rating": "4,6", "nb_avis": "120", "telephone": "06 12 34 56 78",
     "email": "marie.dupont@a.fr", "categorie": "Dentiste", "site_alive": "open"},
    {"Name": "B", "Website": "https://www.pagesjaunes.fr/b", "rating": "4.9", "nb_avis": "3",
     "telephone": "01 23 45 67 89", "email": "contact@b.fr", "categorie": "orthodontiste", "site_alive": "closed"},
    {"Name": "C", "Website": "", "rating": "", "nb_avis": "", "telephone": "+33 7 00 00 00 01",
     "email": "jean@mailinator.com", "categorie": "dentiste", "site_alive": "uncertain"},
    {"Name": "A bis", "Website": "https://a.fr", "rating": "3.1", "nb_avis": "10", "telephone": "",
     "email": "", "categorie": "stomatologue", "site_alive": "open"},
]  # fmt: skip


def kept(config: dict[str, Any]) -> list[str]:
    rows, _ = apply_filter(Table(list(ROWS[0]), [dict(row) for row in ROWS]), config)
    return [row["Name"] for row in rows]


@pytest.mark.parametrize(
    ("config", "names"),
    [
        ({}, ["A", "B", "C", "A bis"]),
        ({"require_site": True}, ["A", "B", "A bis"]),
        ({"require_phone": True, "require_email": True}, ["A", "B", "C"]),
        ({"exclude_aggregators": True}, ["A", "C", "A bis"]),
        ({"alive_only": True}, ["A", "C", "A bis"]),
        ({"rating_min": 4.5}, ["A", "B"]),
        ({"reviews_min": 10}, ["A", "A bis"]),
        ({"has_personal_email": True}, ["A", "C"]),
        ({"phone_prefix": {"prefixes": ["06", "+337"]}}, ["A", "C"]),
        ({"email_domain": {"exclude": ["b.fr"], "reject_disposable": True}}, ["A"]),
        ({"email_domain": {"include": ["a.fr", "b.fr"]}}, ["A", "B"]),
        ({"category": {"column": "categorie", "values": ["dentiste"]}}, ["A", "C"]),
        ({"dedup_column": "Website"}, ["A", "B", "C"]),
        ({"sample_type": "n", "sample_n": 2}, ["A", "B"]),
    ],
)
def test_flat_rules(config: dict[str, Any], names: list[str]) -> None:
    assert kept(config) == names


def test_percentage_samples_are_reproducible_with_a_seed() -> None:
    config = {"sample_type": "pct", "sample_pct": 50, "sample_seed": 7}
    assert kept(config) == kept(config)
    assert len(kept(config)) == 2


def test_the_conditions_grammar_uses_aliases_numbers_and_logic() -> None:
    rules = {"logic": "AND", "conditions": [
        {"column": "note", "op": ">=", "value": 4},
        {"column": "categorie", "op": "in", "value": ["dentiste", "orthodontiste"]},
    ]}  # fmt: skip
    assert kept({"rules": rules}) == ["A", "B"]
    either = {
        "logic": "OR",
        "conditions": [{"column": "site_web", "op": "empty"}, {"column": "nom", "op": "=", "value": "b"}],
    }
    assert kept({"rules": either}) == ["B", "C"]


def test_an_unknown_operator_is_refused_in_french() -> None:
    with pytest.raises(FilterRuleError, match="Opérateur inconnu"):
        kept({"rules": {"conditions": [{"column": "nom", "op": "~~", "value": 1}]}})


def test_a_rule_on_a_missing_column_is_reported_not_applied() -> None:
    rows, report = apply_filter(Table(["nom"], [{"nom": "x"}]), {"rating_min": 4})
    assert rows == [{"nom": "x"}]
    assert report.skipped_rules and "note" in report.skipped_rules[0]


def test_regex_rules_match_case_insensitively_without_backtracking() -> None:
    table = Table(["nom"], [{"nom": "a" * 40 + "!"}, {"nom": "AAA"}, {"nom": "Cabinet"}])
    rows, _ = apply_filter(table, {"rules": {"conditions": [{"column": "nom", "op": "regex", "value": "^(a+)+$"}]}})
    assert rows == [{"nom": "AAA"}]


def test_regex_rules_the_engine_cannot_run_are_refused_in_french() -> None:
    with pytest.raises(FilterRuleError, match="Expression régulière invalide"):
        kept({"rules": {"conditions": [{"column": "nom", "op": "regex", "value": "(?=a)"}]}})
    with pytest.raises(FilterRuleError, match=r"trop longue : 201 caractères \(max 200\)"):
        kept({"rules": {"conditions": [{"column": "nom", "op": "regex", "value": "a" * 201}]}})
