"""Driving pipelines through the API, as a user does."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

from tests.support.api import Api

PIPELINE_TERMINAL = {"done", "failed", "cancelled"}


CATEGORIES = ("dentiste", "orthodontiste", "stomatologue", "endodontiste")


def places(count: int) -> list[dict[str, str]]:
    return [
        {
            "nom": f"Cabinet {index}",
            "telephone": f"01 23 45 {index % 100:02d} {index % 97:02d}" if index % 5 else "",
            "site_web": f"https://cabinet-{index}.fr" if index % 3 else "",
            "email": f"contact@cabinet-{index}.fr" if index % 4 else "",
            "note": f"{3 + (index % 21) / 10:.1f}",
            "categorie": CATEGORIES[index % 4],
        }
        for index in range(count)
    ]


def pasted(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def node(node_id: str, node_type: str, **config: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "config": config}


def edge(source: str, target: str) -> dict[str, str]:
    return {"from": source, "to": target}


def definition(nodes: list[dict[str, Any]], edges: list[dict[str, str]]) -> dict[str, Any]:
    return {"nodes": nodes, "edges": edges}


def create(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    response = api.http.post("/api/pipelines", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def get(api: Api, pipeline_id: str) -> dict[str, Any]:
    response = api.http.get(f"/api/pipelines/{pipeline_id}")
    assert response.status_code == 200, response.text
    pipeline: dict[str, Any] = response.json()
    return pipeline


def wait(api: Api, pipeline_id: str, timeout: float = 120, until: set[str] = PIPELINE_TERMINAL) -> dict[str, Any]:
    """The pipeline once its status is in ``until`` and none of its jobs is still running."""
    deadline = time.monotonic() + timeout
    pipeline = get(api, pipeline_id)
    while time.monotonic() < deadline:
        pipeline = get(api, pipeline_id)
        settled = all(job["status"] not in ("pending", "running") for job in pipeline["jobs"])
        if pipeline["status"] in until and settled:
            return pipeline
        time.sleep(0.2)
    raise AssertionError(f"pipeline {pipeline_id} still {pipeline['status']} after {timeout} s: {pipeline['nodes']}")


def wait_for_node(api: Api, pipeline_id: str, node_id: str, statuses: set[str], timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pipeline = get(api, pipeline_id)
        state = next(item for item in pipeline["nodes"] if item["id"] == node_id)
        if state["status"] in statuses:
            return pipeline
        time.sleep(0.1)
    raise AssertionError(f"node {node_id} of {pipeline_id} never reached {statuses}")


def jobs_by_node(pipeline: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for job in pipeline["jobs"]:
        grouped.setdefault(job["pipeline_node_id"], []).append(job)
    return grouped


def node_state(pipeline: dict[str, Any], node_id: str) -> dict[str, Any]:
    state: dict[str, Any] = next(item for item in pipeline["nodes"] if item["id"] == node_id)
    return state
