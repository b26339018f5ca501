"""Module options: their declared schema, and the one function that checks and coerces them.

A module's options have the same names whether they arrive at the top level of
``POST /api/jobs/{type}`` or in a pipeline node's ``config``; both go through
:func:`coerce_config`.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import msgspec

from outsend_contracts import errors

FieldType = Literal["string", "string[]", "int", "float", "bool", "enum", "object"]


class FieldSpec(msgspec.Struct, frozen=True, omit_defaults=True):
    type: FieldType
    label: str = ""
    required: bool = False
    default: Any = None
    enum: tuple[str, ...] | None = None
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    max_items: int | None = None


ConfigSchema = dict[str, FieldSpec]


class ConfigFieldError(ValueError):
    """A config field is missing, misplaced or has the wrong type; ``reason`` is French, user-facing.

    ``misplaced``: the value is fine but sits where it is not read (an unknown key, a key given
    twice): a request to correct (400), not a malformed value (422).
    """

    def __init__(self, field: str, reason: str, *, missing: bool = False, misplaced: bool = False) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.missing = missing
        self.misplaced = misplaced


def coerce_config(schema: ConfigSchema, raw: dict[str, Any], *, apply_defaults: bool = True) -> dict[str, Any]:
    """Return the options of ``raw`` known to ``schema``, checked and coerced.

    Unknown keys are dropped; newline-separated strings become ``string[]``; defaults fill
    absent fields. Raises :class:`ConfigFieldError` on the first bad or missing field.
    """
    config: dict[str, Any] = {}
    for name, spec in schema.items():
        value = raw.get(name)
        if value is None or (value == "" and spec.type != "string"):
            if spec.required:
                raise ConfigFieldError(name, "champ requis", missing=True)
            if apply_defaults and spec.default is not None:
                config[name] = spec.default
            elif name in raw and spec.nullable:
                config[name] = None
            continue
        config[name] = _coerce_value(name, spec, value)
    return config


def _coerce_value(name: str, spec: FieldSpec, value: Any) -> Any:
    match spec.type:
        case "string":
            if not isinstance(value, str):
                raise ConfigFieldError(name, "texte attendu")
            if spec.max_length is not None and len(value) > spec.max_length:
                raise ConfigFieldError(name, f"{spec.max_length} caractères maximum")
            return value
        case "string[]":
            return _coerce_string_list(name, spec, value)
        case "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in {"true", "false", "1", "0", "oui", "non"}:
                return value.lower() in {"true", "1", "oui"}
            raise ConfigFieldError(name, "booléen attendu")
        case "int":
            number = _coerce_number(name, value, integer=True)
            return int(_check_bounds(name, spec, number))
        case "float":
            return float(_check_bounds(name, spec, _coerce_number(name, value, integer=False)))
        case "enum":
            assert spec.enum is not None
            if value not in spec.enum:
                allowed = " | ".join(spec.enum)
                raise ConfigFieldError(name, f"valeur « {value} » invalide (attendu: {allowed})")
            return value
        case "object":
            if not isinstance(value, dict):
                raise ConfigFieldError(name, "objet attendu")
            return value
    raise AssertionError(spec.type)


def _coerce_string_list(name: str, spec: FieldSpec, value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigFieldError(name, "liste de textes attendue")
    items = [item.strip() for item in value if item.strip()]
    if spec.max_items is not None and len(items) > spec.max_items:
        raise ConfigFieldError(name, f"{spec.max_items} éléments maximum")
    if spec.max_length is not None and any(len(item) > spec.max_length for item in items):
        raise ConfigFieldError(name, f"{spec.max_length} caractères maximum par élément")
    return items


def _coerce_number(name: str, value: Any, *, integer: bool) -> float:
    if isinstance(value, bool):
        raise ConfigFieldError(name, "nombre attendu")
    if isinstance(value, str):
        value = value.replace(",", ".").strip()
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigFieldError(name, "nombre attendu") from None
    except OverflowError:  # an integer too large for any float
        raise ConfigFieldError(name, errors.NUMBER_NOT_FINITE) from None
    if not math.isfinite(number):  # "nan", "inf": no bound holds for NaN, no integer is infinite
        raise ConfigFieldError(name, errors.NUMBER_NOT_FINITE)
    if integer and not number.is_integer():
        raise ConfigFieldError(name, "entier attendu")
    return number


def _check_bounds(name: str, spec: FieldSpec, number: float) -> float:
    if spec.minimum is not None and number < spec.minimum:
        raise ConfigFieldError(name, f"doit être ≥ {spec.minimum:g}")
    if spec.maximum is not None and number > spec.maximum:
        raise ConfigFieldError(name, f"doit être ≤ {spec.maximum:g}")
    return number
