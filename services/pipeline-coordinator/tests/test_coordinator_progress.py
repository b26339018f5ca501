"""Progress, output job and column profiles: pure functions of what the coordinator knows."""

from __future__ import annotations

from datetime import datetime, timedelta

from pipeline_states import NOW, advance, finish, pipeline

from outsend_contracts.jobs.state import JobState, JobStatus
from outsend_coordinator import progress
from outsend_coordinator.profiling import profile_column, profile_columns
from outsend_coordinator.state import NodeStatus, PipelineState


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


class TestProfiles:
    def test_types_need_80_percent_of_the_filled_values(self) -> None:
        phones = ["01 23 45 67 89", "+33 6 12 34 56 78", "0612345678", "04.72.00.00.00", "inconnu"]
        assert profile_column("telephone", phones).type == "phone"
        assert profile_column("telephone", [*phones, "n/a"]).type != "phone"  # 4 of 6
        assert profile_column("site", ["https://a.fr", "www.b.fr", "c.com/contact", ""]).type == "url"
        assert profile_column("email", ["a@b.fr", "x@y.com, z@y.com"]).type == "email"
        assert profile_column("note", ["4,5", "3.9", "5"]).type == "number"

    def test_repeated_values_make_a_category_with_its_distinct_values(self) -> None:
        values = ["dentiste"] * 50 + ["orthodontiste"] * 30 + ["stomatologue"] * 5 + [""] * 15
        column = profile_column("categorie", values)
        assert column.type == "category"
        assert column.fill_rate == 0.85
        assert column.distinct_count == 3
        assert column.distinct_values == ["dentiste", "orthodontiste", "stomatologue"]

    def test_unique_names_are_text_and_more_than_200_values_never_a_category(self) -> None:
        assert profile_column("nom", [f"Cabinet {index}" for index in range(120)]).type == "text"
        many = [f"v{index % 250}" for index in range(1000)]
        assert profile_column("code", many).type == "text"
        assert profile_column("vide", ["", ""]).fill_rate == 0.0

    def test_every_column_is_profiled_in_order(self) -> None:
        rows = [{"nom": "A", "note": "4"}, {"nom": "B", "note": ""}]
        assert [(column.name, column.fill_rate) for column in profile_columns(["nom", "note"], rows)] == [
            ("nom", 1.0),
            ("note", 0.5),
        ]
