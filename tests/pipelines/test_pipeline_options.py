"""A node's options are read as a job's are: ``scrap_mode`` and ``normal`` for a scrap, flat filter
keys inside ``rules``, and a key the filter does not read refused rather than dropped."""

from __future__ import annotations

from typing import Any

import pytest

from outsend_contracts import errors
from outsend_deploy.local import LocalPlatform
from tests.pipelines.bus import announced_modules
from tests.pipelines.helpers import create, definition, edge, jobs_by_node, node, pasted, places, wait
from tests.support.api import Api

ROWS = places(40)
SEARCH = {"queries": ["cordonnier"], "zones": ["Lyon 2e"]}


def validated(user: Api, nodes: list[dict[str, Any]], edges: list[dict[str, str]]) -> dict[str, Any]:
    answer: dict[str, Any] = user.http.post("/api/pipelines/validate", json=definition(nodes, edges)).json()
    return answer


def test_a_scrap_node_reads_scrap_mode_and_normal_as_post_api_jobs_does(user: Api) -> None:
    for config, mode in (({"scrap_mode": "ultra"}, "ultra"), ({"mode": "normal"}, "advanced")):
        answer = validated(user, [node("maps", "scrap", **SEARCH, **config)], [])
        assert answer["ok"] is True, answer
        assert answer["definition"]["nodes"][0]["config"]["mode"] == mode


def test_a_pipeline_scrap_node_asking_for_ultra_runs_an_ultra_scrap(platform: LocalPlatform, user: Api) -> None:
    if "scrap" not in announced_modules(platform):
        pytest.skip("no worker yet for scrap")
    ultra = user.http.post("/api/estimate", json={**SEARCH, "mode": "ultra"}).json()
    created = create(user, {"definition": definition([node("maps", "scrap", **SEARCH, scrap_mode="ultra")], [])})
    scrap = user.job(created["initial_jobs"][0])
    user.http.post(f"/api/pipelines/{created['id']}/cancel")  # the mode is what is checked, not the rows
    wait(user, created["id"])
    assert scrap["options"]["mode"] == "ultra"
    assert scrap["ef_cost"] == ultra["ef_cost"]


def test_flat_filter_keys_inside_rules_keep_only_the_matching_rows(user: Api) -> None:
    nodes = [node("src", "import", source="paste", text=pasted(ROWS)), node("keep", "filter", rules={"rating_min": 4})]
    normalised = validated(user, nodes, [edge("src", "keep")])
    assert normalised["ok"] is True, normalised
    keep = normalised["definition"]["nodes"][1]["config"]
    assert keep["rating_min"] == 4 and "rules" not in keep

    pipeline = wait(user, create(user, {"definition": definition(nodes, [edge("src", "keep")])})["id"])
    assert pipeline["status"] == "done", pipeline["nodes"]
    assert jobs_by_node(pipeline)["keep"][0]["results_count"] == sum(float(row["note"]) >= 4 for row in ROWS)
    preview = user.http.post(
        f"/api/pipelines/{pipeline['id']}/nodes/keep/filter-preview", json={"rules": {"rating_min": 4.5}}
    ).json()
    assert preview["matched"] == sum(float(row["note"]) >= 4.5 for row in ROWS)

    unknown = user.http.post(
        f"/api/pipelines/{pipeline['id']}/nodes/keep/filter-preview", json={"rules": {"rating_minimum": 4.5}}
    )
    assert unknown.status_code == 400
    assert unknown.json()["detail"].startswith("Node 'keep', champ « rules » : clé inconnue « rating_minimum »")


@pytest.mark.parametrize(
    ("rules", "reason"),
    [
        (
            {"rating_minimum": 4},
            errors.FILTER_RULES_UNKNOWN_KEY.format(key="rating_minimum", allowed="logic, conditions, require_phone"),
        ),
        (
            {"logic": "AND", "conditions": [{"column": "note", "op": ">=", "value": 4, "unit": "étoiles"}]},
            errors.FILTER_RULES_UNKNOWN_KEY.format(key="unit", allowed="column, op, value"),
        ),
        ({"logic": "OR", "conditions": [], "require_site": True}, errors.FILTER_RULES_MIXED.format(key="require_site")),
    ],
)
def test_a_key_filter_rules_do_not_read_refuses_the_pipeline(user: Api, rules: dict[str, Any], reason: str) -> None:
    nodes = [node("src", "import", source="paste", text=pasted(ROWS)), node("keep", "filter", rules=rules)]
    response = user.http.post("/api/pipelines", json={"definition": definition(nodes, [edge("src", "keep")])})
    assert response.status_code == 400
    expected = errors.PIPELINE_BAD_FIELD.format(node="keep", field="rules", reason=reason)
    assert response.json()["detail"].startswith(expected.removesuffix(")"))
    assert user.http.get("/api/pipelines").json() == []
    assert validated(user, nodes, [edge("src", "keep")])["ok"] is False
