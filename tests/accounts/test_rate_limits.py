"""The limits through the API: 429, ``Retry-After``, the French message, and the window reopening."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from outsend_contracts import errors
from outsend_deploy.local import LocalPlatform
from tests.accounts.support import anonymous, let_time_pass, problem, signup_body
from tests.support.api import PASSWORD, Api


def assert_limited(response: httpx.Response, window: timedelta) -> None:
    assert response.status_code == 429, response.text
    seconds = int(response.headers["Retry-After"])
    assert window.total_seconds() - 60 < seconds <= window.total_seconds()
    assert problem(response) == errors.RATE_LIMITED.format(seconds=seconds)
    assert "set-cookie" not in response.headers


def test_signup_three_an_hour_per_address(platform: LocalPlatform) -> None:
    client = anonymous(platform)
    for _ in range(3):
        assert client.http.post("/api/auth/signup", json=signup_body()).status_code == 200
    assert_limited(client.http.post("/api/auth/signup", json=signup_body()), timedelta(hours=1))
    assert anonymous(platform).http.post("/api/auth/signup", json=signup_body()).status_code == 200  # another address
    let_time_pass(platform, "signup:ip", timedelta(hours=1))
    assert client.http.post("/api/auth/signup", json=signup_body()).status_code == 200


def test_login_five_per_quarter_hour_per_address(platform: LocalPlatform, user: Api) -> None:
    client = anonymous(platform)
    for _ in range(5):
        wrong = {"email": f"nobody-{uuid.uuid4().hex[:8]}@example.com", "password": "guess-1234"}
        assert client.http.post("/api/auth/login", json=wrong).status_code == 401
    right = {"email": user.email, "password": PASSWORD}
    assert_limited(client.http.post("/api/auth/login", json=right), timedelta(minutes=15))
    let_time_pass(platform, "login:ip", timedelta(minutes=15))
    assert client.http.post("/api/auth/login", json=right).status_code == 200


def test_login_five_per_quarter_hour_per_email(platform: LocalPlatform, user: Api) -> None:
    """Guessing one account's password from many addresses is limited too."""
    for _ in range(5):
        guess = anonymous(platform).http.post("/api/auth/login", json={"email": user.email, "password": "guess-1234"})
        assert guess.status_code == 401
    right = {"email": user.email.upper(), "password": PASSWORD}
    assert_limited(anonymous(platform).http.post("/api/auth/login", json=right), timedelta(minutes=15))
    let_time_pass(platform, "login:email", timedelta(minutes=15))
    assert anonymous(platform).http.post("/api/auth/login", json=right).status_code == 200


def test_resend_verification_three_an_hour_per_user(platform: LocalPlatform) -> None:
    api = Api(platform).signup(verify=False)
    for _ in range(3):
        assert api.http.post("/api/auth/email/resend-verify").json() == {"ok": True}
    assert_limited(api.http.post("/api/auth/email/resend-verify"), timedelta(hours=1))
    api.wait_mail(count=4)  # welcome + 3
    let_time_pass(platform, "resend_verify:user", timedelta(hours=1))
    assert api.http.post("/api/auth/email/resend-verify").json() == {"ok": True}
