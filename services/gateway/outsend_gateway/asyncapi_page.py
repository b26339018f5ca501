"""``/asyncapi``: the event contract's AsyncAPI document, as JSON and as a page rendered here.

FastStream's own HTML loads its viewer from a CDN, which neither the browser policy
(``UI_POLICY``: scripts and styles from the platform only) nor an offline deployment allows; the
page is plain HTML built from the same document, styled by ``/static`` sheets.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from typing import Any

from outsend_platform.asyncapi import event_document, resolve

Schema = dict[str, Any]


@dataclass(frozen=True)
class PublishedContract:
    """The document and its page, built once when the gateway starts."""

    json: bytes
    html: str

    @classmethod
    def generate(cls, nats_url: str) -> PublishedContract:
        document = event_document(nats_url)
        return cls(json=json.dumps(document, ensure_ascii=False).encode(), html=render(document))


def render(document: dict[str, Any]) -> str:
    info = document["info"]
    asyncapi = f"AsyncAPI {escape(document['asyncapi'])}"
    channels = "\n".join(_channel(document, name, channel) for name, channel in document["channels"].items())
    index = "".join(
        f'<li><a href="#{escape(name)}"><code>{escape(channel["address"])}</code></a></li>'
        for name, channel in document["channels"].items()
    )
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(info["title"])} — {asyncapi}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/static/style.css">
  <link rel="stylesheet" href="/static/asyncapi.css">
</head>
<body>
  <header><a href="/" class="brand">outsend</a><nav><a href="/asyncapi.json">asyncapi.json</a></nav></header>
  <main>
    <section class="card">
      <h1>{escape(info["title"])} <span class="muted">{escape(info["version"])} · {asyncapi}</span></h1>
      <p>{escape(info.get("description", ""))}</p>
      <ul class="subjects">{index}</ul>
    </section>
{channels}
  </main>
</body>
</html>
"""


def _channel(document: dict[str, Any], name: str, channel: dict[str, Any]) -> str:
    (reference,) = channel["messages"].values()
    message = resolve(document, reference["$ref"])
    payload = resolve(document, message["payload"]["$ref"])
    parameters = "".join(
        f"<li><code>{{{escape(name)}}}</code> {escape(parameter.get('description', ''))}</li>"
        for name, parameter in channel.get("parameters", {}).items()
    )
    examples = "".join(
        f'<pre class="example">{escape(json.dumps(example["payload"], indent=2, ensure_ascii=False))}</pre>'
        for example in message.get("examples", ())
    )
    return f"""    <section class="card" id="{escape(name)}">
      <h2><code>{escape(channel["address"])}</code></h2>
      <p><strong>{escape(message["title"])}</strong> · schema_version {message.get("x-schema-version", "")}</p>
      <p>{escape(channel.get("description", ""))}</p>
      <ul class="parameters">{parameters}</ul>
      <table>
        <thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Default</th><th>Description</th></tr></thead>
        <tbody>{"".join(_field_rows(payload))}</tbody>
      </table>
      <h3>Example</h3>
      {examples}
    </section>"""


def _field_rows(schema: Schema, prefix: str = "") -> Iterator[str]:
    required = set(schema.get("required", ()))
    for name, field in schema.get("properties", {}).items():
        default = json.dumps(field["default"], ensure_ascii=False) if "default" in field else ""
        yield (
            f"<tr><td><code>{escape(prefix + name)}</code></td><td>{escape(type_name(field))}</td>"
            f"<td>{'yes' if name in required else ''}</td><td><code>{escape(default)}</code></td>"
            f"<td>{escape(field.get('description', ''))}</td></tr>"
        )
        nested = field.get("items", field)
        suffix = "[]." if "items" in field else "."
        yield from _field_rows(nested, f"{prefix}{name}{suffix}")


def type_name(schema: Schema) -> str:
    """A JSON schema as a reader says it: ``string | null``, ``array of PipelineNode``, ``"done"``."""
    if "enum" in schema:
        return " | ".join(json.dumps(value, ensure_ascii=False) for value in schema["enum"])
    if "anyOf" in schema:
        return " | ".join(type_name(option) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return f"array of {type_name(schema.get('items', {}))}"
    if "additionalProperties" in schema:
        return f"object of {type_name(schema['additionalProperties'])}"
    return str(schema.get("title") or schema.get("type", "any"))
