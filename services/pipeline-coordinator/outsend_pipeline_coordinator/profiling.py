"""Profiling the columns of a CSV for the filter editor (``input-columns``).

A column is typed ``email``, ``url``, ``phone`` or ``number`` when at least 80 % of its
non-empty values match that pattern (tried in that order); otherwise it is a ``category`` when
it has between 1 and 200 distinct values that repeat (at most half as many distinct values as
filled cells, or at most 10), else ``text``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import phonenumbers

from outsend_contracts.pipelines.public import ColumnProfile

TYPED_SHARE = 0.8
MAX_CATEGORY_VALUES = 200
SMALL_CATEGORY = 10
SAMPLE_VALUES = 5

_EMAIL = re.compile(r"^[\w.+'-]+@[\w-]+(\.[\w-]+)+$")
_URL = re.compile(r"^(https?://|www\.)\S+$|^[\w-]+(\.[\w-]+)*\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-/]{8,25}$")
_SEPARATORS = re.compile(r"[,;\s]+")


def is_email(value: str) -> bool:
    """A cell may list several addresses (``a@x.fr, b@x.fr``): each must be one."""
    addresses = [part for part in _SEPARATORS.split(value) if part]
    return bool(addresses) and all(_EMAIL.match(address) for address in addresses)


def is_url(value: str) -> bool:
    return _URL.match(value) is not None


def is_phone(value: str) -> bool:
    if not _PHONE_CHARS.match(value) or sum(char.isdigit() for char in value) < 9:
        return False
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(value, "FR"))
    except phonenumbers.NumberParseException:
        return False


def is_number(value: str) -> bool:
    try:
        float(value.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return False
    return True


DETECTORS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("email", is_email),
    ("url", is_url),
    ("phone", is_phone),
    ("number", is_number),
)


def profile_columns(columns: Sequence[str], rows: Sequence[Mapping[str, str]]) -> list[ColumnProfile]:
    return [profile_column(name, [(row.get(name) or "").strip() for row in rows]) for name in columns]


def profile_column(name: str, values: list[str]) -> ColumnProfile:
    filled = [value for value in values if value]
    fill_rate = round(len(filled) / len(values), 3) if values else 0.0
    samples = list(dict.fromkeys(filled))[:SAMPLE_VALUES]
    kind = _typed(filled)
    if kind is not None:
        return ColumnProfile(name=name, type=kind, fill_rate=fill_rate, sample_values=samples)
    distinct = sorted(set(filled), key=str.casefold)
    if 1 <= len(distinct) <= MAX_CATEGORY_VALUES and len(distinct) <= max(SMALL_CATEGORY, len(filled) // 2):
        return ColumnProfile(
            name=name,
            type="category",
            fill_rate=fill_rate,
            sample_values=samples,
            distinct_count=len(distinct),
            distinct_values=distinct,
        )
    return ColumnProfile(name=name, type="text", fill_rate=fill_rate, sample_values=samples)


def _typed(filled: list[str]) -> str | None:
    if not filled:
        return None
    allowed_misses = len(filled) - TYPED_SHARE * len(filled)
    for kind, matches in DETECTORS:
        misses = 0
        for value in filled:
            misses += not matches(value)
            if misses > allowed_misses:  # this type cannot reach 80 % any more
                break
        else:
            return kind
    return None
