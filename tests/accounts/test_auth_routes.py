"""Signup, login, logout, me, email verification: each route's success and documented errors."""

from __future__ import annotations

import uuid

import pytest

from outsend_contracts import errors
from outsend_deploy.local import LocalPlatform
from tests.accounts.support import anonymous, expire_link, problem, signup_body
from tests.support.api import PASSWORD, Api, link_token, read_mails
from tests.support.platform import INVITE_CODE


def test_signup_opens_a_session_with_the_documented_cookie_and_sends_the_welcome_mail(platform: LocalPlatform) -> None:
    api = anonymous(platform)
    body = signup_body(invitation_code=INVITE_CODE.lower())  # codes are not case-sensitive
    response = api.http.post("/api/auth/signup", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["ok"] is True
    assert set(answer["user"]) == {"id", "email", "is_admin", "is_active", "email_verified", "created_at"}
    assert answer["user"]["email"] == body["email"]
    assert answer["user"]["email_verified"] is False and answer["user"]["is_active"] is True
    assert answer["user"]["created_at"].endswith("Z")

    cookie = response.headers["set-cookie"]
    assert cookie.startswith("outsend_session=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "max-age"} <= attributes
    assert "Max-Age=604800" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "secure" not in attributes  # the test platform's public URL is plain http

    api.email = str(body["email"])
    welcome = api.wait_mail()
    assert welcome["Subject"] == "Bienvenue sur outsend — confirme ton adresse email"
    assert "http://outsend.test/verify-email?token=" in welcome.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert api.http.get("/api/auth/me").json()["email"] == body["email"]


@pytest.mark.parametrize(
    ("overrides", "status", "detail"),
    [
        ({"invitation_code": "NOT-A-CODE"}, 400, errors.INVITATION_INVALID),
        ({"accept_responsibility": False}, 400, errors.RESPONSIBILITY_REQUIRED),
    ],
)
def test_signup_refusals(platform: LocalPlatform, overrides: dict[str, object], status: int, detail: str) -> None:
    response = anonymous(platform).http.post("/api/auth/signup", json=signup_body(**overrides))
    assert response.status_code == status
    assert problem(response) == detail
    assert "set-cookie" not in response.headers


def test_signup_with_a_taken_email_whatever_its_case(platform: LocalPlatform, user: Api) -> None:
    response = anonymous(platform).http.post("/api/auth/signup", json=signup_body(email=user.email.upper()))
    assert response.status_code == 400
    assert problem(response) == errors.EMAIL_EXISTS


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password": "short1"}, "password"),
        ({"password": "onlyletters"}, "password"),
        ({"password": "12345678"}, "password"),
        ({"password": "a1" * 65}, "password"),
        ({"email": "not-an-email"}, "email"),
        ({"invitation_code": ""}, "invitation_code"),
        ({"invitation_code": "X" * 65}, "invitation_code"),
    ],
)
def test_signup_validation(platform: LocalPlatform, overrides: dict[str, object], field: str) -> None:
    response = anonymous(platform).http.post("/api/auth/signup", json=signup_body(**overrides))
    assert response.status_code == 422
    assert [error["field"] for error in problem(response)["errors"]] == [field]


def test_weak_password_is_explained_in_french(platform: LocalPlatform) -> None:
    response = anonymous(platform).http.post("/api/auth/signup", json=signup_body(password="onlyletters"))
    assert problem(response)["errors"][0]["message"] == errors.PASSWORD_RULES


def test_login_logout_and_me(platform: LocalPlatform, user: Api) -> None:
    client = anonymous(platform)
    assert client.http.get("/api/auth/me").status_code == 401
    assert problem(client.http.get("/api/auth/me")) == errors.NOT_AUTHENTICATED

    response = client.http.post("/api/auth/login", json={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 200
    me = client.http.get("/api/auth/me").json()
    assert response.json() == {"ok": True, "user": {key: value for key, value in me.items() if key != "usage"}}
    assert response.json()["user"]["email_verified"] is True
    cookie = client.http.cookies["outsend_session"]

    logout = client.http.post("/api/auth/logout")
    assert logout.status_code == 200 and logout.json() == {"ok": True}
    assert 'outsend_session=""' in logout.headers["set-cookie"] or "Max-Age=0" in logout.headers["set-cookie"]
    replay = anonymous(platform)
    replay.http.cookies.set("outsend_session", cookie)
    assert replay.http.get("/api/auth/me").status_code == 401  # the row is gone: the cookie is dead
    assert anonymous(platform).http.post("/api/auth/logout").json() == {"ok": True}  # auth optional


def test_wrong_password_and_unknown_email_get_the_same_answer(platform: LocalPlatform, user: Api) -> None:
    wrong = anonymous(platform).http.post("/api/auth/login", json={"email": user.email, "password": "nope-nope-1"})
    unknown = anonymous(platform).http.post(
        "/api/auth/login", json={"email": f"nobody-{uuid.uuid4().hex[:8]}@example.com", "password": "nope-nope-1"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": errors.BAD_CREDENTIALS}


def test_forged_cookie_is_refused(platform: LocalPlatform, user: Api) -> None:
    forged = anonymous(platform)
    token, _, _ = user.http.cookies["outsend_session"].rpartition(".")
    forged.http.cookies.set("outsend_session", f"{token}.AAAAAAAAAAAAAAAAAAAAAA")
    assert forged.http.get("/api/auth/me").status_code == 401


def test_email_verification_is_single_use_and_expires(platform: LocalPlatform) -> None:
    api = Api(platform).signup(verify=False)
    token = link_token(api.wait_mail())
    invalid = api.http.post("/api/auth/email/verify", json={"token": "x" * 20})
    assert invalid.status_code == 400 and problem(invalid) == errors.VERIFY_LINK_INVALID
    assert api.http.post("/api/auth/email/verify", json={"token": "short"}).status_code == 422

    expire_link(platform, token)
    expired = api.http.post("/api/auth/email/verify", json={"token": token})
    assert expired.status_code == 400 and problem(expired) == errors.VERIFY_LINK_INVALID

    resent = api.http.post("/api/auth/email/resend-verify")
    assert resent.status_code == 200 and resent.json() == {"ok": True}
    again = api.wait_mail(count=2)
    assert again["Subject"] == "Confirme ton adresse email outsend"
    fresh_token = link_token(again)
    assert api.http.post("/api/auth/email/verify", json={"token": fresh_token}).json() == {"ok": True}
    assert api.http.get("/api/auth/me").json()["email_verified"] is True
    reused = api.http.post("/api/auth/email/verify", json={"token": fresh_token})
    assert reused.status_code == 400 and problem(reused) == errors.VERIFY_LINK_INVALID


def test_resend_when_verified_is_idempotent(platform: LocalPlatform, user: Api) -> None:
    for _ in range(5):  # never limited: nothing is sent
        response = user.http.post("/api/auth/email/resend-verify")
        assert response.json() == {"ok": True, "already_verified": True}
    assert len(read_mails(platform, user.email)) == 1  # the welcome mail only
    assert anonymous(platform).http.post("/api/auth/email/resend-verify").status_code == 401


def test_malformed_json_is_refused_clearly(platform: LocalPlatform) -> None:
    response = anonymous(platform).http.post(
        "/api/auth/login", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and problem(response) == errors.MALFORMED_JSON
