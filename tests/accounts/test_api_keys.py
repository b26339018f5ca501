"""API keys: created, listed and revoked by their owner; ``X-API-Key`` works wherever the cookie does."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from outsend_contracts import errors
from outsend_contracts.auth import MAX_API_KEYS
from outsend_deploy.local import LocalPlatform
from tests.accounts.support import anonymous, problem, wait_until
from tests.support.api import PASSWORD, Api, link_token

ROWS = [
    {"nom": f"Cabinet {index}", "note": f"{3 + index % 3}.0", "site_web": f"https://c{index}.fr"} for index in range(40)
]


def create_key(api: Api, name: str = "CRM sync") -> dict[str, Any]:
    response = api.http.post("/api/auth/api-keys", json={"name": name})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def with_key(platform: LocalPlatform, key: str) -> httpx.Client:
    """A client without cookies that authenticates with the key only."""
    return httpx.Client(base_url=platform.base_url, timeout=60, headers={"X-API-Key": key})


def test_create_list_and_revoke(platform: LocalPlatform, user: Api) -> None:
    created = create_key(user, "  Zapier  ")
    assert re.fullmatch(r"osk_[A-Za-z0-9_-]{43}", created["key"])
    assert created["name"] == "Zapier" and created["prefix"] == created["key"][:12]
    assert created["created_at"].endswith("Z") and created["last_used_at"] is None

    listed = user.http.get("/api/auth/api-keys").json()
    assert listed == [{k: v for k, v in created.items() if k != "key"}]  # the key itself is never shown again

    client = with_key(platform, created["key"])
    assert client.get("/api/auth/me").json()["email"] == user.email
    assert user.http.get("/api/auth/api-keys").json()[0]["last_used_at"] is not None

    assert user.http.delete(f"/api/auth/api-keys/{created['id']}").status_code == 204
    refused = client.get("/api/auth/me")
    assert refused.status_code == 401 and problem(refused) == errors.API_KEY_INVALID  # at once
    again = user.http.delete(f"/api/auth/api-keys/{created['id']}")
    assert again.status_code == 404 and problem(again) == errors.API_KEY_NOT_FOUND
    assert user.http.get("/api/auth/api-keys").json() == []


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": "x" * 101}])
def test_a_key_needs_a_name(user: Api, body: dict[str, str]) -> None:
    assert user.http.post("/api/auth/api-keys", json=body).status_code == 422


def test_keys_belong_to_their_owner(platform: LocalPlatform, user: Api, other_user: Api) -> None:
    created = create_key(user)
    assert other_user.http.get("/api/auth/api-keys").json() == []
    assert other_user.http.delete(f"/api/auth/api-keys/{created['id']}").status_code == 404
    assert with_key(platform, created["key"]).get("/api/auth/me").json()["id"] == user.user["id"]


def test_unknown_keys_fail_even_with_a_valid_cookie(platform: LocalPlatform, user: Api) -> None:
    for wrong in ("osk_" + "A" * 43, "not-a-key", ""):
        response = user.http.get("/api/auth/me", headers={"X-API-Key": wrong})
        assert response.status_code == 401 and problem(response) == errors.API_KEY_INVALID
    assert anonymous(platform).http.get("/api/auth/api-keys").status_code == 401


def test_at_most_twenty_keys(user: Api) -> None:
    for index in range(MAX_API_KEYS):
        create_key(user, f"key {index}")
    refused = user.http.post("/api/auth/api-keys", json={"name": "one too many"})
    assert refused.status_code == 400 and problem(refused) == errors.API_KEY_LIMIT.format(max=MAX_API_KEYS)


def test_a_key_cannot_manage_keys_the_password_or_the_account(platform: LocalPlatform, user: Api) -> None:
    """These take the session of someone who typed the password: a leaked key cannot keep itself alive,
    lock the owner out or erase the account."""
    created = create_key(user)
    keyed = with_key(platform, created["key"])
    attempts: list[tuple[str, str, dict[str, str] | None]] = [
        ("POST", "/api/auth/api-keys", {"name": "minted by a key"}),
        ("DELETE", f"/api/auth/api-keys/{created['id']}", None),
        ("POST", "/api/auth/password/change", {"current_password": PASSWORD, "new_password": "babbage-1822"}),
        ("DELETE", "/api/auth/me", {"confirm_email": user.email}),
    ]
    for method, path, body in attempts:
        refused = keyed.request(method, path, json=body)
        assert refused.status_code == 403 and problem(refused) == errors.API_KEY_NOT_ALLOWED, (method, path)
        with_cookie = user.http.request(method, path, json=body, headers={"X-API-Key": created["key"]})
        assert with_cookie.status_code == 403, (method, path)  # the key is the credential, even beside a cookie

    assert [key["id"] for key in user.http.get("/api/auth/api-keys").json()] == [created["id"]]  # nothing changed
    assert keyed.get("/api/auth/me").json()["email"] == user.email
    login = anonymous(platform).http.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert login.status_code == 200


def test_a_new_password_revokes_every_key(platform: LocalPlatform, user: Api) -> None:
    """A password is reset or changed when it may have leaked, and a key may have leaked with it."""
    reset_key = with_key(platform, create_key(user)["key"])
    anonymous(platform).http.post("/api/auth/password/reset-request", json={"email": user.email})
    token = link_token(user.wait_mail(count=2))
    confirm = {"token": token, "new_password": "babbage-1822"}
    assert anonymous(platform).http.post("/api/auth/password/reset-confirm", json=confirm).status_code == 200
    refused = reset_key.get("/api/auth/me")
    assert refused.status_code == 401 and problem(refused) == errors.API_KEY_INVALID

    owner = anonymous(platform)
    login = owner.http.post("/api/auth/login", json={"email": user.email, "password": "babbage-1822"})
    assert login.status_code == 200 and owner.http.get("/api/auth/api-keys").json() == []
    change_key = with_key(platform, create_key(owner)["key"])
    changed = owner.http.post(
        "/api/auth/password/change", json={"current_password": "babbage-1822", "new_password": "hopper-1906"}
    )
    assert changed.status_code == 200
    assert change_key.get("/api/auth/me").status_code == 401
    assert owner.http.get("/api/auth/api-keys").json() == []  # the caller's fresh session lists none
    assert user.wait_mail(count=4).get_body(("plain",)).get_content().count("clés API du compte révoquées") == 1  # type: ignore[union-attr]


def _job_operations(platform: LocalPlatform) -> list[tuple[str, str]]:
    spec = httpx.get(f"{platform.base_url}/openapi.json").json()
    return sorted(
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        if path.startswith(("/api/jobs", "/api/estimate"))
        for method in operations
    )


def _call(client: httpx.Client, method: str, path: str, job_id: str) -> httpx.Response:
    url = path.replace("{job_id}", job_id).replace("{job_type}", "no-such-module")
    if method == "GET" and url.endswith("/stream"):
        with client.stream("GET", url) as response:
            body = b"".join(response.iter_bytes())
        return httpx.Response(response.status_code, headers=response.headers, content=body)
    return client.request(method, url, json={} if method == "POST" else None)


def _refused(response: httpx.Response) -> bool:
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        return b"event: error" in response.content and b"unauthenticated" in response.content
    return response.status_code == 401


def test_a_key_works_on_every_job_route(platform: LocalPlatform, user: Api) -> None:
    """Every operation under /api/jobs (from the OpenAPI document) takes the key like the cookie."""
    key = create_key(user)["key"]
    job = user.create("filter", items=ROWS, rating_min=4)
    user.wait(job["id"])
    operations = _job_operations(platform)
    assert len(operations) > 20 and ("DELETE", "/api/jobs/{job_id}") in operations

    nobody = httpx.Client(base_url=platform.base_url, timeout=60)
    keyed = with_key(platform, key)
    for method, path in operations:
        if method == "DELETE":
            continue  # below, once everything else has been read
        assert _refused(_call(nobody, method, path, job["id"])), (method, path)
        answer = _call(keyed, method, path, job["id"])
        assert not _refused(answer) and answer.status_code != 403, (method, path, answer.text)

    assert keyed.delete(f"/api/jobs/{job['id']}").status_code == 204
    assert nobody.delete(f"/api/jobs/{job['id']}").status_code == 401
    user.http.delete(f"/api/auth/api-keys/{user.http.get('/api/auth/api-keys').json()[0]['id']}")
    for method, path in operations:  # revoked: refused everywhere, at once
        assert _refused(_call(keyed, method, path, job["id"])), (method, path)


def test_a_job_lifecycle_through_a_key_only(platform: LocalPlatform, user: Api, other_user: Api) -> None:
    client = with_key(platform, create_key(user)["key"])
    created = client.post("/api/jobs/filter", json={"items": ROWS, "rating_min": 4})
    assert created.status_code == 200, created.text
    job_id = created.json()["id"]
    events = []
    with client.stream("GET", f"/api/jobs/{job_id}/stream") as stream:
        events = [line for line in stream.iter_lines() if line.startswith("event: ")]
    assert events[-1] == "event: done"
    # The read model follows the event stream a moment later.
    wait_until(lambda: client.get(f"/api/jobs/{job_id}").json()["status"] == "done", "the job read as done")
    done = client.get(f"/api/jobs/{job_id}").json()
    assert done["status"] == "done" and done["results_count"] == len([row for row in ROWS if float(row["note"]) >= 4])
    assert [job["id"] for job in client.get("/api/jobs").json()] == [job_id]
    assert client.get(f"/api/jobs/{job_id}/items").json()["count"] == done["results_count"]
    csv = client.get(f"/api/jobs/{job_id}/download", params={"format": "csv"})
    assert csv.status_code == 200 and csv.text.startswith("\ufeffnom;note;site_web")
    assert user.http.get(f"/api/jobs/{job_id}").json()["id"] == job_id  # the same tenant as the cookie
    other_key = with_key(platform, create_key(other_user)["key"])
    assert other_key.get(f"/api/jobs/{job_id}").status_code == 403  # and no other
    assert client.delete(f"/api/jobs/{job_id}").status_code == 204
    assert client.get(f"/api/jobs/{job_id}").status_code == 404
