"""A veille watches a scrape week after week: exact buckets and signals against the Maps world's
own record of what opened, closed and changed, the schedule on a moved clock, and the API's
refusals (Veille API page)."""

from __future__ import annotations

import csv
import io
import json
import re
import time
import zipfile
from datetime import datetime, timedelta
from typing import Any

from tests.support.api import Api
from tests.veille.conftest import VeillePlatform
from tests.world.maps import evolution
from tests.world.maps.places import Place

QUERY = {"queries": ["plombier"], "zones": ["Lyon 2e"]}
DATA_ID = re.compile(r"!1s(0x[0-9a-f]+:0x[0-9a-f]+)")


def parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def wait_runs(api: Api, veille_id: int, count: int, timeout: float = 240) -> list[dict[str, Any]]:
    """The veille's runs once ``count`` of them have ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = api.http.get(f"/api/veille/{veille_id}/runs")  # 503 while the service restarts
        runs = response.json()["items"] if response.status_code == 200 else []
        if sum(run["job_status"] != "running" for run in runs) >= count:
            return list(runs)
        time.sleep(0.3)
    raise AssertionError(f"veille {veille_id}: fewer than {count} runs ended")


def places_of(api: Api, job_id: str, world: Any) -> dict[str, Place]:
    """The world's places a job found, by data id."""
    found = {}
    for row in api.all_items(job_id):
        data_id = DATA_ID.search(row["lien_google_maps"])
        assert data_id is not None
        place = world.place(data_id.group(1))
        assert place is not None
        found[data_id.group(1)] = place
    return found


def closed_by(places: dict[str, Place], week: int) -> set[str]:
    return {data_id for data_id, place in places.items() if evolution.at_week(place, week) is None}


def changed_by(places: dict[str, Place], week: int) -> set[str]:
    """Places still listed at ``week`` whose rating, review count or phone is not what it was."""
    return {
        data_id
        for data_id, place in places.items()
        if (now := evolution.at_week(place, week)) is not None
        and (now.rating, now.reviews_count, now.phone) != (place.rating, place.reviews_count, place.phone)
    }


def done_scrap(api: Api) -> dict[str, Any]:
    job = api.create("scrap", **QUERY)
    done = api.wait(job["id"], timeout=300)
    assert done["status"] == "done", done
    return done


