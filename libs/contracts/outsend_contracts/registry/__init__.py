"""The module registry: the one source of truth for every module outsend lists.

The dashboard grid, ``GET /api/modules-registry``, the typed job endpoints, the pipeline
schema, lane admission in the jobs service and worker routing all read :data:`REGISTRY`.

- :mod:`.spec` says what a module is (:class:`ModuleSpec`, stages, lanes, limits);
- :mod:`.modules` is the table: adding a module is one :class:`ModuleSpec` there, plus one
  module file in a worker service;
- :mod:`.document` is the public registry document.
"""

from outsend_contracts.registry.document import live_stage, registry_document, registry_entry
from outsend_contracts.registry.modules import (
    LEGACY_FEATURE_IDS,
    PLACE_COLUMNS,
    REGISTRY,
    by_endpoint_slug,
    feature_vote_ids,
    launchable,
    modules_in,
    modules_of_service,
)
from outsend_contracts.registry.spec import (
    LANE_CAPACITY,
    MAX_EF_PER_JOB,
    MAX_ITEMS,
    Category,
    Group,
    Lane,
    ModuleSpec,
    SourcePrerequisite,
    Stage,
)

__all__ = [
    "LANE_CAPACITY",
    "LEGACY_FEATURE_IDS",
    "MAX_EF_PER_JOB",
    "MAX_ITEMS",
    "PLACE_COLUMNS",
    "REGISTRY",
    "Category",
    "Group",
    "Lane",
    "ModuleSpec",
    "SourcePrerequisite",
    "Stage",
    "by_endpoint_slug",
    "feature_vote_ids",
    "launchable",
    "live_stage",
    "modules_in",
    "modules_of_service",
    "registry_document",
    "registry_entry",
]
