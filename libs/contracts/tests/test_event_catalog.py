"""The event contract lists every event a subscriber may read, and its lock catches unversioned changes."""

from __future__ import annotations

import re
from datetime import datetime
from typing import get_args

import jsonschema
import msgspec
import pytest

from outsend_contracts.account import AccountDeleted
from outsend_contracts.event_catalog import (
    CATALOG,
    LOCK_COMMAND,
    CatalogEntry,
    lock_entries,
    lock_problems,
    read_lock,
    schema_hash,
)
from outsend_contracts.jobs import events as job
from outsend_contracts.pipelines import events as pipeline
from outsend_contracts.veille import events as veille

BY_SUBJECT = {entry.subject: entry for entry in CATALOG}
DONE = BY_SUBJECT["evt.job.{job_id}.done"]


def test_every_event_type_is_in_the_catalog_once() -> None:
    declared = {*get_args(job.AnyJobEvent), *get_args(pipeline.AnyPipelineEvent), *get_args(veille.AnyVeilleEvent)}
    assert sorted(entry.name for entry in CATALOG) == sorted(t.__name__ for t in {*declared, AccountDeleted})
    assert len(BY_SUBJECT) == len(CATALOG)


@pytest.mark.parametrize("entry", CATALOG, ids=lambda entry: entry.subject)
def test_a_subject_names_each_of_its_parameters(entry: CatalogEntry) -> None:
    assert re.findall(r"\{(\w+)\}", entry.subject) == list(entry.parameters)
    assert all(entry.parameters.values()) and entry.description


def test_the_subjects_are_those_the_aggregates_publish_on() -> None:
    for entry in CATALOG:
        if isinstance(entry.example, job.JobEvent):
            assert entry.subject.format(job_id="j_1") == job.CODEC.subject("j_1", job.event_name(entry.example))
        if isinstance(entry.example, pipeline.PipelineEvent):
            published = pipeline.CODEC.subject("p-1", pipeline.event_name(entry.example))
            assert entry.subject.format(pipeline_id="p-1") == published


@pytest.mark.parametrize("entry", CATALOG, ids=lambda entry: entry.subject)
def test_every_example_round_trips_through_its_payload_type(entry: CatalogEntry) -> None:
    encoded = msgspec.json.encode(entry.example)
    assert msgspec.json.decode(encoded, type=entry.payload) == entry.example
    jsonschema.validate(entry.example_json(), entry.schema())  # what the published document promises


def test_the_lock_matches_the_catalog() -> None:
    problems = lock_problems(lock_entries(), read_lock())
    assert not problems, "\n".join(problems)


class JobDone(job.JobEvent, tag="done", frozen=True):
    """``done`` as it would read with a field added and the version forgotten."""

    results_count: int
    duration_seconds: float = 0.0


class JobDoneV2(job.JobEvent, tag="done", frozen=True, kw_only=True):
    results_count: int
    duration_seconds: float = 0.0
    schema_version: int = 2


def changed(example: msgspec.Struct) -> CatalogEntry:
    return CatalogEntry(DONE.subject, DONE.description, example, DONE.parameters)


AT = datetime.fromisoformat("2026-05-27T08:10:48+00:00")


def test_a_payload_changed_without_its_version_is_refused_with_what_to_do() -> None:
    locked = {DONE.subject: lock_entries([DONE])[DONE.subject]}
    problems = lock_problems(lock_entries([changed(JobDone(at=AT, results_count=1))]), locked)
    assert problems == [
        f"{DONE.subject}: the payload JobDone changed but its schema_version is still 1: "
        f"bump schema_version in JobDone, then run `{LOCK_COMMAND}`"
    ]


def test_a_payload_changed_with_its_version_only_asks_to_refresh_the_lock() -> None:
    locked = {DONE.subject: lock_entries([DONE])[DONE.subject]}
    problems = lock_problems(lock_entries([changed(JobDoneV2(at=AT, results_count=1))]), locked)
    assert problems == [
        f"{DONE.subject}: the lock is out of date (event added, removed or re-versioned): run `{LOCK_COMMAND}`"
    ]


def test_rewording_a_description_changes_no_hash() -> None:
    schema = DONE.schema()
    reworded = {**schema, "description": "Another wording.", "title": "Done"}
    assert schema_hash(reworded) == schema_hash(schema)
    renamed_field = {**schema, "properties": {**schema["properties"], "description": {"type": "string"}}}
    assert schema_hash(renamed_field) != schema_hash(schema)
