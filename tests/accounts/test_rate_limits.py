"""The limits through the API: 429, ``Retry-After``, the French message, and the window reopening."""

from __future__ import annotations

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


def login(client: Api, email: str, password: str) -> httpx.Response:
    return client.http.post("/api/auth/login", json={"email": email, "password": password})


def test_login_five_per_quarter_hour_per_address_and_email(platform: LocalPlatform, user: Api, other_user: Api) -> None:
    client = anonymous(platform)
    for _ in range(5):
        assert login(client, user.email, "guess-1234").status_code == 401
    assert_limited(login(client, user.email.upper(), PASSWORD), timedelta(minutes=15))
    assert login(client, other_user.email, PASSWORD).status_code == 200  # another account: its own window
    let_time_pass(platform, "login:ip+email", timedelta(minutes=15))
    assert login(client, user.email, PASSWORD).status_code == 200


def test_guesses_from_other_addresses_never_lock_the_owner_out(platform: LocalPlatform, user: Api) -> None:
    """One address that keeps guessing is held back; the owner, from an address that has not failed,
    logs in with the right password."""
    attacker = anonymous(platform)
    for _ in range(5):
        assert login(attacker, user.email, "guess-1234").status_code == 401
    assert login(attacker, user.email, "guess-1234").status_code == 429
    for _ in range(5):  # and a few more addresses, one guess each
        assert login(anonymous(platform), user.email, "guess-1234").status_code == 401
    assert login(user, user.email, PASSWORD).status_code == 200


def test_resend_verification_three_an_hour_per_user(platform: LocalPlatform) -> None:
    api = Api(platform).signup(verify=False)
    for _ in range(3):
        assert api.http.post("/api/auth/email/resend-verify").json() == {"ok": True}
    assert_limited(api.http.post("/api/auth/email/resend-verify"), timedelta(hours=1))
    api.wait_mail(count=4)  # welcome + 3
    let_time_pass(platform, "resend_verify:user", timedelta(hours=1))
    assert api.http.post("/api/auth/email/resend-verify").json() == {"ok": True}
