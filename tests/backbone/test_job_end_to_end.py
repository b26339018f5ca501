"""A user signs up, verifies, filters 10,000 rows, follows the stream and downloads the result."""

from __future__ import annotations

import io
import json

import openpyxl

from outsend_deploy.local import LocalPlatform
from tests.support.api import PASSWORD, Api


def places(count: int) -> list[dict[str, str]]:
    return [
        {
            "nom": f"Cabinet {index}",
            "site_web": f"https://cabinet-{index}.fr" if index % 3 else "",
            "note": f"{3 + (index % 21) / 10:.1f}",
            "telephone": f"01 23 45 {index % 100:02d} {index % 97:02d}",
        }
        for index in range(count)
    ]


def test_signup_verify_login_filter_stream_download(platform: LocalPlatform) -> None:
    api = Api(platform).signup(verify=False)
    assert api.http.get("/api/auth/me").json()["email_verified"] is False
    api.verify_email()
    api.http.post("/api/auth/logout")
    assert api.http.get("/api/auth/me").status_code == 401
    login = api.http.post("/api/auth/login", json={"email": api.email, "password": PASSWORD})
    assert login.status_code == 200
    assert api.http.get("/api/auth/me").json()["email_verified"] is True

    items = places(10_000)
    job = api.create("filter", items=items, rating_min=4, require_site=True)
    assert job["status"] in ("pending", "running")

    events = list(api.stream(job["id"]))
    kinds = [event["event"] for event in events]
    assert kinds[-1] == "done" and "status" in kinds
    assert events[-1]["data"]["status"] == "done"
    ids = [event["id"] for event in events]
    assert ids == sorted(ids)

    expected = [row for row in items if row["site_web"] and float(row["note"]) >= 4]
    finished = api.wait(job["id"])
    assert finished["results_count"] == len(expected) == events[-1]["data"]["results_count"]
    assert finished["download_available"] is True

    csv = api.http.get(f"/api/jobs/{job['id']}/download", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.headers["content-disposition"].endswith(f'filename="{finished["output_filename"]}"')
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeffnom;site_web;note;telephone\r\n")
    assert len(text.strip().split("\r\n")) == len(expected) + 1

    exported = json.loads(api.http.get(f"/api/jobs/{job['id']}/download", params={"format": "json"}).content)
    assert exported == expected

    xlsx = api.http.get(f"/api/jobs/{job['id']}/download", params={"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("nom", "site_web", "note", "telephone") and len(rows) == len(expected) + 1

    first_page = api.items(job["id"], offset=0, limit=100)
    assert first_page["count"] == len(expected)
    assert first_page["items"] == expected[:100]
    assert api.all_items(job["id"]) == expected
