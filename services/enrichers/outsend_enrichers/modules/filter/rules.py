"""The filter's rule engine: the rows of a table that a filter configuration keeps.

Both grammars (ruling 1): the flat keys of the filter page, applied in the page's order, and
``rules: {logic, conditions: [{column, op, value}]}`` of the pipelines page, then
``dedup_column`` and sampling. :func:`apply_filter` serves the ``filter`` module and the
pipeline editor's preview alike. The options' shape (unknown keys, RE2 patterns) is checked at
creation by :mod:`outsend_contracts.filter_rules`; what reaches here is applied.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from outsend_contracts import filter_patterns
from outsend_contracts.aggregators import is_aggregator_url
from outsend_contracts.aliases import canonical_name
from outsend_enrichers.mailboxes import addresses, is_disposable, is_personal
from outsend_runner.table import Table

Row = dict[str, str]
Predicate = Callable[[Row], bool]
ALIVE = frozenset({"open", "uncertain", "alive", "stale"})
"""``alive_only`` keeps these ``site_alive`` verdicts (ruling 2)."""
TRUE = frozenset({"true", "1", "oui", "yes", "vrai"})


class FilterRuleError(ValueError):
    """A rule that cannot be applied (unknown operator, bad value); the message is French."""


@dataclass
class FilterReport:
    total: int = 0
    matched: int = 0
    skipped_rules: list[str] = field(default_factory=list)


def apply_filter(table: Table, config: Mapping[str, Any]) -> tuple[list[Row], FilterReport]:
    report = FilterReport(total=len(table.rows))
    rows = table.rows
    for predicate in _row_predicates(table, config, report):
        rows = [row for row in rows if predicate(row)]
    if column := config.get("dedup_column"):
        rows = _dedup(table, rows, str(column))
    rows = _sample(rows, config)
    report.matched = len(rows)
    return rows, report


# --- rules, in the documented order --------------------------------------------------------------
def _row_predicates(table: Table, config: Mapping[str, Any], report: FilterReport) -> list[Predicate]:
    checks: list[Predicate] = []

    def needs(canonical: str, rule: str) -> bool:
        if table.has_column(canonical):
            return True
        report.skipped_rules.append(f"{rule} (colonne « {canonical} » absente)")
        return False

    def value(canonical: str) -> Callable[[Row], str]:
        return lambda row: table.value(row, canonical)

    def present(canonical: str) -> Predicate:
        read = value(canonical)
        return lambda row: bool(read(row))

    for flag, canonical in (("require_phone", "telephone"), ("require_site", "site_web"), ("require_email", "email")):
        if config.get(flag):
            checks.append(present(canonical))
    if config.get("exclude_aggregators"):
        site = value("site_web")
        flag_column = "aggregator_flag" if "aggregator_flag" in table.columns else None
        checks.append(
            lambda row: (
                not is_aggregator_url(site(row))
                and (flag_column is None or row.get(flag_column, "").strip().lower() not in TRUE)
            )
        )
    if config.get("alive_only") and "site_alive" in table.columns:
        checks.append(lambda row: row.get("site_alive", "").strip().lower() in ALIVE)
    elif config.get("alive_only"):
        report.skipped_rules.append("alive_only (colonne « site_alive » absente : lance dead_check avant)")
    if config.get("rating_min") is not None and needs("note", "rating_min"):
        checks.append(_at_least(value("note"), float(config["rating_min"])))
    if config.get("reviews_min") is not None and needs("nb_avis", "reviews_min"):
        checks.append(_at_least(value("nb_avis"), float(config["reviews_min"])))
    if config.get("has_personal_email"):
        email = value("email")
        personal = "email_personal" if "email_personal" in table.columns else None
        checks.append(
            lambda row: (
                any(is_personal(address) for address in addresses(email(row)))
                or bool(personal and row.get(personal, "").strip())
            )
        )
    if rule := config.get("phone_prefix"):
        checks.append(_phone_prefix(table, rule))
    if rule := config.get("email_domain"):
        checks.append(_email_domain(table, rule))
    if rule := config.get("category"):
        checks.append(_category(table, rule))
    if rules := config.get("rules"):
        checks.append(condition_group(table, rules))
    return checks


def _number(text: str) -> float | None:
    cleaned = text.strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def _at_least(read: Callable[[Row], str], minimum: float) -> Predicate:
    def check(row: Row) -> bool:
        number = _number(read(row))
        return number is not None and number >= minimum

    return check


def _column(table: Table, requested: str | None, default: str) -> str | None:
    """A column named by a rule: its exact name, else the column its alias maps to."""
    name = requested or default
    if name in table.columns:
        return name
    canonical = canonical_name(name)
    return table.mapping.source(canonical) if canonical else None


def _phone_prefix(table: Table, rule: Mapping[str, Any]) -> Predicate:
    column = _column(table, rule.get("column"), "telephone")
    prefixes = [str(prefix).replace(" ", "") for prefix in rule.get("prefixes") or [] if str(prefix).strip()]
    keep_unparseable = bool(rule.get("prefix_unparseable_keep", False))

    def check(row: Row) -> bool:
        raw = row.get(column or "", "").strip()
        try:
            number = phonenumbers.parse(raw, "FR")
        except phonenumbers.NumberParseException:
            return keep_unparseable
        if not phonenumbers.is_possible_number(number):
            return keep_unparseable
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        national = "0" + str(number.national_number) if number.country_code == 33 else raw.replace(" ", "")
        return any(e164.startswith(prefix) or national.startswith(prefix) for prefix in prefixes)

    return check if prefixes else (lambda row: True)


def _email_domain(table: Table, rule: Mapping[str, Any]) -> Predicate:
    column = _column(table, rule.get("column"), "email")
    include = {str(domain).lower().lstrip("@") for domain in rule.get("include") or []}
    exclude = {str(domain).lower().lstrip("@") for domain in rule.get("exclude") or []}
    reject_disposable = bool(rule.get("reject_disposable", False))

    def acceptable(domain: str) -> bool:
        if include and domain not in include:
            return False
        if domain in exclude:
            return False
        return not (reject_disposable and is_disposable(domain))

    def check(row: Row) -> bool:
        domains = [address.rsplit("@", 1)[1] for address in addresses(row.get(column or "", ""))]
        return bool(domains) and any(acceptable(domain) for domain in domains)

    return check


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _category(table: Table, rule: Mapping[str, Any]) -> Predicate:
    column = _column(table, rule.get("column"), "categorie")
    values = {_fold(str(value)) for value in rule.get("values") or []}
    return lambda row: _fold(row.get(column or "", "")) in values


def _dedup(table: Table, rows: list[Row], requested: str) -> list[Row]:
    column = _column(table, requested, requested)
    if column is None:
        return rows
    seen: set[str] = set()
    kept = []
    for row in rows:
        key = _fold(row.get(column, ""))
        if key and key in seen:
            continue
        seen.add(key)
        kept.append(row)
    return kept


def _sample(rows: list[Row], config: Mapping[str, Any]) -> list[Row]:
    kind = config.get("sample_type") or ""
    if kind == "n" and config.get("sample_n"):
        return rows[: int(config["sample_n"])]
    if kind == "pct" and config.get("sample_pct") is not None:
        size = round(len(rows) * float(config["sample_pct"]) / 100)
        chosen = sorted(random.Random(config.get("sample_seed")).sample(range(len(rows)), size))
        return [rows[index] for index in chosen]
    return rows


# --- the {logic, conditions} grammar -------------------------------------------------------------
def condition_group(table: Table, group: Mapping[str, Any]) -> Predicate:
    logic = str(group.get("logic", "AND")).upper()
    if logic not in ("AND", "OR"):
        raise FilterRuleError(f"Logique inconnue : {logic} (attendu: AND | OR)")
    parts = [
        condition_group(table, item) if "conditions" in item else _condition(table, item)
        for item in group.get("conditions") or []
    ]
    if not parts:
        return lambda row: True
    if logic == "AND":
        return lambda row: all(part(row) for part in parts)
    return lambda row: any(part(row) for part in parts)


def _condition(table: Table, condition: Mapping[str, Any]) -> Predicate:
    requested = str(condition.get("column", ""))
    column = _column(table, requested, requested)
    op = str(condition.get("op", "=")).strip().lower()
    expected = condition.get("value")
    if op not in _OPERATORS:
        raise FilterRuleError(f"Opérateur inconnu : {op}")
    compare = _OPERATORS[op]
    return lambda row: compare(row.get(column or "", "").strip(), expected)


def _numeric(compare: Callable[[float, float], bool]) -> Callable[[str, Any], bool]:
    def check(actual: str, expected: Any) -> bool:
        left, right = _number(actual), _number(str(expected))
        return left is not None and right is not None and compare(left, right)

    return check


def _equals(actual: str, expected: Any) -> bool:
    left, right = _number(actual), _number(str(expected))
    if left is not None and right is not None:
        return left == right
    if isinstance(expected, bool):
        return (actual.lower() in TRUE) == expected
    return _fold(actual) == _fold(str(expected))


def _as_list(expected: Any) -> list[str]:
    items = expected if isinstance(expected, list) else str(expected).split(",")
    return [_fold(str(item)) for item in items]


def _regex(actual: str, expected: Any) -> bool:
    try:
        return filter_patterns.matches(str(expected), actual)
    except filter_patterns.PatternError as error:
        raise FilterRuleError(str(error)) from error


_OPERATORS: dict[str, Callable[[str, Any], bool]] = {
    "=": _equals,
    "==": _equals,
    "eq": _equals,
    "!=": lambda actual, expected: not _equals(actual, expected),
    "ne": lambda actual, expected: not _equals(actual, expected),
    ">": _numeric(lambda a, b: a > b),
    ">=": _numeric(lambda a, b: a >= b),
    "<": _numeric(lambda a, b: a < b),
    "<=": _numeric(lambda a, b: a <= b),
    "contains": lambda actual, expected: _fold(str(expected)) in _fold(actual),
    "not_contains": lambda actual, expected: _fold(str(expected)) not in _fold(actual),
    "starts_with": lambda actual, expected: _fold(actual).startswith(_fold(str(expected))),
    "ends_with": lambda actual, expected: _fold(actual).endswith(_fold(str(expected))),
    "in": lambda actual, expected: _fold(actual) in _as_list(expected),
    "not_in": lambda actual, expected: _fold(actual) not in _as_list(expected),
    "empty": lambda actual, _: not actual,
    "is_empty": lambda actual, _: not actual,
    "not_empty": lambda actual, _: bool(actual),
    "is_not_empty": lambda actual, _: bool(actual),
    "regex": _regex,
}
