"""Security headers on every gateway response, and cookie writes only from the platform's own pages."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import ConsoleMessage

from outsend_contracts import errors
from outsend_deploy.local import LocalPlatform
from tests.support.api import PASSWORD, Api
from tests.support.browser import chromium

EVIL = "https://outsend.test.attaquant.net"
PUBLIC_URL = "http://outsend.test"  # OUTSEND_PUBLIC_URL of the test platform


def key_names(user: Api) -> list[str]:
    return [key["name"] for key in user.http.get("/api/auth/api-keys").json()]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/static/app.js"),
        ("GET", "/api/health"),
        ("GET", "/api/auth/me"),  # 401
        ("GET", "/api/nulle-part"),  # 404
        ("POST", "/api/auth/login"),  # 422
    ],
)
def test_every_response_carries_the_security_headers(platform: LocalPlatform, method: str, path: str) -> None:
    response = httpx.request(method, platform.base_url + path)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("header", ["Origin", "Referer"])
def test_a_cookie_write_from_another_site_is_refused_and_does_nothing(user: Api, header: str) -> None:
    claimed = EVIL if header == "Origin" else f"{EVIL}/piege.html"
    response = user.http.post("/api/auth/api-keys", json={"name": "volée"}, headers={header: claimed})
    assert response.status_code == 403
    assert response.json() == {"detail": errors.CROSS_ORIGIN_WRITE.format(origin=EVIL)}
    assert response.headers["x-frame-options"] == "DENY"
    assert key_names(user) == []


def test_an_opaque_origin_is_refused(user: Api) -> None:
    response = user.http.post("/api/auth/logout", headers={"Origin": "null"})
    assert response.status_code == 403
    assert user.http.get("/api/auth/me").status_code == 200  # still signed in


def test_the_platforms_own_origins_may_write(user: Api) -> None:
    own = user.platform.base_url
    for origin in (own, PUBLIC_URL):
        created = user.http.post("/api/auth/api-keys", json={"name": origin}, headers={"Origin": origin})
        assert created.status_code == 201
    referred = user.http.post("/api/auth/api-keys", json={"name": "referer"}, headers={"Referer": f"{own}/#/jobs"})
    assert referred.status_code == 201
    assert user.http.post("/api/auth/api-keys", json={"name": "sans origine"}).status_code == 201
    assert sorted(key_names(user)) == sorted([own, PUBLIC_URL, "referer", "sans origine"])


def test_api_key_requests_are_not_checked(platform: LocalPlatform, user: Api) -> None:
    """A script's key is its own proof: its writes are not judged on their Origin."""
    key = user.http.post("/api/auth/api-keys", json={"name": "script"}).json()["key"]
    response = user.http.post(
        "/api/jobs/import",
        json={"source": "paste", "text": "nom;site_web\nCabinet A;https://a.fr\n"},
        headers={"X-API-Key": key, "Origin": EVIL},
    )
    assert response.status_code == 200, response.text
    assert user.job(response.json()["id"])["job_type"] == "import"


def test_the_web_ui_runs_under_its_policy(platform: LocalPlatform, user: Api) -> None:
    """Signing in and opening a job's page in Chromium breaks no rule of the policy."""
    job = user.create("import", source="paste", text="nom;site_web\nCabinet A;https://a.fr\n")
    user.wait(job["id"])
    violations: list[str] = []
    with chromium() as browser:
        page = browser.new_page(base_url=platform.base_url)
        page.on("console", lambda message: _collect_violation(message, violations))
        page.goto("/#/login")
        page.fill("#email", user.email)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.get_by_role("heading", name="Mes jobs").wait_for()
        page.goto(f"/#/jobs/{job['id']}")
        page.get_by_role("link", name="Télécharger CSV").wait_for()
        width = page.locator(".progress > div").evaluate("bar => bar.style.width")
    assert violations == []
    assert width == "100%"


def _collect_violation(message: ConsoleMessage, violations: list[str]) -> None:
    if "Content Security Policy" in message.text:
        violations.append(message.text)
