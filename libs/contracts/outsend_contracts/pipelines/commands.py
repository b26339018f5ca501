"""Commands to the pipeline coordinator (``cmd.pipeline-coordinator.*``) and its queries (``svc.…``)."""

from __future__ import annotations

from typing import Any

import msgspec

from outsend_contracts import SCHEMA_VERSION
from outsend_contracts.pipelines.definition import PipelineDefinition

LIST_LIMIT = 50


class CreatePipeline(msgspec.Struct, kw_only=True, frozen=True):
    """Create a pipeline from a definition the gateway normalised, and start its roots."""

    pipeline_id: str
    user_id: int
    name: str
    definition: PipelineDefinition
    """Pasted CSV (``import`` with ``source=paste``) is not in here: see ``inputs``."""
    inputs: dict[str, str] = {}
    """Node id → object (bucket ``job-inputs``) holding the CSV pasted in that node's config."""
    schema_version: int = SCHEMA_VERSION


class ResumePipeline(msgspec.Struct, kw_only=True, frozen=True):
    pipeline_id: str
    user_id: int
    schema_version: int = SCHEMA_VERSION


class CancelPipeline(msgspec.Struct, kw_only=True, frozen=True):
    pipeline_id: str
    user_id: int
    schema_version: int = SCHEMA_VERSION


class GetPipeline(msgspec.Struct, kw_only=True, frozen=True):
    pipeline_id: str
    user_id: int


class ListPipelines(msgspec.Struct, kw_only=True, frozen=True):
    user_id: int
    limit: int = LIST_LIMIT


class InspectNode(msgspec.Struct, kw_only=True, frozen=True):
    """``input-columns`` of a node (the profile of its predecessor's output)."""

    pipeline_id: str
    node_id: str
    user_id: int


class PreviewNodeFilter(msgspec.Struct, kw_only=True, frozen=True):
    """``filter-preview``: rules to try on a ``filter`` node's input; empty → the node's own config."""

    pipeline_id: str
    node_id: str
    user_id: int
    config: dict[str, Any]
