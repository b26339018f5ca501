"""The event contract: every event an external subscriber may consume, declared once.

Each :class:`CatalogEntry` names a subject pattern (built by :mod:`outsend_contracts.subjects`, its
``{parameters}`` in braces), the msgspec payload type, its ``schema_version``, what the event means
and an example payload. The AsyncAPI document served at ``/asyncapi`` is generated from
:data:`CATALOG` (``outsend_platform.asyncapi``).

``events.lock.json`` beside this file records, per subject, the payload's ``schema_version`` and a
hash of its JSON schema. A payload whose schema changes while its version stays fails the
contracts tests: bump ``schema_version`` in the struct (``schema_version: int = 2``, the class
declared ``kw_only=True`` so the redeclared field may stay where it is), then refresh
the lock with ``python -m outsend_contracts.event_catalog --write-lock`` (which refuses the
change without the bump too). Descriptions and titles are left out of the hash: rewording a
docstring changes no payload.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

from outsend_contracts import subjects
from outsend_contracts.account import DELETED, AccountDeleted
from outsend_contracts.jobs import events as job
from outsend_contracts.pipelines import events as pipeline
from outsend_contracts.pipelines.definition import PipelineDefinition, PipelineEdge, PipelineNode
from outsend_contracts.veille import events as veille

LOCK_PATH = Path(__file__).with_name("events.lock.json")
LOCK_COMMAND = "python -m outsend_contracts.event_catalog --write-lock"


@dataclass(frozen=True)
class CatalogEntry:
    subject: str
    """The subject pattern, e.g. ``evt.job.{job_id}.done``."""
    description: str
    example: msgspec.Struct
    """An example payload; its type is the entry's payload type."""
    parameters: Mapping[str, str]
    """Each ``{parameter}`` of the subject → what it holds."""

    @property
    def payload(self) -> type[msgspec.Struct]:
        return type(self.example)

    @property
    def name(self) -> str:
        return self.payload.__name__

    @property
    def schema_version(self) -> int:
        """The ``schema_version`` the payload type writes (its field's default)."""
        field = next(f for f in msgspec.structs.fields(self.payload) if f.name == "schema_version")
        assert isinstance(field.default, int)
        return field.default

    def schema(self) -> dict[str, Any]:
        """The payload's JSON schema, self-contained (msgspec's ``$defs`` inlined)."""
        return inline_refs(msgspec.json.schema(self.payload))

    def example_json(self) -> Any:
        return msgspec.to_builtins(self.example)


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with every ``#/$defs/…`` reference replaced by its definition.

    Consumers of the AsyncAPI document (and pydantic, through which FastStream reads it) resolve
    references against their own document, not msgspec's ``$defs``.
    """
    definitions: dict[str, Any] = schema.get("$defs", {})

    def resolve(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [resolve(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            name = node["$ref"].removeprefix("#/$defs/")
            if name in seen:
                raise ValueError(f"recursive payload type {name} cannot be inlined")
            return resolve(definitions[name], (*seen, name))
        return {key: resolve(value, seen) for key, value in node.items() if key != "$defs"}

    resolved: dict[str, Any] = resolve(schema, ())
    return resolved


# --- the catalog --------------------------------------------------------------------------
_AT = datetime(2026, 5, 27, 8, 10, 48, tzinfo=UTC)
_JOB_ID = "j_01JWCQ4N7V6X2T8R5M3K9B0ZPA"
_PIPELINE_ID = "9b2e6f0c-4d1a-4c3e-8f7b-2a5d9e1c6b40"
_JOB_PARAMETERS = {"job_id": "The job's id (`j_` followed by a ULID)."}
_PIPELINE_PARAMETERS = {"pipeline_id": "The pipeline's id (a UUID)."}
_VEILLE_PARAMETERS = {"veille_id": "The veille's id (an integer)."}
_ACCOUNT_PARAMETERS = {"user_id": "The account's id (an integer)."}
_SCRAP_PARAMS = {"queries": ["dentiste"], "zones": ["Lyon"], "mode": "fast", "include_reviews": False}
_DEFINITION = PipelineDefinition(
    nodes=[
        PipelineNode(id="n1", type="scrap", config={"queries": ["dentiste"], "zones": ["Lyon"]}, x=0, y=0),
        PipelineNode(id="n2", type="emails", config={}, x=240, y=0),
    ],
    edges=[PipelineEdge(id="e1", source="n1", target="n2")],
)


def _tag(payload: type[msgspec.Struct]) -> str:
    tag = payload.__struct_config__.tag
    assert isinstance(tag, str)
    return tag


def _job(description: str, example: job.JobEvent) -> CatalogEntry:
    subject = subjects.job_event("{job_id}", _tag(type(example)))
    return CatalogEntry(subject, description, example, _JOB_PARAMETERS)


def _pipeline(description: str, example: pipeline.PipelineEvent) -> CatalogEntry:
    subject = subjects.pipeline_event("{pipeline_id}", _tag(type(example)))
    return CatalogEntry(subject, description, example, _PIPELINE_PARAMETERS)


def _veille(description: str, example: veille.VeilleEvent) -> CatalogEntry:
    subject = subjects.veille_event("{veille_id}", _tag(type(example)))
    return CatalogEntry(subject, description, example, _VEILLE_PARAMETERS)


CATALOG: tuple[CatalogEntry, ...] = (
    _job(
        "A job was accepted: its module, options and lane. Input rows stay in the object store.",
        job.JobCreated(at=_AT, job_id=_JOB_ID, user_id=42, job_type="scrap", lane="multi_proxy", params=_SCRAP_PARAMS),
    ),
    _job(
        "The queue admitted the job (a lane slot and a user slot are taken) and its work was dispatched.",
        job.JobStarted(at=_AT, attempt=1),
    ),
    _job(
        "Cumulative progress counters; each event replaces the previous values.",
        job.JobProgress(at=_AT, processed=120, planned=300, results_count=95, error_count=2, eta_seconds=40),
    ),
    _job(
        "A line of the job's log, as the job page shows it.", job.JobLogged(at=_AT, message="Zone Lyon 3e : 48 lieux")
    ),
    _job("The owner asked to cancel; `cancelled` follows once the work stops.", job.JobCancelRequested(at=_AT)),
    _job(
        "Terminal: the job finished and its result CSV is ready to download.",
        job.JobDone(at=_AT, results_count=312, error_count=3, processed=320, output_filename="dentiste-lyon.csv"),
    ),
    _job(
        "Terminal: the job failed; a partial result may be kept.",
        job.JobFailed(at=_AT, error_message="Le module a échoué.", results_count=10, error_count=1),
    ),
    _job("Terminal: the job was cancelled; the rows done so far are kept.", job.JobCancelled(at=_AT, results_count=40)),
    _job("The retention period ended: the result is purged, the record kept.", job.JobExpired(at=_AT)),
    _job("The owner deleted the job: it and its result are gone.", job.JobDeleted(at=_AT)),
    _pipeline(
        "A pipeline was created: its graph of nodes and edges.",
        pipeline.PipelineCreated(
            at=_AT, pipeline_id=_PIPELINE_ID, user_id=42, name="Dentistes Lyon", definition=_DEFINITION
        ),
    ),
    _pipeline(
        "The coordinator runs a node as a job (recorded before the job exists).",
        pipeline.NodeStarted(
            at=_AT, node_id="n2", job_id=_JOB_ID, attempt=1, source_job_id="j_01JWCQ3Z0000000000000000AB"
        ),
    ),
    _pipeline(
        "A node's job reached a terminal state; `usable_rows` tells each successor how many rows it can use.",
        pipeline.NodeEnded(
            at=_AT, node_id="n1", job_id=_JOB_ID, outcome="done", results_count=312, usable_rows={"n2": 298}
        ),
    ),
    _pipeline("The failed or cancelled nodes run again.", pipeline.PipelineResumed(at=_AT, nodes=["n2"])),
    _pipeline("Terminal: every node ended and the pipeline is complete.", pipeline.PipelineCompleted(at=_AT)),
    _pipeline(
        "Terminal: a node failed and the pipeline stopped.",
        pipeline.PipelineFailed(at=_AT, error_message="Le nœud n2 a échoué."),
    ),
    _pipeline("Terminal: the owner cancelled the pipeline.", pipeline.PipelineCancelled(at=_AT)),
    _veille(
        "A veille was created from a finished scrap or pipeline; `template` is its own copy of what each run replays.",
        veille.VeilleCreated(
            at=_AT,
            veille_id=7,
            user_id=42,
            name="Plombiers Lyon 3",
            frequency_days=7,
            next_run_at=_AT + timedelta(days=7),
            template=veille.VeilleTemplate(job_type="scrap", params=_SCRAP_PARAMS),
            source_job_id="j_01JWCQ3Z0000000000000000AB",
        ),
    ),
    _veille(
        "The owner renamed, rescheduled, paused, resumed or deleted (`status: deleted`) the veille; "
        "only the fields that changed are present.",
        veille.VeilleUpdated(at=_AT, frequency_days=14, next_run_at=_AT + timedelta(days=14), status="paused"),
    ),
    _veille(
        "A run started (scheduled, or `manual` for run-now): `job_id` is its job, or its pipeline when `pipeline`.",
        veille.VeilleRunStarted(at=_AT, run_id=17, job_id=_JOB_ID, due_at=_AT, next_run_at=_AT + timedelta(days=7)),
    ),
    _veille(
        "A run's diff against the previous run is computed: counters of each bucket and of reputation signals. "
        "The first run is the baseline (`is_baseline`, no counters).",
        veille.VeilleRunCompleted(
            at=_AT,
            run_id=17,
            job_id=_JOB_ID,
            result_job_id=_JOB_ID,
            job_completed_at=_AT,
            prev_job_id="j_01JWCQ3Z0000000000000000AB",
            total_count=312,
            prev_total_count=305,
            new_count=9,
            removed_count=2,
            modified_count=24,
            unchanged_count=279,
            signals_count=5,
        ),
    ),
    _veille(
        "A run's job failed or was cancelled, or could not be created (quota…): no diff for this run.",
        veille.VeilleRunFailed(at=_AT, run_id=17, job_id=_JOB_ID, error_message="Le module a échoué."),
    ),
    CatalogEntry(
        subjects.account_event("{user_id}", DELETED),
        "An account was deleted: a subscriber that keeps data of this user erases it.",
        AccountDeleted(user_id=42, at=_AT),
        _ACCOUNT_PARAMETERS,
    ),
)


# --- the lock -----------------------------------------------------------------------------
def schema_hash(schema: dict[str, Any]) -> str:
    """SHA-256 of the schema's shape: the JSON it accepts, without descriptions and titles."""
    return hashlib.sha256(json.dumps(_shape(schema), sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _shape(node: Any) -> Any:
    if isinstance(node, list):
        return [_shape(item) for item in node]
    if not isinstance(node, dict):
        return node
    kept = {key: value for key, value in node.items() if key not in ("description", "title")}
    # Field names are data, not keywords: a field called "description" stays.
    return {
        key: {name: _shape(field) for name, field in value.items()} if key == "properties" else _shape(value)
        for key, value in kept.items()
    }


def lock_entries(catalog: Sequence[CatalogEntry] = CATALOG) -> dict[str, dict[str, Any]]:
    """What ``events.lock.json`` holds for ``catalog``: subject → payload, version, schema hash."""
    return {
        entry.subject: {
            "payload": entry.name,
            "schema_version": entry.schema_version,
            "schema_sha256": schema_hash(entry.schema()),
        }
        for entry in catalog
    }


def unversioned(current: Mapping[str, Mapping[str, Any]], locked: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The subjects whose payload schema changed while its ``schema_version`` did not go up."""
    return [
        subject
        for subject, entry in current.items()
        if subject in locked
        and entry["schema_sha256"] != locked[subject]["schema_sha256"]
        and entry["schema_version"] <= locked[subject]["schema_version"]
    ]


def lock_problems(current: Mapping[str, Mapping[str, Any]], locked: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Why ``locked`` does not describe ``current``, payloads changed without a version bump first."""
    bumps = unversioned(current, locked)
    bump_needed = [
        f"{subject}: the payload {current[subject]['payload']} changed but its schema_version is still "
        f"{current[subject]['schema_version']}: bump schema_version in {current[subject]['payload']}, "
        f"then run `{LOCK_COMMAND}`"
        for subject in bumps
    ]
    stale = [
        f"{subject}: the lock is out of date (event added, removed or re-versioned): run `{LOCK_COMMAND}`"
        for subject in sorted(current.keys() | locked.keys())
        if subject not in bumps and current.get(subject) != locked.get(subject)
    ]
    return bump_needed + stale


def read_lock(path: Path = LOCK_PATH) -> dict[str, dict[str, Any]]:
    locked: dict[str, dict[str, Any]] = json.loads(path.read_text()) if path.exists() else {}
    return locked


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check (or refresh) the lock of the event contract.")
    parser.add_argument("--write-lock", action="store_true", help="write events.lock.json from the catalog")
    args = parser.parse_args(argv)
    current, locked = lock_entries(), read_lock()
    problems = lock_problems(current, locked)
    if args.write_lock and not unversioned(current, locked):
        LOCK_PATH.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {LOCK_PATH} ({len(current)} events)")
        return 0
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
