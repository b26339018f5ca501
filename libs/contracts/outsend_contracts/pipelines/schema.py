"""Which modules are pipeline nodes, what each accepts and produces: ``GET /api/pipelines/schema``.

Everything here is derived from the module registry, so a module declared pipelinable there is a
node here, with the same ``needs``/``produces`` columns and ``config_schema``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import Any

import msgspec

from outsend_contracts import SCHEMA_VERSION
from outsend_contracts.registry import REGISTRY, ModuleSpec, Stage, live_stage

MAX_NODES = 20
MAX_INPUTS_PER_NODE = 1
PASSTHROUGH = "passthrough"

COMPAT: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "pois_any": ("pois", "pois_email"),
        "pois_email": ("pois_email",),
        "any_pois": ("pois", "pois_email", "verified"),
    }
)
"""Input bucket → the output types a node with that input accepts."""

NODE_MODULES: Mapping[str, ModuleSpec] = MappingProxyType(
    {
        spec.pipeline_type: spec
        for spec in sorted(REGISTRY.values(), key=lambda spec: spec.slug)
        if spec.pipelinable and spec.pipeline_type and spec.stage is Stage.ACTIVE
    }
)
"""Node type → module (the node ``verify`` is the module ``verify_emails``, ruling 3)."""

ROOT_TYPES: tuple[str, ...] = tuple(sorted(kind for kind, spec in NODE_MODULES.items() if spec.pipeline_input is None))


def is_root(node_type: str) -> bool:
    return node_type in ROOT_TYPES


def category(spec: ModuleSpec) -> str:
    """``source`` for roots, ``transform`` for passthrough nodes, else the module's UI group."""
    if spec.pipeline_input is None:
        return "source"
    if spec.is_passthrough:
        return "transform"
    assert spec.group is not None, spec.slug
    return spec.group.value


def accepts(input_bucket: str | None, output_type: str | None) -> bool:
    return input_bucket is not None and output_type in COMPAT.get(input_bucket, ())


def pipeline_schema(served: Collection[str]) -> dict[str, Any]:
    """The document of ``GET /api/pipelines/schema``: identical for every caller.

    ``served`` holds the modules some running worker serves now: the others are flagged
    ``alpha_unavailable``, as in the module registry, and a pipeline using them is refused.
    """
    return {
        "schema_version": SCHEMA_VERSION,
        "compat": {bucket: list(outputs) for bucket, outputs in COMPAT.items()},
        "root_types": list(ROOT_TYPES),
        "limits": {"max_nodes": MAX_NODES, "max_inputs_per_node": MAX_INPUTS_PER_NODE},
        "nodes": {kind: _node_entry(kind, spec, served) for kind, spec in NODE_MODULES.items()},
    }


def _node_entry(kind: str, spec: ModuleSpec, served: Collection[str]) -> dict[str, Any]:
    return {
        "category": category(spec),
        "is_root": is_root(kind),
        "input": spec.pipeline_input,
        "output": spec.pipeline_output,
        "needs": list(spec.needs),
        "produces": list(spec.produces),
        "config_schema": {name: msgspec.to_builtins(field) for name, field in spec.config_schema.items()},
        "module": spec.slug,
        "label": {"fr": spec.label_fr, "en": spec.label_en},
        "alpha_unavailable": live_stage(spec, served) is Stage.ALPHA_UNAVAILABLE,
    }
