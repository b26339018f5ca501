"""Input columns match through aliases; module options are checked and coerced."""

from __future__ import annotations

import pytest

from outsend_contracts.aliases import canonical_name, map_columns
from outsend_contracts.config_schema import ConfigFieldError, coerce_config
from outsend_contracts.registry import REGISTRY


@pytest.mark.parametrize(
    ("header", "canonical"),
    [("Website", "site_web"), ("url", "site_web"), ("E-mail", "email"), ("name", "nom"),
     ("Raison sociale", "nom"), ("rating", "note"), ("reviews_count", "nb_avis"), ("category", "categorie"),
     ("Code postal", "code_postal"), ("Téléphone", "telephone"), ("unknown thing", None)],
)  # fmt: skip
def test_headers_people_use_map_to_canonical_columns(header: str, canonical: str | None) -> None:
    assert canonical_name(header) == canonical


def test_an_exact_canonical_column_wins_over_an_alias() -> None:
    mapping = map_columns(["url", "site_web", "Name"])
    assert mapping.source("site_web") == "site_web"
    assert mapping.source("nom") == "Name"
    assert mapping.notice() == "Colonnes reconnues : « Name » → nom."


def test_options_get_defaults_and_lose_unknown_fields() -> None:
    config = coerce_config(REGISTRY["sort"].config_schema, {"top_n": "10", "whatever": 1})
    assert config == {"sort_by": "completeness", "direction": "desc", "top_n": 10}


def test_newline_strings_become_lists() -> None:
    config = coerce_config(REGISTRY["scrap"].config_schema, {"queries": "dentiste\n plombier \n", "zones": ["Lyon"]})
    assert config["queries"] == ["dentiste", "plombier"]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"direction": "up"}, "direction"),
        ({"top_n": 0}, "top_n"),
        ({"top_n": 2.5}, "top_n"),
        ({"top_n": True}, "top_n"),
    ],
)
def test_bad_options_name_their_field(raw: dict[str, object], field: str) -> None:
    with pytest.raises(ConfigFieldError) as caught:
        coerce_config(REGISTRY["sort"].config_schema, raw)
    assert caught.value.field == field


def test_a_missing_required_option_is_reported_as_missing() -> None:
    with pytest.raises(ConfigFieldError) as caught:
        coerce_config(REGISTRY["scrap"].config_schema, {"zones": ["Lyon"]})
    assert caught.value.missing and caught.value.field == "queries"
