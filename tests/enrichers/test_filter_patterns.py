"""The filter's ``regex`` rule: no pattern can freeze the enrichers for the other tenants."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pipelines.helpers import create, definition, edge, node, pasted, wait
from tests.support.api import Api

CATASTROPHIC = "(a+)+$"
"""Backtracking engines take 2^n steps on n 'a' followed by a character that breaks the match."""
TRAPS = [{"nom": "a" * 32 + "!"} for _ in range(3)]
PLAIN = [{"nom": "a" * 12}, {"nom": "aaa"}]
ROWS = TRAPS + PLAIN


def regex_rules(pattern: str) -> dict[str, Any]:
    return {"logic": "AND", "conditions": [{"column": "nom", "op": "regex", "value": pattern}]}


def test_a_catastrophic_pattern_completes_and_other_tenants_are_served(user: Api, other_user: Api) -> None:
    filtering = user.create("filter", items=ROWS, rules=regex_rules(CATASTROPHIC))
    sorting = other_user.create("sort", items=[{"nom": "B"}, {"nom": "A"}], sort_by="nom", direction="asc")

    assert other_user.wait(sorting["id"])["status"] == "done"
    assert other_user.all_items(sorting["id"]) == [{"nom": "A"}, {"nom": "B"}]
    assert user.wait(filtering["id"])["status"] == "done"
    assert user.all_items(filtering["id"]) == PLAIN


@pytest.mark.parametrize(
    ("pattern", "detail"),
    [
        ("([", "Expression régulière invalide : missing ]: ["),
        (r"(a)\1", r"Expression régulière invalide : invalid escape sequence: \1"),
        ("a" * 201, "Expression régulière trop longue : 201 caractères (max 200)"),
    ],
)
def test_a_pattern_that_cannot_run_is_refused_before_any_job_exists(user: Api, pattern: str, detail: str) -> None:
    nested = {"logic": "OR", "conditions": [{"column": "nom", "op": "=", "value": "x"}, regex_rules(pattern)]}
    response = user.http.post("/api/jobs/filter", json={"items": ROWS, "rules": nested})
    assert response.status_code == 400
    assert response.json() == {"detail": detail}
    assert user.http.get("/api/jobs").json() == []


def test_the_filter_preview_runs_the_same_engine_and_limits(user: Api) -> None:
    nodes = [node("src", "import", source="paste", text=pasted(ROWS)), node("keep", "filter")]
    pipeline = wait(user, create(user, {"definition": definition(nodes, [edge("src", "keep")])})["id"])
    path = f"/api/pipelines/{pipeline['id']}/nodes/keep/filter-preview"

    preview = user.http.post(path, json={"rules": regex_rules(CATASTROPHIC)})
    assert preview.status_code == 200, preview.text
    assert (preview.json()["total"], preview.json()["matched"]) == (len(ROWS), len(PLAIN))

    too_long = user.http.post(path, json={"rules": regex_rules("a" * 201)})
    assert too_long.status_code == 400
    assert too_long.json() == {"detail": "Expression régulière trop longue : 201 caractères (max 200)"}
