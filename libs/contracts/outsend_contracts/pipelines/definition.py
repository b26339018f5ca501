"""A pipeline's graph: its shape, and the one function that normalises and validates it.

``POST /api/pipelines`` and ``POST /api/pipelines/validate`` accept the portable envelope
(``{schema_version, name, definition, meta}``) or a bare ``{nodes, edges}``. Before validation
the definition is normalised: missing edge ids are generated, each node's options are read as
a job's are (:func:`~outsend_contracts.module_options.read_options`: aliases, config defaults,
newline-separated strings coerced to ``string[]``, unknown config fields stripped), and nodes
without coordinates are laid out. Every refusal is a :class:`PipelineDefinitionError` carrying
the French message of the Pipelines API page.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

import msgspec

from outsend_contracts import SCHEMA_VERSION, errors
from outsend_contracts.config_schema import ConfigFieldError
from outsend_contracts.module_options import read_options
from outsend_contracts.pipelines.schema import MAX_NODES, NODE_MODULES, ROOT_TYPES, accepts, is_root
from outsend_contracts.registry import SourceChoice

DEFAULT_NAME = "Pipeline"
MAX_NAME_LENGTH = 120
MAX_ID_LENGTH = 64
LAYOUT_ORIGIN = 100
LAYOUT_COLUMN = 220
LAYOUT_ROW = 140


class PipelineNode(msgspec.Struct, kw_only=True):
    id: str
    type: str
    config: dict[str, Any]
    x: int | float
    y: int | float


class PipelineEdge(msgspec.Struct, kw_only=True):
    id: str
    source: str = msgspec.field(name="from")
    target: str = msgspec.field(name="to")


class PipelineDefinition(msgspec.Struct, kw_only=True):
    """A validated DAG: every non-root node has exactly one predecessor (fan-out, no fan-in)."""

    nodes: list[PipelineNode]
    edges: list[PipelineEdge]

    def node(self, node_id: str) -> PipelineNode | None:
        return next((node for node in self.nodes if node.id == node_id), None)

    def predecessor(self, node_id: str) -> str | None:
        return next((edge.source for edge in self.edges if edge.target == node_id), None)

    def successors(self, node_id: str) -> list[str]:
        return [edge.target for edge in self.edges if edge.source == node_id]

    def roots(self) -> list[PipelineNode]:
        return [node for node in self.nodes if self.predecessor(node.id) is None]

    def depth(self, node_id: str) -> int:
        depth = 0
        current = self.predecessor(node_id)
        while current is not None and depth <= len(self.nodes):
            depth += 1
            current = self.predecessor(current)
        return depth

    def output_type(self, node_id: str) -> str | None:
        """What a node emits; passthrough nodes emit what their nearest real ancestor emits."""
        current: str | None = node_id
        for _ in range(len(self.nodes) + 1):
            node = self.node(current) if current is not None else None
            if node is None:
                return None
            spec = NODE_MODULES[node.type]
            if not spec.is_passthrough:
                return spec.pipeline_output
            current = self.predecessor(node.id)
        return None

    def summary(self) -> dict[str, Any]:
        return {
            "n_nodes": len(self.nodes),
            "n_edges": len(self.edges),
            "types": list(dict.fromkeys(node.type for node in self.nodes)),
        }


class PipelineDefinitionError(ValueError):
    """A definition the server refuses; ``str(error)`` is the French message."""


class PipelineRequest(msgspec.Struct, kw_only=True):
    """A request body read as envelope or bare definition, normalised and validated."""

    name: str
    definition: PipelineDefinition


def read_request(body: Any) -> PipelineRequest:
    """Accept the portable envelope or a bare ``{nodes, edges}``; return it normalised."""
    if not isinstance(body, dict):
        raise PipelineDefinitionError(errors.PIPELINE_MALFORMED.format(reason="un objet JSON est attendu"))
    version = body.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise PipelineDefinitionError(errors.PIPELINE_SCHEMA_VERSION.format(version=version, expected=SCHEMA_VERSION))
    raw = body.get("definition", body)
    return PipelineRequest(name=_name(body.get("name")), definition=normalize(raw))


def _name(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_NAME
    if not isinstance(value, str):
        raise PipelineDefinitionError(errors.PIPELINE_MALFORMED.format(reason="« name » doit être un texte"))
    if len(value.strip()) > MAX_NAME_LENGTH:
        raise PipelineDefinitionError(errors.PIPELINE_NAME_TOO_LONG.format(max_length=MAX_NAME_LENGTH))
    return value.strip()


def normalize(raw: Any) -> PipelineDefinition:
    """Normalise then validate a ``{nodes, edges}`` definition, in the documented rule order."""
    nodes_raw, edges_raw = _lists(raw)
    if not nodes_raw:
        raise PipelineDefinitionError(errors.PIPELINE_EMPTY)
    if len(nodes_raw) > MAX_NODES:
        raise PipelineDefinitionError(errors.PIPELINE_TOO_MANY_NODES.format(max_nodes=MAX_NODES))
    drafts = [_node_draft(index, item) for index, item in enumerate(nodes_raw)]
    if any(count > 1 for count in Counter(draft["id"] for draft in drafts).values()):
        raise PipelineDefinitionError(errors.PIPELINE_DUPLICATE_IDS)
    for draft in drafts:
        if draft["type"] not in NODE_MODULES:
            raise PipelineDefinitionError(errors.PIPELINE_UNKNOWN_TYPE.format(type=draft["type"]))
    edges = _edges(edges_raw, {draft["id"] for draft in drafts})
    types = {draft["id"]: draft["type"] for draft in drafts}
    _check_graph(types, edges)
    nodes = [PipelineNode(id=draft["id"], type=draft["type"], config=draft["config"], x=0, y=0) for draft in drafts]
    definition = PipelineDefinition(nodes=nodes, edges=edges)
    _check_connections(definition)
    for node in nodes:
        node.config = _checked_config(node.id, node.type, node.config)
    _lay_out(definition, drafts)
    return definition


# --- shape ---------------------------------------------------------------------------------------
def _malformed(reason: str) -> PipelineDefinitionError:
    return PipelineDefinitionError(errors.PIPELINE_MALFORMED.format(reason=reason))


def _lists(raw: Any) -> tuple[list[Any], list[Any]]:
    if not isinstance(raw, dict):
        raise _malformed("« definition » doit être un objet {nodes, edges}")
    nodes, edges = raw.get("nodes") or [], raw.get("edges") or []
    if not isinstance(nodes, list):
        raise _malformed("« nodes » doit être une liste")
    if not isinstance(edges, list):
        raise _malformed("« edges » doit être une liste")
    return nodes, edges


def _identifier(value: Any, what: str) -> str:
    """Ids are texts; whole numbers are accepted (``1`` → ``"1"``), as hand-written JSON has them."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _malformed(f"{what} doit être un texte")
    text = str(value).strip()
    if not text or len(text) > MAX_ID_LENGTH:
        raise _malformed(f"{what} doit faire 1 à {MAX_ID_LENGTH} caractères")
    return text


