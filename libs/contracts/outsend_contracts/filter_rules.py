"""The ``filter`` module's options, read the same way for a job, a pipeline node and a preview.

Both grammars are accepted (ruling 1): the flat keys of the filter page (``rating_min``,
``require_site``…) and ``rules: {logic, conditions: [{column, op, value}]}``. ``rules`` holds one
or the other: flat keys written inside it mean what they mean beside it and are read from there;
a key that is neither is refused, never ignored, since a rule dropped keeps every row.
The one walk of the rules tree (:func:`check_group`) also compiles every ``regex`` pattern, so a
pattern that cannot run is refused before any job or preview exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from outsend_contracts import errors, filter_patterns
from outsend_contracts.config_schema import ConfigFieldError, ConfigSchema, coerce_config

RULES = "rules"
GROUP_KEYS = ("logic", "conditions")
CONDITION_KEYS = ("column", "op", "value")
MAX_RULE_DEPTH = 5


def filter_options(schema: ConfigSchema, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The options of a filter, checked by its ``schema``, with ``rules`` read as above.

    Raises :class:`ConfigFieldError` (field ``rules``; ``misplaced`` for a key that is no rule or
    is given twice), or a French 400 :class:`~outsend_contracts.errors.DomainError` for a
    ``regex`` pattern RE2 cannot run.
    """
    config = coerce_config(schema, _flat_rules_beside(schema, raw))
    if RULES in config:
        check_group(config[RULES])
    return config


def _flat_rules_beside(schema: ConfigSchema, raw: Mapping[str, Any]) -> dict[str, Any]:
    """``raw`` with the flat keys found in ``rules`` moved beside it."""
    rules = raw.get(RULES)
    options = dict(raw)
    if not isinstance(rules, dict):
        return options
    flat = {key: value for key, value in rules.items() if key not in GROUP_KEYS}
    for key, value in flat.items():
        if key not in schema or key == RULES:
            allowed = ", ".join([*GROUP_KEYS, *(name for name in schema if name != RULES)])
            raise ConfigFieldError(
                RULES, errors.FILTER_RULES_UNKNOWN_KEY.format(key=key, allowed=allowed), misplaced=True
            )
        if any(grammar_key in rules for grammar_key in GROUP_KEYS):
            raise ConfigFieldError(RULES, errors.FILTER_RULES_MIXED.format(key=key), misplaced=True)
        if options.get(key) is not None and options[key] != value:
            raise ConfigFieldError(RULES, errors.FILTER_RULE_TWICE.format(key=key), misplaced=True)
        options[key] = value
    if flat:
        del options[RULES]
    return options


def check_group(group: Any, depth: int = 0) -> None:
    """Check the shape of a ``{logic, conditions}`` group (nested groups allowed).

    Operators and values are the filter module's business; this checks keys and types.
    """
    if not isinstance(group, dict):
        raise ConfigFieldError(RULES, "objet {logic, conditions} attendu")
    _refuse_unknown_keys(group, GROUP_KEYS)
    logic = group.get("logic", "AND")
    if not isinstance(logic, str) or logic.upper() not in ("AND", "OR"):
        raise ConfigFieldError(RULES, f"logique « {logic} » invalide (attendu: AND | OR)")
    conditions = group.get("conditions", [])
    if not isinstance(conditions, list):
        raise ConfigFieldError(RULES, "« conditions » doit être une liste")
    for condition in conditions:
        if isinstance(condition, dict) and "conditions" in condition and depth < MAX_RULE_DEPTH:
            check_group(condition, depth + 1)
        else:
            _check_condition(condition)


def _check_condition(condition: Any) -> None:
    if not isinstance(condition, dict) or not isinstance(condition.get("column"), str):
        raise ConfigFieldError(RULES, "chaque condition doit être un objet {column, op, value}")
    _refuse_unknown_keys(condition, CONDITION_KEYS)
    operator = condition.get("op", "=")
    if not isinstance(operator, str):
        raise ConfigFieldError(RULES, "« op » doit être un texte")
    if operator.strip().lower() == "regex":
        _check_pattern(str(condition.get("value")))


def _check_pattern(pattern: str) -> None:
    try:
        filter_patterns.compile_pattern(pattern)
    except filter_patterns.PatternError as error:
        raise errors.DomainError(400, str(error)) from error


def _refuse_unknown_keys(part: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in part:
        if key not in allowed:
            raise ConfigFieldError(
                RULES, errors.FILTER_RULES_UNKNOWN_KEY.format(key=key, allowed=", ".join(allowed)), misplaced=True
            )
