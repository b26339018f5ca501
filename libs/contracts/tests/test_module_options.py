"""A module's options read once: a scrap's mode aliases, a filter's two rule grammars, an import's sources."""

from __future__ import annotations

from typing import Any

import pytest

from outsend_contracts.config_schema import ConfigFieldError
from outsend_contracts.errors import DomainError
from outsend_contracts.module_options import read_options
from outsend_contracts.registry import REGISTRY

SEARCH = {"queries": ["plombier"], "zones": ["Lyon"]}


@pytest.mark.parametrize(
    ("given", "mode"),
    [({}, "fast"), ({"mode": "normal"}, "advanced"), ({"scrap_mode": "ultra"}, "ultra"),
     ({"scrap_mode": "normal", "mode": "advanced"}, "advanced")],
)  # fmt: skip
def test_a_scrap_reads_scrap_mode_as_mode_and_normal_as_advanced(given: dict[str, Any], mode: str) -> None:
    options = read_options(REGISTRY["scrap"], {**SEARCH, **given})
    assert options["mode"] == mode and "scrap_mode" not in options


def test_a_scrap_mode_contradicting_mode_is_refused() -> None:
    with pytest.raises(ConfigFieldError) as refused:
        read_options(REGISTRY["scrap"], {**SEARCH, "mode": "fast", "scrap_mode": "ultra"})
    assert refused.value.field == "scrap_mode" and refused.value.misplaced


def test_flat_filter_keys_inside_rules_are_read_beside_it() -> None:
    options = read_options(REGISTRY["filter"], {"rules": {"rating_min": "4", "require_site": True}})
    assert (options["rating_min"], options["require_site"]) == (4.0, True) and "rules" not in options


def test_the_rules_grammar_is_kept_as_written() -> None:
    rules = {"logic": "OR", "conditions": [{"column": "note", "op": ">=", "value": 4}, {"conditions": []}]}
    assert read_options(REGISTRY["filter"], {"rules": rules})["rules"] == rules


@pytest.mark.parametrize(
    "rules",
    [{"rating_minimum": 4}, {"logic": "AND", "rating_min": 4}, {"conditions": [{"column": "a", "values": [1]}]},
     {"conditions": [{"logic": "AND", "conditions": [], "not": True}]}],
)  # fmt: skip
def test_a_key_the_filter_does_not_read_in_rules_is_refused(rules: dict[str, Any]) -> None:
    with pytest.raises(ConfigFieldError) as refused:
        read_options(REGISTRY["filter"], {"rules": rules})
    assert refused.value.field == "rules" and refused.value.misplaced


def test_a_flat_key_given_twice_with_two_values_is_refused() -> None:
    with pytest.raises(ConfigFieldError, match="deux fois"):
        read_options(REGISTRY["filter"], {"rating_min": 3, "rules": {"rating_min": 4}})


def test_a_nested_regex_rule_that_cannot_run_is_refused_with_its_french_reason() -> None:
    nested = {"logic": "OR", "conditions": [{"column": "nom", "op": "REGEX", "value": "(["}]}
    with pytest.raises(DomainError) as refused:
        read_options(REGISTRY["filter"], {"rules": {"conditions": [nested]}})
    assert (refused.value.status, refused.value.detail) == (400, "Expression régulière invalide : missing ]: [")


@pytest.mark.parametrize(
    ("source", "required"), [("paste", "text"), ("url", "url"), ("from_job", "from_job_id")]
)  # fmt: skip
def test_an_import_requires_the_option_its_source_reads(source: str, required: str) -> None:
    with pytest.raises(ConfigFieldError) as refused:
        read_options(REGISTRY["import"], {"source": source})
    assert refused.value.field == required and refused.value.missing


def test_an_import_names_its_source_job_and_its_pasted_text_by_the_source_chosen() -> None:
    choice = REGISTRY["import"].source_choice
    assert choice is not None
    pasted = read_options(REGISTRY["import"], {"text": "nom\nA"})
    assert choice.inline_option(pasted) == "text" and choice.source_job(pasted) is None
    reused = read_options(REGISTRY["import"], {"source": "from_job", "from_job_id": "j_1", "text": "nom\nA"})
    assert choice.inline_option(reused) is None and choice.source_job(reused) == "j_1"
