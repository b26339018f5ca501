"""The coordinator's decisions and read-side figures, on pipeline states built from events (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from outsend_contracts.errors import DomainError
from outsend_contracts.jobs.state import JobState, JobStatus
from outsend_contracts.pipelines import events as ev
from outsend_contracts.pipelines.definition import normalize
from outsend_pipeline_coordinator import orchestration, progress
from outsend_pipeline_coordinator.orchestration import next_event, node_view, pipeline_job_id, usable_rows
from outsend_pipeline_coordinator.state import NodeStatus, PipelineState, PipelineStatus

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


class TestStarting:
    def test_a_new_pipeline_starts_its_roots_and_then_waits(self) -> None:
        state = fresh()
        taken = advance(state)
        assert [(event.node_id, event.attempt) for event in taken] == [("src", 1)]  # type: ignore[attr-defined]
        assert next_event(state, NOW) is None

    def test_job_ids_are_derived_so_a_repeated_decision_names_the_same_job(self) -> None:
        first, second = fresh(), fresh()
        assert advance(first) == advance(second)
        assert first.nodes["src"].job_id == pipeline_job_id("p1", "src", 1)
        assert pipeline_job_id("p1", "src", 2) != pipeline_job_id("p1", "src", 1)
        assert pipeline_job_id("p2", "src", 1) != pipeline_job_id("p1", "src", 1)

    def test_successors_read_their_predecessor_and_are_told_how_many_rows_they_can_use(self) -> None:
        state = fresh()
        advance(state)
        finish(state, "src", a=40, b=40)
        started = {event.node_id: event for event in advance(state) if isinstance(event, ev.NodeStarted)}
        assert set(started) == {"a", "b"}
        assert started["a"].source_job_id == state.nodes["src"].job_id
        assert started["a"].items_count == 40

    def test_a_redelivered_end_or_an_older_attempt_changes_nothing(self) -> None:
        state = fresh()
        advance(state)
        finish(state, "src", a=1, b=1)
        again = ev.NodeEnded(at=NOW, node_id="src", job_id=str(state.nodes["src"].job_id), outcome="failed")
        assert orchestration.record_outcome(state, again) is None
        stale = ev.NodeEnded(at=NOW, node_id="a", job_id=pipeline_job_id("p1", "a", 7), outcome="done")
        assert orchestration.record_outcome(state, stale) is None


class TestEnding:
    def test_an_empty_output_short_circuits_its_branch_and_the_pipeline_completes(self) -> None:
        state = fresh()
        advance(state)
        finish(state, "src", a=10, b=10)
        advance(state)
        finish(state, "a", a2=0)
        finish(state, "b")
        taken = advance(state)
        assert [type(event) for event in taken] == [ev.PipelineCompleted]
        assert node_view(state, "a2") == "skipped"
        assert state.status is PipelineStatus.DONE

    def test_a_failed_node_stops_its_branch_while_the_other_branch_finishes(self) -> None:
        state = fresh()
        advance(state)
        finish(state, "src", a=10, b=10)
        advance(state)
        finish(state, "a", "failed")
        assert advance(state) == []  # b still runs
        assert node_view(state, "a2") == "blocked"
        finish(state, "b")
        assert [type(event) for event in advance(state)] == [ev.PipelineFailed]

    def test_a_cancelled_job_ends_the_pipeline_cancelled(self) -> None:
        state = fresh()
        advance(state)
        finish(state, "src", "cancelled")
        assert [type(event) for event in advance(state)] == [ev.PipelineCancelled]
        assert {node_view(state, node) for node in ("a", "b", "a2")} == {"blocked"}

    def test_a_terminal_pipeline_starts_nothing_even_when_a_job_ends_well(self) -> None:
        state = fresh()
        advance(state)
        record(state, orchestration.cancel(state, NOW))
        finish(state, "src", a=5, b=5)
        assert next_event(state, NOW) is None
        with pytest.raises(DomainError) as refused:
            orchestration.cancel(state, NOW)
        assert refused.value.status == 400


class TestResuming:
    def test_resume_runs_the_failed_node_again_as_a_new_job_then_what_waited_behind_it(self) -> None:
        state = fresh()
        advance(state)
        finish(state, "src", a=10, b=10)
        advance(state)
        first_job = state.nodes["a"].job_id
        finish(state, "a", "failed")
        finish(state, "b")
        advance(state)
        resumed = orchestration.resume(state, NOW)
        assert resumed.nodes == ["a"]
        record(state, resumed)
        taken = advance(state)
        assert [(event.node_id, event.attempt) for event in taken] == [("a", 2)]  # type: ignore[attr-defined]
        assert state.nodes["a"].job_id != first_job
        assert state.nodes["a"].job_ids == [first_job, state.nodes["a"].job_id]
        finish(state, "a", a2=3)
        assert [event.node_id for event in advance(state) if isinstance(event, ev.NodeStarted)] == ["a2"]

    def test_only_a_failed_or_cancelled_pipeline_resumes(self) -> None:
        state = fresh()
        advance(state)
        with pytest.raises(DomainError) as refused:
            orchestration.resume(state, NOW)
        assert refused.value.status == 400


ROWS = (
    {"Name": "A", "Website": "https://a.fr", "email": ""},
    {"Name": "B", "Website": "", "email": "b@b.fr"},
    {"Name": "C", "Website": "https://c.fr", "email": "c@c.fr"},
)


class TestUsableRows:
    def test_each_successor_counts_the_rows_that_have_what_it_needs(self) -> None:
        counts = usable_rows(["Name", "Website", "email"], ROWS, {"e": "emails", "v": "verify", "f": "filter"})
        assert counts == {"e": 2, "v": 2, "f": 3}

    def test_a_missing_needed_column_leaves_nothing_to_use(self) -> None:
        assert usable_rows(["Name"], [{"Name": "A"}], {"v": "verify", "s": "sort"}) == {"v": 0, "s": 1}


def job(state: PipelineState, node_id: str, status: JobStatus, processed: int = 0, planned: int = 0, results: int = 0,
        completed: datetime | None = None) -> JobState:  # fmt: skip
    return JobState(
        id=str(state.nodes[node_id].job_id), user_id=7, job_type="x", lane="parallel", params={}, status=status,
        processed_points=processed, grid_points_count=planned, results_count=results, completed_at=completed,
        output_filename="r.csv" if status.terminal else None, pipeline_node_id=node_id,
    )  # fmt: skip


def scrape_then_filter() -> PipelineState:
    state = pipeline(
        [("maps", "scrap", {"queries": ["boulangerie"], "zones": ["Lyon"]}), ("keep", "filter", {})],
        [("maps", "keep")],
    )
    advance(state)
    return state


class TestProgress:
    def test_the_running_stage_contributes_its_own_progress_weighted_by_its_usual_duration(self) -> None:
        state = scrape_then_filter()
        running = job(state, "maps", JobStatus.RUNNING, processed=50, planned=100)
        pct = progress.progress_pct(state, {running.id: running})
        weight_scrap, weight_filter = progress.stage_weight("scrap"), progress.stage_weight("filter")
        assert weight_scrap > 10 * weight_filter
        assert pct == int(100 * 0.5 * weight_scrap / (weight_scrap + weight_filter))

    def test_a_pipeline_is_at_100_only_when_done_and_a_transform_left_weighs_little(self) -> None:
        state = scrape_then_filter()
        finish(state, "maps", keep=10)
        advance(state)
        assert 95 <= progress.progress_pct(state, {}) < 100
        finish(state, "keep")
        advance(state)
        assert progress.progress_pct(state, {}) == 100

    def test_a_queued_job_counts_nothing_yet(self) -> None:
        state = scrape_then_filter()
        queued = job(state, "maps", JobStatus.PENDING)
        assert progress.progress_pct(state, {queued.id: queued}) == 0


class TestOutputJob:
    def test_the_most_downstream_stage_with_rows_is_the_output_and_an_empty_one_is_not(self) -> None:
        state = scrape_then_filter()
        finish(state, "maps", keep=10)
        advance(state)
        maps = job(state, "maps", JobStatus.DONE, results=10, completed=NOW)
        keep = job(state, "keep", JobStatus.DONE, results=0, completed=NOW + timedelta(seconds=5))
        chosen = progress.output_job(state, {maps.id: maps, keep.id: keep})
        assert chosen is not None and chosen.id == maps.id and chosen.download_available
        keep.results_count = 4
        chosen = progress.output_job(state, {maps.id: maps, keep.id: keep})
        assert chosen is not None and chosen.id == keep.id and chosen.results_count == 4

    def test_a_cancelled_stage_with_partial_rows_is_downloadable(self) -> None:
        state = scrape_then_filter()
        finish(state, "maps", "cancelled")
        partial = job(state, "maps", JobStatus.CANCELLED, results=7, completed=NOW)
        chosen = progress.output_job(state, {partial.id: partial})
        assert chosen is not None and chosen.status == "cancelled" and chosen.download_available
        assert state.nodes["maps"].status is NodeStatus.CANCELLED

    def test_nothing_downloadable_yet_is_null(self) -> None:
        state = scrape_then_filter()
        running = job(state, "maps", JobStatus.RUNNING, results=3)
        assert progress.output_job(state, {running.id: running}) is None
