"""A module's options, read once for ``POST /api/jobs/{type}``, a pipeline node and a filter preview.

The schema of each module checks and coerces them; a module whose options need more (aliases,
a rule grammar) declares its ``options_reader``, and one that chooses its source by an option
gets the option that source needs required here, so that no path reads them another way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from outsend_contracts.config_schema import ConfigFieldError, coerce_config
from outsend_contracts.registry import ModuleSpec


def read_options(spec: ModuleSpec, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The options ``spec`` knows in ``raw``, checked; raises ``ConfigFieldError``."""
    if spec.options_reader is not None:
        options = spec.options_reader(spec.config_schema, raw)
    else:
        options = coerce_config(spec.config_schema, dict(raw))
    if spec.source_choice is not None:
        required = spec.source_choice.chosen(options).option
        if not options.get(required):
            raise ConfigFieldError(required, "champ requis", missing=True)
    return options
