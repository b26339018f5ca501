"""Inspecting a node's input: column profiles and filter previews, against real predecessor output."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pipelines.helpers import create, definition, edge, jobs_by_node, node, pasted, places, wait, wait_for_node
from tests.support.api import Api
from tests.world.sheets import SheetsServer

ROWS = places(120)
IN_CATEGORIES = {
    "logic": "OR",
    "conditions": [{"column": "categorie", "op": "in", "value": ["dentiste", "stomatologue"]}],
}


@pytest.fixture(scope="module")
def finished(platform: Any) -> tuple[Api, dict[str, Any]]:
    """import (pasted places) → filter → sort, run to the end by one user."""
    api = Api(platform).signup()
    nodes = [
        node("src", "import", source="paste", text=pasted(ROWS)),
        node("keep", "filter", rating_min=4.2, rules=IN_CATEGORIES),
        node("order", "sort", sort_by="note"),
    ]
    created = create(api, {"definition": definition(nodes, [edge("src", "keep"), edge("keep", "order")])})
    return api, wait(api, created["id"])


def inspect(api: Api, pipeline_id: str, node_id: str) -> dict[str, Any]:
    response = api.http.get(f"/api/pipelines/{pipeline_id}/nodes/{node_id}/input-columns")
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def preview(api: Api, pipeline_id: str, node_id: str, body: dict[str, Any] | None = None) -> Any:
    return api.http.post(f"/api/pipelines/{pipeline_id}/nodes/{node_id}/filter-preview", json=body)


class TestInputColumns:
    def test_the_predecessor_output_is_profiled_column_by_column(self, finished: tuple[Api, dict[str, Any]]) -> None:
        api, pipeline = finished
        answer = inspect(api, pipeline["id"], "keep")
        assert answer["predecessor_job_id"] == jobs_by_node(pipeline)["src"][0]["id"]
        assert answer["row_count"] == 120 and answer["capped"] is False and answer["reason"] is None
        columns = {column["name"]: column for column in answer["columns"]}
        assert list(columns) == ["nom", "telephone", "site_web", "email", "note", "categorie"]
        assert {name: column["type"] for name, column in columns.items()} == {
            "nom": "text", "telephone": "phone", "site_web": "url", "email": "email", "note": "number",
            "categorie": "category",
        }  # fmt: skip
        assert columns["telephone"]["fill_rate"] == round(sum(bool(row["telephone"]) for row in ROWS) / 120, 3)
        assert columns["telephone"]["distinct_count"] is None
        assert columns["categorie"]["distinct_count"] == 4
        assert columns["categorie"]["distinct_values"] == ["dentiste", "endodontiste", "orthodontiste", "stomatologue"]
        assert columns["nom"]["sample_values"][:2] == ["Cabinet 0", "Cabinet 1"]

    def test_the_input_of_a_later_stage_is_its_own_predecessor(self, finished: tuple[Api, dict[str, Any]]) -> None:
        api, pipeline = finished
        answer = inspect(api, pipeline["id"], "order")
        assert answer["predecessor_job_id"] == jobs_by_node(pipeline)["keep"][0]["id"]
        assert answer["row_count"] == jobs_by_node(pipeline)["keep"][0]["results_count"]

    def test_a_root_has_no_predecessor(self, finished: tuple[Api, dict[str, Any]]) -> None:
        api, pipeline = finished
        answer = inspect(api, pipeline["id"], "src")
        assert (answer["columns"], answer["reason"]) == ([], "no_predecessor")

    def test_an_unknown_node_is_404(self, finished: tuple[Api, dict[str, Any]]) -> None:
        api, pipeline = finished
        response = api.http.get(f"/api/pipelines/{pipeline['id']}/nodes/ghost/input-columns")
        assert response.status_code == 404
        assert response.json() == {"detail": "Node introuvable : ghost"}


class TestFilterPreview:
    def test_the_preview_counts_what_the_filter_job_kept(self, finished: tuple[Api, dict[str, Any]]) -> None:
        api, pipeline = finished
        kept_by_job = jobs_by_node(pipeline)["keep"][0]["results_count"]
        as_configured = preview(api, pipeline["id"], "keep")  # no rules: the node's own config
        assert as_configured.status_code == 200
        assert as_configured.json()["matched"] == kept_by_job > 0
        explicit = preview(api, pipeline["id"], "keep", {"rating_min": 4.2, "rules": IN_CATEGORIES}).json()
        assert explicit["matched"] == kept_by_job and explicit["total"] == 120

    def test_rules_are_applied_in_memory_with_samples_stripped_of_empty_fields(
        self, finished: tuple[Api, dict[str, Any]]
    ) -> None:
        api, pipeline = finished
        rules = {
            "logic": "AND",
            "conditions": [
                {"column": "note", "op": ">=", "value": 4.5},
                {"column": "categorie", "op": "in", "value": ["dentiste"]},
            ],
        }
        answer = preview(api, pipeline["id"], "keep", {"rules": rules}).json()
        expected = [row for row in ROWS if float(row["note"]) >= 4.5 and row["categorie"] == "dentiste"]
        assert answer["total"] == 120 and answer["matched"] == len(expected)
        assert answer["samples"] == [{key: value for key, value in row.items() if value} for row in expected[:5]]
        assert answer["fieldnames"] == ["nom", "telephone", "site_web", "email", "note", "categorie"]
        assert answer["predecessor_job_id"] == jobs_by_node(pipeline)["src"][0]["id"]
        assert answer["capped"] is False
        assert len(api.http.get("/api/jobs").json()) == 3  # no job was created

    def test_only_a_filter_node_previews(self, finished: tuple[Api, dict[str, Any]]) -> None:
        api, pipeline = finished
        response = preview(api, pipeline["id"], "order", {"rules": IN_CATEGORIES})
        assert response.status_code == 400
        assert response.json() == {"detail": "Le node 'order' n'est pas un filtre"}

    @pytest.mark.parametrize(
        "body,detail",
        [
            ({"rules": {"conditions": [{"column": "note", "op": "~~", "value": 1}]}}, "Opérateur inconnu : ~~"),
            (
                {"rules": {"conditions": "note > 4"}},
                "Node 'keep', champ « rules » : « conditions » doit être une liste",
            ),
            ({"rating_min": "haut"}, "Node 'keep', champ « rating_min » : nombre attendu"),
        ],
    )
    def test_rules_that_cannot_apply_are_a_400(
        self, finished: tuple[Api, dict[str, Any]], body: dict[str, Any], detail: str
    ) -> None:
        api, pipeline = finished
        response = preview(api, pipeline["id"], "keep", body)
        assert response.status_code == 400
        assert response.json() == {"detail": detail}


def test_nothing_to_inspect_until_the_predecessor_is_done(user: Api) -> None:
    nodes = [node("slow", "import", source="url", url=SheetsServer.url(10, delay=3)), node("keep", "filter")]
    created = create(user, {"definition": definition(nodes, [edge("slow", "keep")])})
    wait_for_node(user, created["id"], "slow", {"pending", "running"})
    assert inspect(user, created["id"], "keep") == {
        "columns": [], "reason": "no_data_yet", "row_count": 0, "predecessor_job_id": None, "capped": False,
    }  # fmt: skip
    skeleton = preview(user, created["id"], "keep", {"rules": IN_CATEGORIES}).json()
    assert (skeleton["total"], skeleton["matched"], skeleton["samples"], skeleton["reason"]) == (
        0,
        0,
        [],
        "no_data_yet",
    )
    wait(user, created["id"])


def test_a_deleted_predecessor_leaves_no_csv(user: Api) -> None:
    nodes = [node("src", "import", source="url", url=SheetsServer.url(10)), node("keep", "filter")]
    pipeline = wait(user, create(user, {"definition": definition(nodes, [edge("src", "keep")])})["id"])
    assert user.http.delete(f"/api/jobs/{jobs_by_node(pipeline)['src'][0]['id']}").status_code == 204
    assert inspect(user, pipeline["id"], "keep")["reason"] == "no_csv_found"
    assert preview(user, pipeline["id"], "keep").json()["reason"] == "no_csv_found"


def test_previews_read_a_5000_row_window(user: Api) -> None:
    nodes = [node("src", "import", source="url", url=SheetsServer.url(6000)), node("keep", "filter", rating_min=4.5)]
    pipeline = wait(user, create(user, {"definition": definition(nodes, [edge("src", "keep")])})["id"])
    columns = inspect(user, pipeline["id"], "keep")
    assert (columns["row_count"], columns["capped"]) == (5000, True)
    answer = preview(user, pipeline["id"], "keep").json()
    assert (answer["total"], answer["capped"]) == (5000, True)
    assert answer["matched"] == sum(index % 10 >= 5 for index in range(5000))
    assert jobs_by_node(pipeline)["keep"][0]["results_count"] == sum(index % 10 >= 5 for index in range(6000))
