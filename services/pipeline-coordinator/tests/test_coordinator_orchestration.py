"""The coordinator's decisions, on pipeline states built from events (no I/O)."""

from __future__ import annotations

import pytest
from pipeline_states import NOW, advance, finish, fresh, record

from outsend_contracts.errors import DomainError
from outsend_contracts.pipelines import events as ev
from outsend_coordinator import orchestration
from outsend_coordinator.orchestration import next_event, node_view, pipeline_job_id, usable_rows
from outsend_coordinator.state import PipelineStatus


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
