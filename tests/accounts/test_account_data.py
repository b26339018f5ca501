"""GDPR self-service: the export archive, and deleting an account so that nothing of it is left."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import msgspec

from outsend_contracts import errors
from outsend_deploy.local import LocalPlatform
from tests.accounts.support import (
    anonymous,
    last_event,
    object_names,
    problem,
    sql,
    stored_event_subjects,
    wait_for_idle_workers,
    wait_until,
)
from tests.support.api import PASSWORD, Api, link_token, read_mails
from tests.world.sheets import SheetsServer

ROWS = [
    {"nom": f"Boulangerie {index}", "note": f"{3 + index % 3}.5", "telephone": f"01 02 03 04 {index:02d}"}
    for index in range(30)
]
USER_COLUMNS = ("user_id", "author_user_id", "created_by")


def finished_jobs(api: Api) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Two done jobs and a failed one."""
    first = api.create("filter", items=ROWS, rating_min=4)
    second = api.create("sort", items=ROWS, sort_by="note", direction="desc")
    failed = api.create("import", source="url", url="http://sheets.world.test/missing.csv")
    return api.wait(first["id"]), api.wait(second["id"]), api.wait(failed["id"])


def open_thread(api: Api, message: str = "Le filtre par note est très pratique, merci !") -> dict[str, Any]:
    response = api.http.post("/api/feedback/threads", json={"type": "feature", "message": message})
    assert response.status_code == 201, response.text
    thread: dict[str, Any] = response.json()
    return thread


def test_the_export_archive_holds_every_record_in_the_documented_layout(
    platform: LocalPlatform, user: Api, other_user: Api
) -> None:
    first, second, failed = finished_jobs(user)
    assert (first["status"], second["status"], failed["status"]) == ("done", "done", "failed")
    other_user.create("filter", items=ROWS, rating_min=4)
    key = user.http.post("/api/auth/api-keys", json={"name": "n8n"}).json()
    assert user.http.post("/api/features/linkedin/interest").status_code == 204
    thread = open_thread(user)

    response = user.http.get("/api/auth/me/export")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith(f'attachment; filename="outsend-export-{user.user["id"]}-') and disposition.endswith(
        '.zip"'
    )

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    outputs = {
        f"jobs/{job['id']}/{job['output_filename'].removesuffix('.csv')}{suffix}"
        for job in (first, second)
        for suffix in (".csv", ".json")
    }
    assert (
        set(archive.namelist())
        == {"account.json", "jobs.json", "pipelines.json", "veille.json", "manifest.txt"} | outputs
    )

    account = json.loads(archive.read("account.json"))
    me = user.http.get("/api/auth/me").json()
    assert account["user"] == {field: value for field, value in me.items() if field != "usage"}
    assert account["api_keys"] == [{k: v for k, v in key.items() if k != "key"} | {"last_used_at": None}]
    assert account["feature_votes"] == ["linkedin"]
    assert [t["id"] for t in account["feedback_threads"]] == [thread["id"]]
    text = archive.read("account.json").decode()
    assert key["key"] not in text and "argon2" not in text and "password" not in text

    jobs = json.loads(archive.read("jobs.json"))
    assert sorted(job["id"] for job in jobs) == sorted(job["id"] for job in (first, second, failed))
    assert {job["id"]: job["status"] for job in jobs}[failed["id"]] == "failed"
    assert {job["id"]: job["params"] for job in jobs}[first["id"]]["rating_min"] == 4

    for job in (first, second):
        base = f"jobs/{job['id']}/{job['output_filename'].removesuffix('.csv')}"
        assert (
            archive.read(f"{base}.csv")
            == user.http.get(f"/api/jobs/{job['id']}/download", params={"format": "csv"}).content
        )
        assert (
            json.loads(archive.read(f"{base}.json"))
            == user.http.get(f"/api/jobs/{job['id']}/download", params={"format": "json"}).json()
        )
    assert json.loads(archive.read("pipelines.json")) == []
    assert json.loads(archive.read("veille.json")) == {"recurring_scraps": [], "runs": []}
    manifest = archive.read("manifest.txt").decode()
    assert user.email in manifest and "3 job(s)" in manifest and "2 job(s) terminé(s)" in manifest

    assert anonymous(platform).http.get("/api/auth/me/export").status_code == 401


def _rows_mentioning(platform: LocalPlatform, needles: list[str]) -> list[str]:
    """Every table of every schema whose rows contain one of the needles (as text)."""
    tables = sql(
        platform,
        """
        SELECT table_schema, table_name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
        """,
    )
    found = []
    for table in tables:
        name = f'"{table["table_schema"]}"."{table["table_name"]}"'
        for needle in needles:
            if sql(platform, f"SELECT 1 FROM {name} t WHERE t::text LIKE '%' || $1 || '%' LIMIT 1", needle):
                found.append(f"{name} ~ {needle}")
    return found


def _rows_of_user(platform: LocalPlatform, user_id: int) -> list[str]:
    """Rows whose user column (``user_id``, ``author_user_id``, ``created_by``) is this user, in any schema."""
    columns = sql(
        platform,
        """
        SELECT table_schema, table_name, column_name FROM information_schema.columns
        WHERE column_name = ANY($1::text[]) AND table_schema NOT IN ('pg_catalog', 'information_schema')
        """,
        list(USER_COLUMNS),
    )
    found = []
    for column in columns:
        name = f'"{column["table_schema"]}"."{column["table_name"]}"'
        if sql(platform, f'SELECT 1 FROM {name} WHERE "{column["column_name"]}"::text = $1 LIMIT 1', str(user_id)):
            found.append(f"{name}.{column['column_name']}")
    return found


