"""What the AI features ask the model, and how its answers are read back.

Every answer is JSON the model is asked for, then checked by the platform's own rules before the
user sees it: a generated pipeline by the pipeline validator (``read_request``), filter rules by
the filter module's options reader. Nothing generated runs: the user confirms first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import msgspec

from outsend_contracts import SCHEMA_VERSION, errors, registry
from outsend_contracts.config_schema import ConfigFieldError
from outsend_contracts.module_options import read_options
from outsend_contracts.pipelines.definition import PipelineDefinitionError, read_request
from outsend_contracts.pipelines.schema import NODE_MODULES
from outsend_gateway.ai.providers import Prompt

MAX_REVIEWS = 200
REVIEW_CHARS = 1_000
SUMMARY_OUTPUT_TOKENS = 800
PIPELINE_OUTPUT_TOKENS = 2_000
FILTER_OUTPUT_TOKENS = 600
PLACE_COLUMNS = (
    "nom",
    "adresse",
    "ville",
    "code_postal",
    "telephone",
    "site_web",
    "note",
    "nb_avis",
    "categorie",
    "email",
)


def review_summary_prompt(place: str, reviews: Sequence[dict[str, str]]) -> Prompt:
    lines = [
        f"- {review.get('rating', '?')}/5 ({review.get('date', '')}) : {review.get('review_text', '')[:REVIEW_CHARS]}"
        for review in reviews[:MAX_REVIEWS]
    ]
    return Prompt(
        system=(
            "Tu aides une équipe commerciale à préparer une prise de contact. À partir des avis Google "
            "d'un établissement, réponds uniquement par un objet JSON : "
            '{"strengths": [3 points forts au plus], "complaints": [3 reproches au plus], '
            '"outreach_angle": "une phrase d\'accroche pour le démarcher"}. En français, sans autre texte.'
        ),
        user=f"Établissement : {place}\nAvis ({len(lines)}) :\n" + "\n".join(lines),
        max_output_tokens=SUMMARY_OUTPUT_TOKENS,
    )


def read_review_summary(answer: str) -> dict[str, Any]:
    data = _json_object(answer)
    strengths, complaints, angle = data.get("strengths"), data.get("complaints"), data.get("outreach_angle")
    if not isinstance(strengths, list) or not isinstance(complaints, list) or not isinstance(angle, str):
        raise errors.DomainError(502, errors.AI_BAD_ANSWER)
    return {
        "strengths": [str(s) for s in strengths],
        "complaints": [str(c) for c in complaints],
        "outreach_angle": angle,
    }


def pipeline_prompt(description: str) -> Prompt:
    nodes = "\n".join(
        f"- {kind} : {spec.label_fr} ; options {sorted(spec.config_schema)}" for kind, spec in NODE_MODULES.items()
    )
    return Prompt(
        system=(
            "Tu composes des pipelines outsend. Réponds uniquement par un objet JSON, l'enveloppe portable : "
            f'{{"schema_version": {SCHEMA_VERSION}, "name": "...", "definition": {{"nodes": '
            '[{"id": "n1", "type": "<type>", "config": {...}}], "edges": [{"source": "n1", "target": "n2"}]}}. '
            f"Types de nœuds disponibles :\n{nodes}"
        ),
        user=description,
        max_output_tokens=PIPELINE_OUTPUT_TOKENS,
    )


def read_pipeline(answer: str) -> dict[str, Any]:
    """The envelope, normalised by the pipeline validator; refused as the validator refuses it."""
    envelope = _json_object(answer)
    try:
        request = read_request(envelope)
    except PipelineDefinitionError as error:
        raise errors.DomainError(422, errors.AI_PROPOSAL_INVALID.format(reason=error)) from error
    return {
        "schema_version": SCHEMA_VERSION,
        "name": request.name,
        "definition": msgspec.to_builtins(request.definition),
        "summary": request.definition.summary(),
    }


def filter_prompt(description: str, columns: Sequence[str]) -> Prompt:
    spec = registry.REGISTRY["filter"]
    flat = sorted(name for name in spec.config_schema if name != "rules")
    return Prompt(
        system=(
            "Tu traduis une demande en règles de filtre outsend. Réponds uniquement par un objet JSON "
            "d'options du module filter : des clés simples parmi " + ", ".join(flat) + ", et/ou "
            '"rules": {"logic": "AND", "conditions": [{"column": "...", "op": "...", "value": ...}]} '
            "(op parmi =, !=, >, >=, <, <=, contains, not_contains, empty, not_empty, regex). "
            f"Colonnes disponibles : {', '.join(columns)}."
        ),
        user=description,
        max_output_tokens=FILTER_OUTPUT_TOKENS,
    )


def read_filter(answer: str) -> dict[str, Any]:
    options = _json_object(answer)
    try:
        return read_options(registry.REGISTRY["filter"], options)
    except ConfigFieldError as error:
        raise errors.DomainError(422, errors.AI_PROPOSAL_INVALID.format(reason=error)) from error


def _json_object(answer: str) -> dict[str, Any]:
    """The JSON object of an answer, even wrapped in prose or a fenced block."""
    start, end = answer.find("{"), answer.rfind("}")
    if start < 0 or end < start:
        raise errors.DomainError(502, errors.AI_BAD_ANSWER)
    try:
        data = json.loads(answer[start : end + 1])
    except ValueError as error:
        raise errors.DomainError(502, errors.AI_BAD_ANSWER) from error
    if not isinstance(data, dict):
        raise errors.DomainError(502, errors.AI_BAD_ANSWER)
    return data