def test_a_veille_reports_what_opened_closed_and_changed_week_after_week(veille_platform: VeillePlatform) -> None:
    maps = veille_platform.maps
    maps.simulator.week = 0
    api = Api(veille_platform.platform).signup()
    source = done_scrap(api)

    body = {"name": "Plombiers Lyon 2e", "source_job_id": source["id"], "frequency_days": 7}
    veille = api.http.post("/api/veille", json=body).json()
    assert veille["name"] == "Plombiers Lyon 2e" and veille["status"] == "active"
    assert (veille["source_job_id"], veille["source_pipeline_id"]) == (source["id"], None)
    assert veille["run_count"] == 0 and veille["last_run_at"] is None
    assert parse(veille["next_run_at"]) - parse(veille["created_at"]) == timedelta(days=7)
    assert api.http.get("/api/veille").json()["items"] == [veille]

    # Run now: the first run is the baseline.
    started = api.http.post(f"/api/veille/{veille['id']}/run").json()
    [baseline] = wait_runs(api, veille["id"], 1)
    assert baseline["id"] == started["run_id"] and baseline["job_id"] == started["job_id"]
    assert baseline["is_baseline"] is True and baseline["job_status"] == "done", baseline
    assert baseline["total_count"] == api.job(baseline["job_id"])["results_count"] > 10
    assert api.http.get(f"/api/veille/{veille['id']}").json()["next_run_at"] == veille["next_run_at"]

    # Weeks later the world has moved, and the scheduled run compares it with the baseline. The
    # world's record says which week first shows a closure and a change among the baseline's places.
    before = places_of(api, baseline["job_id"], maps.world)
    week = next(week for week in range(1, 30) if closed_by(before, week) and changed_by(before, week))
    maps.simulator.week = week
    veille_platform.advance_clock(7.01)
    runs = wait_runs(api, veille["id"], 2)
    assert len(runs) == 2
    weekly = runs[0]
    assert weekly["is_baseline"] is False and weekly["prev_job_id"] == baseline["job_id"]

    after = places_of(api, weekly["job_id"], maps.world)
    closed, changed = closed_by(before, week), changed_by(before, week)
    opened = {data_id for data_id, place in after.items() if 0 < evolution.opening_week(place) <= week}
    assert set(before) - set(after) == closed and set(after) - set(before) == opened
    assert opened
    assert weekly["removed_count"] == len(closed)
    assert weekly["new_count"] == len(opened)
    assert weekly["modified_count"] == len(changed)
    assert weekly["unchanged_count"] == len(set(before) & set(after)) - len(changed)
    assert (weekly["total_count"], weekly["prev_total_count"]) == (len(after), len(before))

    detail = api.http.get(f"/api/veille/{veille['id']}/runs/{weekly['id']}").json()
    modified = detail["samples"]["modified"]
    assert modified and all(sample["changed_fields"] == list(sample["after"]) for sample in modified)
    assert all(set(sample["before"]) == set(sample["after"]) for sample in modified)
    assert {sample["nom"] for sample in detail["samples"]["removed"]} <= {before[d].name for d in closed}

    # Reputation signals are exactly the places whose rating fell by 0.2 or that gained 3 reviews.
    signals = api.http.get(f"/api/veille/{veille['id']}/runs/{weekly['id']}/signals").json()
    reputation = [item for item in signals["items"] if item["kind"] == "reputation"]
    expected = {
        before[data_id].name
        for data_id in changed
        if (now := evolution.at_week(before[data_id], week)) is not None
        and (
            round(before[data_id].rating - now.rating, 2) >= 0.2
            or now.reviews_count - before[data_id].reviews_count >= 3
        )
    }
    assert {item["nom"] for item in reputation} == expected
    assert [item["score"] for item in signals["items"]] == sorted(
        (item["score"] for item in signals["items"]), reverse=True
    )
    assert signals["total"] == len(signals["items"])
    drop = next(item for item in reputation if item["delta_note"] and item["delta_note"] <= -0.2)
    assert drop["note_apres"] == round(drop["note_avant"] + drop["delta_note"], 2)

    exported = api.http.get(f"/api/veille/{veille['id']}/runs/{weekly['id']}/signals.csv")
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    name = f"signaux-reputation-veille-{veille['id']}-run-{weekly['id']}.csv"
    assert exported.headers["content-disposition"] == f'attachment; filename="{name}"'
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert [row["nom"] for row in rows] == [item["nom"] for item in signals["items"]]
    xlsx = api.http.get(f"/api/veille/{veille['id']}/runs/{weekly['id']}/signals", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    refused = api.http.get(f"/api/veille/{veille['id']}/runs/{weekly['id']}/signals.pdf")
    assert refused.status_code == 400 and refused.json()["detail"].startswith("Format non supporté")

    current = api.http.get(f"/api/veille/{veille['id']}").json()
    assert current["run_count"] == 2 and current["last_run_job_id"] == weekly["job_id"]
    assert parse(current["next_run_at"]) == parse(veille["next_run_at"]) + timedelta(days=7)

    # The account export carries the veille, its runs and their signals.
    archive = zipfile.ZipFile(io.BytesIO(api.http.get("/api/auth/me/export").content))
    exported = json.loads(archive.read("veille.json"))
    assert [item["id"] for item in exported["recurring_scraps"]] == [veille["id"]]
    assert sorted(run["id"] for run in exported["runs"]) == sorted(run["id"] for run in runs)
    assert next(run for run in exported["runs"] if run["id"] == weekly["id"])["signals"] == signals["items"]


def test_one_run_per_due_time_and_nothing_while_paused(veille_platform: VeillePlatform) -> None:
    api = Api(veille_platform.platform).signup()
    source = done_scrap(api)
    veille = api.http.post(
        "/api/veille", json={"name": "Pause", "source_job_id": source["id"], "frequency_days": 3}
    ).json()

    # Due three times over while nothing ran: one run, then the veille keeps its cadence.
    veille_platform.advance_clock(10)
    [run] = wait_runs(api, veille["id"], 1)
    time.sleep(2)
    assert len(api.http.get(f"/api/veille/{veille['id']}/runs").json()["items"]) == 1
    after = api.http.get(f"/api/veille/{veille['id']}").json()
    assert parse(after["next_run_at"]) == parse(veille["next_run_at"]) + timedelta(days=9)
    assert run["is_baseline"] is True

    paused = api.http.patch(f"/api/veille/{veille['id']}", json={"status": "paused", "frequency_days": 14}).json()
    assert paused["status"] == "paused" and paused["frequency_days"] == 14
    rescheduled = parse(paused["next_run_at"]) - parse(after["last_run_at"])
    assert abs(rescheduled - timedelta(days=14)) <= timedelta(seconds=1)
    veille_platform.advance_clock(30)
    time.sleep(2)
    assert len(api.http.get(f"/api/veille/{veille['id']}/runs").json()["items"]) == 1
    assert api.http.get("/api/veille").json()["items"][0]["status"] == "paused"

    assert api.http.delete(f"/api/veille/{veille['id']}").json() == {"ok": True}
    assert api.http.get(f"/api/veille/{veille['id']}").status_code == 404
    assert api.http.get("/api/veille").json() == {"items": []}


def test_veille_requests_are_checked_and_other_users_see_nothing(veille_platform: VeillePlatform) -> None:
    owner = Api(veille_platform.platform).signup()
    other = Api(veille_platform.platform).signup()
    source = done_scrap(owner)
    imported = owner.wait(owner.create("import", source="paste", text="nom;site_web\nA;https://a.fr\n")["id"])

    def refusal(api: Api, body: dict[str, Any]) -> str:
        response = api.http.post("/api/veille", json=body)
        assert response.status_code == 400, response.text
        detail: str = response.json()["detail"]
        return detail

    base = {"name": "Veille", "frequency_days": 7}
    assert refusal(owner, base) == "Indique exactement une source : source_job_id ou source_pipeline_id"
    both = {**base, "source_job_id": source["id"], "source_pipeline_id": "p" * 10}
    assert refusal(owner, both) == "Indique exactement une source : source_job_id ou source_pipeline_id"
    assert refusal(owner, {**base, "source_job_id": source["id"], "frequency_days": 0}).startswith("frequency_days")
    assert refusal(owner, {**base, "source_job_id": source["id"], "frequency_days": 366}).startswith("frequency_days")
    assert refusal(owner, {**base, "source_job_id": source["id"], "name": "x"}).startswith("Le nom")
    assert refusal(other, {**base, "source_job_id": source["id"]}) == f"Source introuvable : {source['id']}"
    assert "pas un job import" in refusal(owner, {**base, "source_job_id": imported["id"]})

    veille = owner.http.post("/api/veille", json={**base, "source_job_id": source["id"]}).json()
    for method, path in (
        ("GET", f"/api/veille/{veille['id']}"),
        ("PATCH", f"/api/veille/{veille['id']}"),
        ("DELETE", f"/api/veille/{veille['id']}"),
        ("POST", f"/api/veille/{veille['id']}/run"),
        ("GET", f"/api/veille/{veille['id']}/runs"),
        ("GET", "/api/veille/not-a-number"),
    ):
        response = other.http.request(method, path, json={"name": "volé"} if method == "PATCH" else None)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["detail"] == "Veille introuvable"
    assert other.http.get("/api/veille").json() == {"items": []}
    assert owner.http.get(f"/api/veille/{veille['id']}").json()["name"] == "Veille"
    refused = owner.http.patch(f"/api/veille/{veille['id']}", json={"status": "archived"})
    assert refused.status_code == 400 and refused.json()["detail"] == "status doit valoir active, paused ou deleted"