def test_deleting_the_account_leaves_nothing_of_it(platform: LocalPlatform, user: Api, admin: Api) -> None:
    first, second, failed = finished_jobs(user)
    running = user.create("import", source="url", url=SheetsServer.url(200, delay=3))
    user.wait(running["id"], until={"running"})
    key = user.http.post("/api/auth/api-keys", json={"name": "zapier"}).json()["key"]
    user.http.post("/api/features/funding/interest")
    thread = open_thread(user)
    admin.http.post(f"/api/admin/feedback/threads/{thread['id']}/messages", json={"message": "Merci, on regarde !"})
    second_session = anonymous(platform)
    second_session.http.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    anonymous(platform).http.post("/api/auth/password/reset-request", json={"email": user.email})
    user.wait_mail(count=2)  # a reset link is outstanding
    user_id = user.user["id"]
    job_ids = [job["id"] for job in (first, second, failed, running)]
    assert _rows_of_user(platform, user_id) and _rows_mentioning(platform, [user.email])

    wrong = user.http.request("DELETE", "/api/auth/me", json={"confirm_email": "someone@else.fr"})
    assert wrong.status_code == 400 and problem(wrong) == errors.DELETE_CONFIRMATION_WRONG
    assert user.http.get("/api/auth/me").status_code == 200

    deleted = user.http.request("DELETE", "/api/auth/me", json={"confirm_email": f"  {user.email.upper()} "})
    assert deleted.status_code == 204 and deleted.content == b""
    assert "outsend_session=" in deleted.headers["set-cookie"] and "Max-Age=0" in deleted.headers["set-cookie"]

    # Every way in is closed at once.
    session_cookie = second_session.http.cookies["outsend_session"]
    replay = anonymous(platform)
    replay.http.cookies.set("outsend_session", session_cookie)
    assert replay.http.get("/api/auth/me").status_code == 401
    assert anonymous(platform).http.get("/api/auth/me", headers={"X-API-Key": key}).status_code == 401
    login = anonymous(platform).http.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert login.status_code == 401
    farewell = user.wait_mail(count=3)
    assert farewell["Subject"] == "Ton compte outsend a été supprimé"
    token = link_token(read_mails(platform, user.email)[1])
    reset = anonymous(platform).http.post(
        "/api/auth/password/reset-confirm", json={"token": token, "new_password": "revived-1234"}
    )
    assert reset.status_code == 400

    # The other services erase on the event, then nothing is left anywhere.
    wait_until(lambda: not sql(platform, "SELECT 1 FROM jobs.jobs WHERE user_id = $1", user_id), "jobs purged")
    wait_for_idle_workers(platform)
    assert _rows_of_user(platform, user_id) == []
    assert _rows_mentioning(platform, [user.email, *job_ids]) == []
    stored = object_names(platform, "job-results") + object_names(platform, "job-inputs")
    assert [name for name in stored if name.split(".")[0] in job_ids] == []
    for job_id in job_ids:
        assert stored_event_subjects(platform, f"evt.job.{job_id}.>") == {}

    event = msgspec.json.decode(last_event(platform, f"evt.account.{user_id}.deleted"))
    assert set(event) == {"user_id", "at", "schema_version"} and event["user_id"] == user_id

    # The thread is kept for the admins, without anything that points to the person.
    kept = admin.http.get(f"/api/admin/feedback/threads/{thread['id']}").json()
    assert kept["user_id"] is None and kept["user_email"] is None
    assert [m["author_user_id"] for m in kept["messages"] if m["author_role"] == "user"] == [None]
    assert kept["messages"][0]["message"] == thread["messages"][0]["message"]


def test_deletion_needs_a_session_and_a_confirmation(platform: LocalPlatform, user: Api) -> None:
    assert (
        anonymous(platform).http.request("DELETE", "/api/auth/me", json={"confirm_email": user.email}).status_code
        == 401
    )
    assert user.http.request("DELETE", "/api/auth/me", json={}).status_code == 422
    assert user.http.get("/api/auth/me").status_code == 200


def test_a_cancelled_scrap_keeps_nothing_resumable_once_the_account_is_deleted(platform: LocalPlatform) -> None:
    """An interrupted scrap's checkpoints are kept to resume it — unless its owner deletes the account."""
    user = Api(platform).signup()
    job = user.create("scrap", queries=["pharmacie"], zones=["Tours 30km"], mode="advanced", stop_at=100000)
    wait_until(lambda: user.job(job["id"])["processed_points"] >= 3, "the scrap has explored a few tiles", 180)
    user.http.post(f"/api/jobs/{job['id']}/cancel")
    assert user.wait(job["id"])["status"] == "cancelled"
    assert sql(platform, "SELECT 1 FROM scraper.job_units WHERE job_id = $1", job["id"])  # kept to resume

    assert user.http.request("DELETE", "/api/auth/me", json={"confirm_email": user.email}).status_code == 204
    wait_until(lambda: not sql(platform, "SELECT 1 FROM jobs.jobs WHERE id = $1", job["id"]), "jobs purged")
    wait_until(lambda: not _rows_mentioning(platform, [job["id"]]), "the scraper forgot the job's checkpoints")
    assert _rows_of_user(platform, user.user["id"]) == []
    assert [name for name in object_names(platform, "job-results") if name.startswith(job["id"])] == []
