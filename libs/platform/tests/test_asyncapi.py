"""The AsyncAPI document FastStream generates carries the whole event contract of libs/contracts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from outsend_contracts.event_catalog import CATALOG, CatalogEntry
from outsend_platform.asyncapi import event_document, resolve

DOCUMENT = event_document("nats://outsend:secret@nats.example:4222")
ASYNCAPI_3_SCHEMA = Path(__file__).with_name("asyncapi_spec") / "3.0.0.json"


def at(ref: str) -> dict[str, Any]:
    return resolve(DOCUMENT, ref)


def test_the_document_is_valid_asyncapi_3() -> None:
    validator = jsonschema.Draft7Validator(json.loads(ASYNCAPI_3_SCHEMA.read_text()))
    assert [error.message for error in validator.iter_errors(DOCUMENT)] == []


def test_the_document_has_one_channel_operation_and_message_per_event() -> None:
    assert DOCUMENT["asyncapi"] == "3.0.0"
    assert DOCUMENT["info"]["title"] and DOCUMENT["info"]["version"]
    assert list(DOCUMENT["channels"]) == list(DOCUMENT["operations"]) == [entry.name for entry in CATALOG]
    assert len(DOCUMENT["components"]["messages"]) == len(CATALOG)
    for operation in DOCUMENT["operations"].values():
        assert operation["action"] == "send"
        channel_ref = operation["channel"]["$ref"]
        channel = at(channel_ref)
        assert operation["messages"] == [{"$ref": f"{channel_ref}/messages/{key}"} for key in channel["messages"]]
        for message in channel["messages"].values():
            assert at(message["$ref"])["payload"]["$ref"].startswith("#/components/schemas/")


def test_the_server_is_named_without_its_credentials() -> None:
    assert [server["host"] for server in DOCUMENT["servers"].values()] == ["nats.example:4222"]
    assert "secret" not in str(DOCUMENT)


@pytest.mark.parametrize("entry", CATALOG, ids=lambda entry: entry.subject)
def test_each_event_has_its_subject_parameters_schema_version_and_example(entry: CatalogEntry) -> None:
    channel = DOCUMENT["channels"][entry.name]
    assert channel["address"] == entry.subject
    assert sorted(channel["parameters"]) == sorted(re.findall(r"\{(\w+)\}", entry.subject))
    assert channel["description"] == entry.description
    (message_ref,) = channel["messages"].values()
    message = at(message_ref["$ref"])
    assert message["x-schema-version"] == entry.schema_version
    assert message["examples"] == [{"name": entry.name, "payload": entry.example_json()}]
    assert at(message["payload"]["$ref"]) == {**entry.schema(), "title": entry.name}
