"""The filter's ``regex`` operator: RE2 patterns, searched in time linear in the text.

Python's ``re`` backtracks: ``(a+)+$`` against thirty ``a`` and a ``!`` runs for minutes and
holds the worker's event loop for every tenant. RE2 never backtracks (no backreferences, no
lookarounds); patterns and searched text are also bounded so one rule costs little per row.
Options reading (:mod:`outsend_contracts.filter_rules`) checks patterns when a filter job, node
or preview is requested, the worker when it runs.
"""

from __future__ import annotations

import functools
from typing import Any

import re2

from outsend_contracts import errors

MAX_PATTERN_LENGTH = 200
"""Characters of one ``regex`` pattern."""
MAX_SEARCHED_LENGTH = 10_000
"""Characters of a cell the pattern searches; the rest of a longer cell is not looked at."""

_OPTIONS = re2.Options()
_OPTIONS.case_sensitive = False
_OPTIONS.log_errors = False


class PatternError(ValueError):
    """A pattern the filter refuses; the message is French."""


@functools.lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Any:
    """The compiled RE2 pattern (case-insensitive), or :class:`PatternError`."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(errors.FILTER_PATTERN_TOO_LONG.format(length=len(pattern), limit=MAX_PATTERN_LENGTH))
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as error:
        raise PatternError(errors.FILTER_PATTERN_INVALID.format(reason=_reason(error))) from error


def matches(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).search(text[:MAX_SEARCHED_LENGTH]) is not None


def _reason(error: Exception) -> str:
    reason = error.args[0] if error.args else error
    return reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
