"""What a job request says is what runs: no field silently dropped, the same words read the same way
by ``POST /api/jobs``, ``POST /api/estimate`` and the typed endpoints, and ``/items`` telling why a
job that is not ``done`` has no rows to give."""

from __future__ import annotations

from typing import Any

import pytest

from outsend_contracts import errors
from tests.support.api import Api
from tests.world.sheets import SheetsServer

LYON = {"queries": ["plombier"], "zones": ["Lyon 2e"]}


def estimate(user: Api, **body: Any) -> dict[str, Any]:
    response = user.http.post("/api/estimate", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def slow_import(user: Api, delay: float = 3) -> dict[str, Any]:
    return user.create("import", source="url", url=SheetsServer.url(30, delay))


# --- fields ----------------------------------------------------------------------------------------
def test_a_type_field_on_post_api_jobs_is_refused_instead_of_creating_a_scrap(user: Api) -> None:
    for path in ("/api/jobs", "/api/estimate"):
        response = user.http.post(path, json={**LYON, "type": "emails"})
        assert response.status_code == 400
        assert response.json() == {"detail": errors.JOB_TYPE_FIELD_UNSUPPORTED}
    assert user.http.get("/api/jobs").json() == []


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/jobs", {**LYON, "include_review": True}, "include_review"),
        ("/api/estimate", {**LYON, "modes": "ultra"}, "modes"),
        (
            "/api/jobs/reviews",
            {"items": [{"lien_google_maps": "https://m.fr/x"}], "max_review": 3},
            "max_review",
        ),
        ("/api/jobs/filter", {"items": [{"nom": "A", "note": "3"}], "ratingMin": 4}, "ratingMin"),
        ("/api/jobs/import", {"source": "paste", "text": "nom\nA\n", "items": [{"nom": "B"}]}, "items"),
    ],
)
def test_an_unknown_field_is_refused_with_its_name_and_nothing_is_created(
    user: Api, path: str, body: dict[str, Any], field: str
) -> None:
    response = user.http.post(path, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith(f"Champ inconnu : « {field} » (champs acceptés : ")
    assert user.http.get("/api/jobs").json() == []


def test_every_documented_scrap_field_is_still_accepted(user: Api) -> None:
    body = {
        **LYON,
        "include_reviews": False,
        "extra_columns": ["gps", "departement", "region"],
        "scrap_mode": "fast",
        "stop_at": 10,
        "country": "FRA",
        "subdivision": "density",
    }
    assert estimate(user, **body)["valid"] is True


# --- scrape mode -----------------------------------------------------------------------------------
def test_an_estimate_reads_normal_and_scrap_mode_as_a_job_does(user: Api) -> None:
    advanced = estimate(user, **LYON, mode="advanced")
    assert estimate(user, **LYON, mode="normal") == advanced
    assert estimate(user, **LYON, scrap_mode="normal") == advanced
    ultra = estimate(user, **LYON, mode="ultra")
    assert estimate(user, **LYON, scrap_mode="ultra") == ultra
    assert ultra["ef_cost"] > advanced["ef_cost"] > estimate(user, **LYON)["ef_cost"]

    conflicting = user.http.post("/api/estimate", json={**LYON, "mode": "fast", "scrap_mode": "ultra"})
    assert conflicting.status_code == 400
    assert conflicting.json() == {
        "detail": "Champ « scrap_mode » : ultra contredit « mode » (fast) : donne l'un ou l'autre"
    }


# --- estimate errors -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"queries": [], "zones": ["Lyon"]}, [errors.NO_QUERY]),
        ({"queries": ["plombier"], "zones": []}, [errors.NO_ZONE]),
        ({}, [errors.NO_QUERY, errors.NO_ZONE]),
    ],
)
def test_an_estimate_that_is_not_valid_says_why(user: Api, body: dict[str, Any], expected: list[str]) -> None:
    answer = estimate(user, **body)
    assert answer["valid"] is False and answer["errors"] == expected


# --- filter rules ----------------------------------------------------------------------------------
NOTED = [{"nom": name, "note": note} for name, note in (("A", "3.5"), ("B", "4.2"), ("C", "4.8"), ("D", "2.0"))]


def test_flat_filter_keys_written_inside_rules_are_applied(user: Api) -> None:
    job = user.create("filter", items=NOTED, rules={"rating_min": 4})
    assert user.wait(job["id"])["status"] == "done"
    assert [row["nom"] for row in user.all_items(job["id"])] == ["B", "C"]


@pytest.mark.parametrize(
    ("rules", "reason"),
    [
        ({"rating_minimum": 4}, "clé inconnue « rating_minimum » (attendu : logic, conditions, require_phone"),
        ({"conditions": [{"column": "note", "op": ">=", "values": 4}]}, "clé inconnue « values »"),
        ({"logic": "AND", "conditions": [], "rating_min": 4}, "« rating_min » est une règle simple"),
    ],
)
def test_a_key_filter_rules_do_not_read_is_refused(user: Api, rules: dict[str, Any], reason: str) -> None:
    response = user.http.post("/api/jobs/filter", json={"items": NOTED, "rules": rules})
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith(f"Champ « rules » : {reason}")
    assert user.http.get("/api/jobs").json() == []


# --- /items of a job that is not done --------------------------------------------------------------
def test_items_of_a_cancelled_job_say_it_was_cancelled(user: Api) -> None:
    running = slow_import(user)
    user.wait(running["id"], until={"running"})
    user.http.post(f"/api/jobs/{running['id']}/cancel")
    cancelled = user.wait(running["id"])
    assert (cancelled["status"], cancelled["download_available"]) == ("cancelled", True)
    response = user.http.get(f"/api/jobs/{running['id']}/items")
    assert response.status_code == 400 and response.json() == {"detail": errors.ITEMS_JOB_CANCELLED}
    assert user.http.get(f"/api/jobs/{running['id']}/download").status_code == 200


def test_items_of_a_job_cancelled_before_it_ran_say_it_has_no_result(user: Api) -> None:
    jobs = [slow_import(user) for _ in range(6)]  # the sixth waits: five per user
    queued = jobs[-1]
    assert user.job(queued["id"])["status"] == "pending"
    user.http.post(f"/api/jobs/{queued['id']}/cancel")
    assert user.wait(queued["id"])["download_available"] is False
    response = user.http.get(f"/api/jobs/{queued['id']}/items")
    assert response.status_code == 400 and response.json() == {"detail": errors.ITEMS_JOB_CANCELLED_EMPTY}
    for job in jobs[:-1]:
        user.http.post(f"/api/jobs/{job['id']}/cancel")
        user.wait(job["id"])


def test_items_of_a_failed_job_say_it_failed_and_why(user: Api) -> None:
    broken = {"conditions": [{"column": "nom", "op": "ressemble_a", "value": "Cabinet"}]}  # known only at run time
    job = user.create("filter", items=NOTED, rules=broken)
    failed = user.wait(job["id"])
    assert failed["status"] == "failed" and failed["error_message"].startswith("Opérateur inconnu")
    response = user.http.get(f"/api/jobs/{job['id']}/items")
    assert response.status_code == 400
    assert response.json() == {"detail": errors.ITEMS_JOB_FAILED.format(reason=failed["error_message"])}
