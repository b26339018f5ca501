"""Column names are sanitised like cells in every download and in the GDPR export: a header
``=HYPERLINK(…)`` must not become a live formula in the spreadsheet that opens the file."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import openpyxl

from tests.support.api import Api

LINK = '=HYPERLINK("http://evil.example/steal","Clique ici")'
COMMAND = "@cmd|' /C calc'!A0"
ROWS = [{"nom": "Cabinet Dupont", LINK: "1", COMMAND: "=2+3"}]
EXPECTED_HEADERS = ["nom", "'" + LINK, "'" + COMMAND]
EXPECTED_ROWS = [{"nom": "Cabinet Dupont", "'" + LINK: "1", "'" + COMMAND: "'=2+3"}]


def job_with_formula_headers(user: Api) -> dict[str, Any]:
    job = user.wait(user.create("filter", items=ROWS)["id"])
    assert job["status"] == "done", job
    return job


def csv_table(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_downloads_sanitise_the_headers(user: Api) -> None:
    job = job_with_formula_headers(user)
    download = f"/api/jobs/{job['id']}/download"

    assert csv_table(user.http.get(download, params={"format": "csv"}).content) == [
        EXPECTED_HEADERS,
        ["Cabinet Dupont", "1", "'=2+3"],
    ]
    assert user.http.get(download, params={"format": "json"}).json() == EXPECTED_ROWS

    xlsx = user.http.get(download, params={"format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.data_type for cell in cells] == ["s"] * len(cells)  # no formula anywhere
    assert [cell.value for cell in next(sheet.iter_rows())] == EXPECTED_HEADERS


def test_the_gdpr_export_sanitises_the_headers(user: Api) -> None:
    job = job_with_formula_headers(user)
    archive = zipfile.ZipFile(io.BytesIO(user.http.get("/api/auth/me/export").content))
    base = f"jobs/{job['id']}/{job['output_filename'].removesuffix('.csv')}"
    assert csv_table(archive.read(f"{base}.csv"))[0] == EXPECTED_HEADERS
    assert json.loads(archive.read(f"{base}.json")) == EXPECTED_ROWS
