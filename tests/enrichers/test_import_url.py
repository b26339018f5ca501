"""``import`` from a public spreadsheet URL reads through the same fetch layer (and its guard)."""

from __future__ import annotations

from tests.support.api import Api
from tests.world.sheets import SheetsServer


def test_import_reads_a_public_sheet(user: Api) -> None:
    finished = user.wait(user.create("import", source="url", url=SheetsServer.url(25))["id"])
    assert finished["status"] == "done", finished
    rows = user.all_items(finished["id"])
    assert len(rows) == 25 and rows[0]["site_web"] == "https://commerce-0.fr"


def test_import_refuses_a_private_address(user: Api) -> None:
    finished = user.wait(user.create("import", source="url", url=f"{user.platform.base_url}/api/health")["id"])
    assert finished["status"] == "failed"
    assert finished["error_message"] == "Tableur inaccessible : adresse interdite (réseau privé)"