def _node_draft(index: int, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise _malformed("chaque node doit être un objet")
    node_id = _identifier(item["id"], "l'id d'un node") if item.get("id") not in (None, "") else f"n{index + 1}"
    kind = item.get("type")
    if not isinstance(kind, str) or not kind.strip():
        raise _malformed(f"le node '{node_id}' n'a pas de « type »")
    config = item.get("config")
    if config is None:
        config = item.get("params") or {}  # the concept page calls the config ``params``
    if not isinstance(config, dict):
        raise PipelineDefinitionError(
            errors.PIPELINE_BAD_FIELD.format(node=node_id, field="config", reason="objet attendu")
        )
    return {"id": node_id, "type": kind.strip(), "config": config, "x": item.get("x"), "y": item.get("y")}


def _edges(items: list[Any], node_ids: set[str]) -> list[PipelineEdge]:
    """Edges with ids (generated when missing or repeated); an exact duplicate is dropped."""
    edges: list[PipelineEdge] = []
    used: set[str] = set()
    seen_pairs: set[tuple[str, str]] = set()
    for item in items:
        if not isinstance(item, dict):
            raise _malformed("chaque edge doit être un objet")
        source, target = item.get("from", item.get("source")), item.get("to", item.get("target"))
        if source is None or target is None:
            raise PipelineDefinitionError(errors.PIPELINE_DANGLING_EDGE)
        source, target = _identifier(source, "« from »"), _identifier(target, "« to »")
        if source not in node_ids or target not in node_ids:
            raise PipelineDefinitionError(errors.PIPELINE_DANGLING_EDGE)
        if (source, target) in seen_pairs:
            continue
        seen_pairs.add((source, target))
        given = item.get("id")
        edge_id = str(given).strip() if isinstance(given, str | int) and not isinstance(given, bool) else ""
        if not edge_id or edge_id in used or len(edge_id) > MAX_ID_LENGTH:
            edge_id = _fresh_edge_id(used)
        used.add(edge_id)
        edges.append(PipelineEdge(id=edge_id, source=source, target=target))
    return edges


def _fresh_edge_id(used: set[str]) -> str:
    number = len(used) + 1
    while f"e{number}" in used:
        number += 1
    return f"e{number}"


# --- graph ---------------------------------------------------------------------------------------
def _check_graph(types: dict[str, str], edges: list[PipelineEdge]) -> None:
    for edge in edges:
        if edge.source == edge.target:
            raise PipelineDefinitionError(errors.PIPELINE_SELF_LOOP)
    for edge in edges:
        if is_root(types[edge.target]):
            raise PipelineDefinitionError(errors.PIPELINE_ROOT_WITH_PREDECESSOR.format(node=edge.target))
    incoming = Counter(edge.target for edge in edges)
    for node_id in types:
        if incoming[node_id] > 1:
            raise PipelineDefinitionError(errors.PIPELINE_FAN_IN.format(node=node_id))
    for node_id, kind in types.items():
        if not is_root(kind) and incoming[node_id] == 0:
            raise PipelineDefinitionError(
                errors.PIPELINE_NO_PREDECESSOR.format(node=node_id, roots=" ou ".join(ROOT_TYPES))
            )
    if len(_reachable(types, edges)) < len(types):
        # Every non-root has one predecessor: a node no root reaches sits on a cycle.
        raise PipelineDefinitionError(errors.PIPELINE_CYCLE)


def _reachable(types: dict[str, str], edges: list[PipelineEdge]) -> set[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        children[edge.source].append(edge.target)
    reached: set[str] = set()
    frontier = [node_id for node_id, kind in types.items() if is_root(kind)]
    while frontier:
        node_id = frontier.pop()
        if node_id not in reached:
            reached.add(node_id)
            frontier.extend(children[node_id])
    return reached


def _check_connections(definition: PipelineDefinition) -> None:
    """Each edge's target accepts what its source emits, walking back through passthrough nodes."""
    for edge in definition.edges:
        source, target = definition.node(edge.source), definition.node(edge.target)
        assert source is not None and target is not None
        if not accepts(NODE_MODULES[target.type].pipeline_input, definition.output_type(source.id)):
            raise PipelineDefinitionError(errors.PIPELINE_INCOMPATIBLE.format(source=source.type, target=target.type))


# --- config --------------------------------------------------------------------------------------
def _checked_config(node_id: str, kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    try:
        config = read_options(NODE_MODULES[kind], raw)
    except ConfigFieldError as error:
        if error.missing:
            raise PipelineDefinitionError(
                errors.PIPELINE_MISSING_FIELD.format(node=node_id, field=error.field)
            ) from error
        raise PipelineDefinitionError(
            errors.PIPELINE_BAD_FIELD.format(node=node_id, field=error.field, reason=error.reason)
        ) from error
    choice = NODE_MODULES[kind].source_choice
    return config if choice is None else _source_config(node_id, choice, config)


def _source_config(node_id: str, choice: SourceChoice, config: dict[str, Any]) -> dict[str, Any]:
    """The chosen source and the one option it needs (the other sources' options are dropped)."""
    source = choice.chosen(config)
    value = config.get(source.option)
    if not isinstance(value, str) or not value.strip():
        raise PipelineDefinitionError(errors.PIPELINE_MISSING_FIELD.format(node=node_id, field=source.option))
    if source.url and not value.strip().lower().startswith(("http://", "https://")):
        raise PipelineDefinitionError(
            errors.PIPELINE_BAD_FIELD.format(node=node_id, field=source.option, reason="URL http(s) attendue")
        )
    chosen = config.get(choice.option, choice.default)
    return {choice.option: chosen, source.option: value if source.inline else value.strip()}


# --- layout --------------------------------------------------------------------------------------
def _coordinate(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return value


def _lay_out(definition: PipelineDefinition, drafts: list[dict[str, Any]]) -> None:
    """Nodes without ``x``/``y`` go in columns by depth, in the order they were listed."""
    rows: Counter[int] = Counter()
    for node, draft in zip(definition.nodes, drafts, strict=True):
        depth = definition.depth(node.id)
        x, y = _coordinate(draft["x"]), _coordinate(draft["y"])
        if x is not None and y is not None:
            node.x, node.y = x, y
            continue
        node.x = x if x is not None else LAYOUT_ORIGIN + LAYOUT_COLUMN * depth
        node.y = y if y is not None else LAYOUT_ORIGIN + LAYOUT_ROW * rows[depth]
        rows[depth] += 1
