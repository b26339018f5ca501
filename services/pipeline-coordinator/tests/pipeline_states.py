"""Pipeline states built from events, as the coordinator folds them (shared by the unit tests)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from outsend_contracts.pipelines import events as ev
from outsend_contracts.pipelines.definition import normalize
from outsend_coordinator import orchestration
from outsend_coordinator.orchestration import next_event
from outsend_coordinator.state import PipelineState

NOW = datetime(2026, 5, 27, 10, 14, 2, tzinfo=UTC)


def pipeline(nodes: list[tuple[str, str, dict[str, Any]]], edges: list[tuple[str, str]]) -> PipelineState:
    definition = normalize(
        {
            "nodes": [{"id": node_id, "type": kind, "config": config} for node_id, kind, config in nodes],
            "edges": [{"from": source, "to": target} for source, target in edges],
        }
    )
    created = ev.PipelineCreated(at=NOW, pipeline_id="p1", user_id=7, name="test", definition=definition)
    return PipelineState.created(created, seq=1)


def record(state: PipelineState, event: ev.PipelineEvent) -> None:
    state.apply(event, state.version + 1)  # type: ignore[arg-type]


def advance(state: PipelineState) -> list[ev.PipelineEvent]:
    """Every step the pipeline takes now, recorded, as the writer does."""
    taken = []
    while (event := next_event(state, NOW)) is not None:
        record(state, event)
        taken.append(event)
    return taken


def finish(state: PipelineState, node_id: str, outcome: str = "done", **usable: int) -> None:
    job_id = state.nodes[node_id].job_id
    assert job_id is not None
    ended = ev.NodeEnded(at=NOW, node_id=node_id, job_id=job_id, outcome=outcome, usable_rows=usable)  # type: ignore[arg-type]
    assert orchestration.record_outcome(state, ended) is ended
    record(state, ended)


IMPORT = {"source": "url", "url": "https://sheets.example/s.csv"}


def fresh() -> PipelineState:
    """``src`` (import) feeds ``a`` (filter) and ``b`` (sort); ``a`` feeds ``a2`` (sort)."""
    return pipeline(
        [("src", "import", IMPORT), ("a", "filter", {}), ("b", "sort", {}), ("a2", "sort", {})],
        [("src", "a"), ("src", "b"), ("a", "a2")],
    )
