"""Each gateway replica remembers what a cookie or a key resolved to, briefly; a logout, a revoked
key or a deactivated account still stops working at once on every replica, and one replica
serving several tenants never answers one with another's data.

The second gateway runs on the same NATS and Postgres and trusts what it resolved for a whole
minute: only auth's change notice can make it forget in time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from outsend_contracts import errors
from outsend_contracts.auth import UserPublic
from outsend_deploy.infra import free_port
from outsend_deploy.local import LocalPlatform
from outsend_deploy.supervisor import ServiceProcess
from outsend_gateway.credential_cache import CredentialCache
from tests.accounts.support import problem
from tests.support.api import Api

WITHIN = 1.0
"""A change is seen by every replica within a second."""


@pytest.fixture(scope="module")
def second_gateway(platform: LocalPlatform) -> Iterator[str]:
    port = free_port()
    env = {
        **platform.connection_env(),
        **platform.extra_env,
        "OUTSEND_HTTP_PORT": str(port),
        "OUTSEND_CREDENTIAL_CACHE_SECONDS": "60",
    }
    gateway = ServiceProcess("gateway", env, platform.data_dir / "logs" / "second-gateway")
    gateway.start()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until(lambda: _status(f"{url}/api/health") == 200, timeout=90)
        yield url
    finally:
        gateway.stop()


def _status(url: str, **headers: str) -> int | None:
    try:
        return httpx.get(url, headers=headers, timeout=5).status_code
    except httpx.HTTPError:
        return None


def _wait_until(check: Callable[[], bool], timeout: float) -> float:
    """Seconds until ``check`` holds; fails after ``timeout``."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, "still not the case"
        time.sleep(0.02)
    return time.monotonic() - started


def _cookie(user: Api) -> dict[str, str]:
    return {"Cookie": f"outsend_session={user.http.cookies['outsend_session']}"}


def _new_key(user: Api) -> dict[str, str]:
    created = user.http.post("/api/auth/api-keys", json={"name": "replica"})
    assert created.status_code == 201, created.text
    return {"id": str(created.json()["id"]), "key": created.json()["key"]}


def test_a_revoked_key_is_refused_by_the_other_replica_within_a_second(user: Api, second_gateway: str) -> None:
    key = _new_key(user)
    jobs = f"{second_gateway}/api/jobs"
    assert _status(jobs, **{"X-API-Key": key["key"]}) == 200  # now remembered there for a minute
    assert user.http.delete(f"/api/auth/api-keys/{key['id']}").status_code == 204
    assert _wait_until(lambda: _status(jobs, **{"X-API-Key": key["key"]}) == 401, timeout=10) < WITHIN
    assert user.http.get("/api/jobs", headers={"X-API-Key": key["key"]}).status_code == 401


def test_a_logged_out_session_is_refused_by_the_other_replica_within_a_second(user: Api, second_gateway: str) -> None:
    cookie = _cookie(user)
    me = f"{second_gateway}/api/auth/me"
    assert _status(me, **cookie) == 200
    assert user.http.post("/api/auth/logout").status_code == 200
    assert _wait_until(lambda: _status(me, **cookie) == 401, timeout=10) < WITHIN


def test_a_deactivated_account_is_refused_by_the_other_replica_within_a_second(
    admin: Api, user: Api, second_gateway: str
) -> None:
    key, cookie = _new_key(user), _cookie(user)
    jobs = f"{second_gateway}/api/jobs"
    assert _status(jobs, **{"X-API-Key": key["key"]}) == 200 and _status(jobs, **cookie) == 200
    assert admin.http.post(f"/api/admin/users/{user.user['id']}/deactivate").status_code == 200
    assert _wait_until(lambda: _status(jobs, **{"X-API-Key": key["key"]}) == 403, timeout=10) < WITHIN
    assert _status(jobs, **cookie) == 401  # deactivation ended the session
    keyed = httpx.get(jobs, headers={"X-API-Key": key["key"]})
    assert problem(keyed) == errors.ACCOUNT_INACTIVE


def test_one_replica_answers_each_tenant_with_its_own_jobs(user: Api, other_user: Api, second_gateway: str) -> None:
    mine = user.create("sort", items=[{"nom": "Cabinet Dupont"}])
    theirs = other_user.create("sort", items=[{"nom": "Atelier Martin"}])
    user.wait(mine["id"]), other_user.wait(theirs["id"])
    credentials = {"mine": _cookie(user), "theirs": {"X-API-Key": _new_key(other_user)["key"]}}
    with httpx.Client(base_url=second_gateway, timeout=10) as http:
        for _ in range(5):  # interleaved, with both credentials remembered
            listed = {
                name: {job["id"] for job in http.get("/api/jobs", headers=headers).json()}
                for name, headers in credentials.items()
            }
            assert listed == {"mine": {mine["id"]}, "theirs": {theirs["id"]}}
            assert http.get(f"/api/jobs/{theirs['id']}", headers=credentials["mine"]).status_code == 403
            assert http.get(f"/api/jobs/{mine['id']}", headers=credentials["theirs"]).status_code == 403
            assert http.get(f"/api/jobs/{mine['id']}", headers=credentials["mine"]).json()["id"] == mine["id"]


def test_a_lookup_that_began_before_a_change_is_not_remembered() -> None:
    cache = CredentialCache(ttl=60)
    began_in = cache.generation
    cache.clear()  # a notice arrived while the lookup was in flight
    cache.put("key:osk_revoked", _someone(), began_in)
    assert cache.get("key:osk_revoked") is None
    cache.put("key:osk_current", _someone(), cache.generation)
    assert cache.get("key:osk_current") == _someone()


def _someone() -> UserPublic:
    return UserPublic(
        id=1, email="a@example.com", is_admin=False, is_active=True, email_verified=True, created_at="2026-01-01"
    )
