"""The public registry document: ``GET /api/modules-registry`` at each module's live stage."""

from __future__ import annotations

from collections.abc import Collection

from outsend_contracts.registry.modules import REGISTRY
from outsend_contracts.registry.spec import Lane, ModuleSpec, Stage


def live_stage(spec: ModuleSpec, served: Collection[str]) -> Stage:
    """The declared stage with availability laid over it: an active module that no running
    worker serves is shown, and refused, as unavailable until a worker announces it again."""
    if spec.stage is Stage.ACTIVE and spec.slug not in served:
        return Stage.ALPHA_UNAVAILABLE
    return spec.stage


def registry_document(served: Collection[str]) -> dict[str, object]:
    """``GET /api/modules-registry``: the bucket form (ruling 5) plus a ``modules`` array.

    ``served`` holds the slugs some running worker serves now (the ``workers`` bucket).
    """
    specs = sorted(REGISTRY.values(), key=lambda spec: spec.slug)
    stages = {spec.slug: live_stage(spec, served) for spec in specs}

    def slugs(stage: Stage) -> list[str]:
        return [spec.slug for spec in specs if stages[spec.slug] is stage]

    active = [spec for spec in specs if stages[spec.slug] is Stage.ACTIVE]
    return {
        "active": slugs(Stage.ACTIVE),
        "multi_proxy": [spec.slug for spec in active if spec.lane is Lane.MULTI_PROXY],
        "parallel": [spec.slug for spec in active if spec.lane is Lane.PARALLEL],
        "on_demand": slugs(Stage.ON_DEMAND),
        "meta": slugs(Stage.META),
        "coming_soon": slugs(Stage.COMING_SOON),
        "alpha_unavailable": slugs(Stage.ALPHA_UNAVAILABLE),
        "feature_pages": {spec.slug: spec.feature_page for spec in active},
        "modules": [registry_entry(spec, stages[spec.slug]) for spec in specs],
    }


def registry_entry(spec: ModuleSpec, stage: Stage) -> dict[str, object]:
    """One module as the module-registry concept page describes it, at its live ``stage``."""
    return {
        "slug": spec.slug,
        "category": spec.category.value,
        "group": spec.group.value if spec.group else None,
        "label": {"fr": spec.label_fr, "en": spec.label_en},
        "needs": spec.needs_shape,
        "needs_columns": list(spec.needs),
        "produces": spec.produces_shape,
        "produces_columns": list(spec.produces),
        "lane": spec.lane.value if spec.lane else None,
        "pipelinable": spec.pipelinable,
        "is_on_demand": stage is Stage.ON_DEMAND,
        "coming_soon": stage is Stage.COMING_SOON,
        "alpha_unavailable": stage is Stage.ALPHA_UNAVAILABLE,
        "deprecated_at": spec.deprecated_at,
        "api_endpoint": spec.api_endpoint,
    }
