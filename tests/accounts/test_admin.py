"""The admin side: invitation codes (create, list, usage, expiry, revoke) and users (list, deactivate)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from outsend_contracts import errors
from outsend_deploy.local import LocalPlatform
from tests.accounts.support import anonymous, problem, signup_body, sql
from tests.support.api import PASSWORD, Api
from tests.support.platform import INVITE_CODE, UNCLAIMED_ADMIN_EMAIL


def invitation(admin: Api, code: str) -> dict[str, Any]:
    listed = admin.http.get("/api/admin/invitations").json()
    return next(entry for entry in listed if entry["code"] == code)


def signup_with(platform: LocalPlatform, code: str) -> Any:
    return anonymous(platform).http.post("/api/auth/signup", json=signup_body(invitation_code=code))


def test_admins_are_the_configured_addresses(admin: Api, user: Api) -> None:
    assert admin.http.get("/api/auth/me").json()["is_admin"] is True
    assert user.http.get("/api/auth/me").json()["is_admin"] is False


def test_an_admin_address_gives_admin_rights_only_once_verified(platform: LocalPlatform) -> None:
    """Anyone can sign up with an address of ``OUTSEND_ADMIN_EMAILS``; only its owner can verify it."""
    claimed = Api(platform).signup(verify=False, email_address=UNCLAIMED_ADMIN_EMAIL)
    assert claimed.user["is_admin"] is False
    assert claimed.http.get("/api/auth/me").json()["is_admin"] is False
    refused = claimed.http.get("/api/admin/users")
    assert refused.status_code == 403 and problem(refused) == errors.FORBIDDEN
    assert claimed.http.get("/api/admin/invitations").status_code == 403

    claimed.verify_email()
    assert claimed.http.get("/api/auth/me").json()["is_admin"] is True
    assert claimed.http.get("/api/admin/users").status_code == 200


def test_invitation_codes_count_their_uses_and_stop_at_their_limit(platform: LocalPlatform, admin: Api) -> None:
    code = f"PARTNER-{uuid.uuid4().hex[:6]}"
    created = admin.http.post("/api/admin/invitations", json={"code": code.lower(), "max_uses": 2})
    assert created.status_code == 201, created.text
    assert created.json() | {"created_at": None} == {
        "code": code.upper(),
        "source": "admin",
        "uses": 0,
        "max_uses": 2,
        "expires_at": None,
        "created_at": None,
        "revoked_at": None,
        "usable": True,
    }
    for _ in range(2):
        assert signup_with(platform, code).status_code == 200
    used_up = signup_with(platform, code)
    assert used_up.status_code == 400 and problem(used_up) == errors.INVITATION_INVALID
    assert invitation(admin, code.upper()) | {"created_at": None} == created.json() | {
        "created_at": None,
        "uses": 2,
        "usable": False,
    }
    duplicate = admin.http.post("/api/admin/invitations", json={"code": code})
    assert duplicate.status_code == 400 and problem(duplicate) == errors.INVITATION_EXISTS


def test_generated_codes_expiry_and_revocation(platform: LocalPlatform, admin: Api) -> None:
    generated = admin.http.post("/api/admin/invitations", json={}).json()
    assert generated["code"].startswith("OUT-") and len(generated["code"]) == 13 and generated["max_uses"] is None
    assert signup_with(platform, generated["code"]).status_code == 200

    soon = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    expiring = admin.http.post("/api/admin/invitations", json={"expires_at": soon}).json()
    assert expiring["expires_at"] is not None and expiring["usable"] is True
    sql(
        platform,
        "UPDATE auth.invitation_codes SET expires_at = now() - interval '1 second' WHERE code = $1",
        expiring["code"],
    )
    expired = signup_with(platform, expiring["code"])
    assert expired.status_code == 400 and problem(expired) == errors.INVITATION_INVALID
    assert invitation(admin, expiring["code"])["usable"] is False

    past = admin.http.post("/api/admin/invitations", json={"expires_at": "2020-01-01T00:00:00Z"})
    assert past.status_code == 400 and problem(past) == errors.INVITATION_EXPIRY_PAST
    assert admin.http.post("/api/admin/invitations", json={"expires_at": "2030-01-01T00:00:00"}).status_code == 422

    assert admin.http.delete(f"/api/admin/invitations/{generated['code']}").status_code == 204
    revoked = signup_with(platform, generated["code"])
    assert revoked.status_code == 400 and problem(revoked) == errors.INVITATION_INVALID
    assert invitation(admin, generated["code"])["revoked_at"] is not None
    assert admin.http.delete("/api/admin/invitations/NO-SUCH-CODE").status_code == 404
    from_config = admin.http.delete(f"/api/admin/invitations/{INVITE_CODE}")
    assert from_config.status_code == 400 and problem(from_config) == errors.INVITATION_FROM_CONFIG


@pytest.mark.parametrize("body", [{"code": "ab"}, {"code": "has space"}, {"code": "é" * 5}, {"max_uses": 0}])
def test_invalid_invitation_bodies(admin: Api, body: dict[str, Any]) -> None:
    assert admin.http.post("/api/admin/invitations", json=body).status_code == 422


def test_configured_codes_are_listed_with_their_uses(platform: LocalPlatform, admin: Api) -> None:
    before = invitation(admin, INVITE_CODE)
    assert before["source"] == "config" and before["usable"] is True and before["max_uses"] is None
    Api(platform).signup(verify=False)
    assert invitation(admin, INVITE_CODE)["uses"] == before["uses"] + 1
    refused = admin.http.post("/api/admin/invitations", json={"code": INVITE_CODE})
    assert refused.status_code == 400 and problem(refused) == errors.INVITATION_EXISTS


def test_a_failed_signup_does_not_use_the_code(platform: LocalPlatform, admin: Api, user: Api) -> None:
    code = admin.http.post("/api/admin/invitations", json={"max_uses": 1}).json()["code"]
    taken = anonymous(platform).http.post("/api/auth/signup", json=signup_body(email=user.email, invitation_code=code))
    assert taken.status_code == 400 and problem(taken) == errors.EMAIL_EXISTS
    assert invitation(admin, code)["uses"] == 0
    assert signup_with(platform, code).status_code == 200


def test_users_list_and_search(platform: LocalPlatform, admin: Api, user: Api) -> None:
    user.http.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    [found] = admin.http.get("/api/admin/users", params={"q": user.email.split("@")[0].upper()}).json()
    assert found["id"] == user.user["id"] and found["email"] == user.email
    assert found["invitation_code"] == INVITE_CODE and found["last_login_at"] is not None
    assert found["is_active"] is True and found["email_verified"] is True and "password_hash" not in found
    newest = admin.http.get("/api/admin/users", params={"limit": 2}).json()
    assert len(newest) == 2 and newest[0]["id"] > newest[1]["id"]


def test_deactivation_ends_sessions_and_reactivation_restores_access(
    platform: LocalPlatform, admin: Api, user: Api
) -> None:
    key = user.http.post("/api/auth/api-keys", json={"name": "bot"}).json()["key"]
    deactivated = admin.http.post(f"/api/admin/users/{user.user['id']}/deactivate")
    assert deactivated.status_code == 200 and deactivated.json()["is_active"] is False

    assert user.http.get("/api/auth/me").status_code == 401  # the session is gone
    login = anonymous(platform).http.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert login.status_code == 401 and problem(login) == errors.ACCOUNT_INACTIVE
    keyed = anonymous(platform).http.get("/api/jobs", headers={"X-API-Key": key})
    assert keyed.status_code == 403 and problem(keyed) == errors.ACCOUNT_INACTIVE

    assert admin.http.post(f"/api/admin/users/{user.user['id']}/reactivate").json()["is_active"] is True
    assert (
        anonymous(platform).http.post("/api/auth/login", json={"email": user.email, "password": PASSWORD}).status_code
        == 200
    )
    assert anonymous(platform).http.get("/api/jobs", headers={"X-API-Key": key}).status_code == 200


def test_admin_guards(platform: LocalPlatform, admin: Api, user: Api) -> None:
    me = admin.user["id"]
    refused = admin.http.post(f"/api/admin/users/{me}/deactivate")
    assert refused.status_code == 400 and problem(refused) == errors.CANNOT_DEACTIVATE_SELF
    missing = admin.http.post("/api/admin/users/999999999/deactivate")
    assert missing.status_code == 404 and problem(missing) == errors.USER_NOT_FOUND
    for method, path in [
        ("GET", "/api/admin/users"),
        ("POST", f"/api/admin/users/{me}/deactivate"),
        ("GET", "/api/admin/invitations"),
        ("POST", "/api/admin/invitations"),
        ("DELETE", f"/api/admin/invitations/{INVITE_CODE}"),
    ]:
        forbidden = user.http.request(method, path, json={} if method == "POST" else None)
        assert forbidden.status_code == 403 and problem(forbidden) == errors.FORBIDDEN, path
        assert anonymous(platform).http.request(method, path).status_code == 401, path
    assert admin.http.get("/api/auth/me").json()["is_active"] is True
