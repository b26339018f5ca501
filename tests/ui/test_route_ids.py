"""A route id that is not an id never reaches the API: ``#/jobs/../pipelines/<id>`` cancels nothing."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from outsend_deploy.local import LocalPlatform
from tests.pipelines.helpers import create, definition, edge, node, wait
from tests.support.api import PASSWORD, Api
from tests.support.browser import chromium
from tests.world.sheets import SheetsServer


@pytest.fixture
def running_pipeline(user: Api) -> str:
    nodes = [node("slow", "import", source="url", url=SheetsServer.url(12, delay=8)), node("f", "filter")]
    created = create(user, {"definition": definition(nodes, [edge("slow", "f")])})
    user.wait(created["initial_jobs"][0], until={"running"})
    return str(created["id"])


def sign_in(page: Page, user: Api) -> None:
    page.goto("/#/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("heading", name="Mes jobs").wait_for()


@pytest.mark.parametrize("route", ["#/jobs/../pipelines/{id}", "#/jobs/..%2Fpipelines%2F{id}", "#/jobs/{id}"])
def test_a_route_that_names_something_else_than_a_job_is_not_found(
    platform: LocalPlatform, user: Api, running_pipeline: str, route: str
) -> None:
    api_calls: list[str] = []
    with chromium() as browser:
        page = browser.new_page(base_url=platform.base_url)
        sign_in(page, user)
        page.on("request", lambda request: _record_api_call(request, api_calls))
        page.goto("/" + route.format(id=running_pipeline))
        expect(page.get_by_role("heading", name="Job introuvable")).to_be_visible()
        expect(page.get_by_role("button", name="Annuler")).to_have_count(0)
    assert [call for call in api_calls if "pipelines" in call or "/api/jobs/" in call] == []
    assert wait(user, running_pipeline)["status"] == "done"  # nothing cancelled it


def _record_api_call(request: Request, calls: list[str]) -> None:
    if "/api/" in request.url:
        calls.append(f"{request.method} {urlsplit(request.url).path}")


@pytest.mark.parametrize("path", ["/api/jobs/../pipelines/{id}/cancel", "/api/jobs/..%2Fpipelines%2F{id}/cancel"])
def test_the_gateway_does_not_resolve_dot_segments_into_another_resource(
    platform: LocalPlatform, user: Api, running_pipeline: str, path: str
) -> None:
    """Sent as written (a browser would normalise the first one itself): no route, nothing cancelled."""
    address = urlsplit(platform.base_url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port)
    cookie = f"outsend_session={user.http.cookies['outsend_session']}"
    connection.request("POST", path.format(id=running_pipeline), headers={"Cookie": cookie})
    response = connection.getresponse()
    assert response.status == 404
    connection.close()
    assert wait(user, running_pipeline)["status"] == "done"  # nothing cancelled it
