"""A large XLSX export is built beside the gateway's event loop: other requests go on meanwhile."""

from __future__ import annotations

import threading
import time

import httpx

from tests.support.api import Api

ROWS = 3_000
COLUMNS = [f"colonne_{index}" for index in range(10)]


def large_result(user: Api) -> str:
    """A done job of 3,000 rows × 11 columns: seconds of work for openpyxl."""
    items = [
        {"nom": f"Cabinet {row}", **{column: f"{column} de la ligne {row} " * 2 for column in COLUMNS}}
        for row in range(ROWS)
    ]
    job_id = str(user.create("sort", items=items)["id"])
    assert user.wait(job_id, timeout=240)["status"] == "done"
    assert user.http.get(f"/api/jobs/{job_id}/download").status_code == 200  # the rows are read and kept
    return job_id


def test_the_gateway_answers_while_a_large_xlsx_is_built(user: Api) -> None:
    job_id = large_result(user)
    finished: list[str] = []
    sent = threading.Event()

    def download() -> None:
        hooks = {"request": [lambda _: sent.set()]}
        with httpx.Client(base_url=user.platform.base_url, cookies=user.http.cookies, event_hooks=hooks) as client:
            response = client.get(f"/api/jobs/{job_id}/download", params={"format": "xlsx"}, timeout=120)
        assert response.status_code == 200 and response.content.startswith(b"PK")
        finished.append("xlsx")

    downloading = threading.Thread(target=download)
    downloading.start()
    sent.wait()
    time.sleep(0.5)  # the gateway fetches the job's state, then starts building
    assert httpx.get(f"{user.platform.base_url}/api/health", timeout=120).status_code == 200
    finished.append("health")
    downloading.join()
    assert finished == ["health", "xlsx"]
