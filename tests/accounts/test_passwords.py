"""Password reset (no enumeration, single-use links, every session revoked) and password change."""

from __future__ import annotations

import uuid
from datetime import timedelta

from outsend_contracts import errors
from outsend_deploy.local import LocalPlatform
from tests.accounts.support import anonymous, expire_link, let_time_pass, problem, signup_body
from tests.support.api import PASSWORD, Api, link_token, read_mails

NEW_PASSWORD = "babbage-1822"
VARYING_HEADERS = {"date"}


def logged_in(platform: LocalPlatform, email: str, password: str = PASSWORD) -> Api:
    client = anonymous(platform)
    client.email = email
    response = client.http.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return client


def reset_mail(api: Api, count: int = 2) -> str:
    """The token of the ``count``-th mail (the first is the welcome mail)."""
    message = api.wait_mail(count=count)
    assert message["Subject"] == "Réinitialise ton mot de passe outsend"
    assert "http://outsend.test/reset-password?token=" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    return link_token(message)


def test_reset_request_answers_the_same_whether_or_not_the_account_exists(platform: LocalPlatform, user: Api) -> None:
    unknown_address = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    unknown = anonymous(platform).http.post("/api/auth/password/reset-request", json={"email": unknown_address})
    known = anonymous(platform).http.post("/api/auth/password/reset-request", json={"email": user.email})
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content == b'{"ok":true}'
    assert {k: v for k, v in known.headers.items() if k not in VARYING_HEADERS} == {
        k: v for k, v in unknown.headers.items() if k not in VARYING_HEADERS
    }
    reset_mail(user)  # the known address gets its link (asked after the unknown one) …
    assert read_mails(platform, unknown_address) == []  # … the unknown one gets nothing


def test_reset_confirm_sets_the_password_and_ends_every_session(platform: LocalPlatform, user: Api) -> None:
    elsewhere = logged_in(platform, user.email)
    anonymous(platform).http.post("/api/auth/password/reset-request", json={"email": user.email.upper()})
    token = reset_mail(user)

    weak = anonymous(platform).http.post(
        "/api/auth/password/reset-confirm", json={"token": token, "new_password": "weakweak"}
    )
    assert weak.status_code == 422  # refused by the validator, the link stays usable
    assert problem(weak)["errors"][0]["field"] == "new_password"

    confirm = anonymous(platform).http.post(
        "/api/auth/password/reset-confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert confirm.status_code == 200 and confirm.json() == {"ok": True}
    assert user.http.get("/api/auth/me").status_code == 401
    assert elsewhere.http.get("/api/auth/me").status_code == 401
    assert user.wait_mail(count=3)["Subject"] == "Ton mot de passe outsend a été modifié"

    again = anonymous(platform).http.post(
        "/api/auth/password/reset-confirm", json={"token": token, "new_password": "another-pass-1"}
    )
    assert again.status_code == 400 and problem(again) == errors.RESET_LINK_INVALID
    old = anonymous(platform).http.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert old.status_code == 401
    logged_in(platform, user.email, NEW_PASSWORD)


def test_reset_links_expire_and_unknown_tokens_fail(platform: LocalPlatform, user: Api) -> None:
    anonymous(platform).http.post("/api/auth/password/reset-request", json={"email": user.email})
    token = reset_mail(user)
    expire_link(platform, token)
    for candidate in (token, "z" * 40):
        response = anonymous(platform).http.post(
            "/api/auth/password/reset-confirm", json={"token": candidate, "new_password": NEW_PASSWORD}
        )
        assert response.status_code == 400 and problem(response) == errors.RESET_LINK_INVALID
    short = anonymous(platform).http.post(
        "/api/auth/password/reset-confirm", json={"token": "abc", "new_password": NEW_PASSWORD}
    )
    assert short.status_code == 422


def test_reset_requests_are_silently_limited_per_email(platform: LocalPlatform, user: Api) -> None:
    """3 an hour per address: the 4th answers the same ``ok`` and sends nothing."""
    for attempt in range(4):
        response = anonymous(platform).http.post("/api/auth/password/reset-request", json={"email": user.email})
        assert response.status_code == 200 and response.json() == {"ok": True}, attempt
    user.wait_mail(count=4)  # welcome + 3 links
    let_time_pass(platform, "reset:email", timedelta(hours=1))
    anonymous(platform).http.post("/api/auth/password/reset-request", json={"email": user.email})
    user.wait_mail(count=5)
    assert len(read_mails(platform, user.email)) == 5  # the limited request sent nothing


def test_reset_requests_are_silently_limited_per_ip(platform: LocalPlatform) -> None:
    client = anonymous(platform)
    victims = [Api(platform).signup(verify=False) for _ in range(4)]
    for victim in victims:
        response = client.http.post("/api/auth/password/reset-request", json={"email": victim.email})
        assert response.status_code == 200 and response.json() == {"ok": True}
    for victim in victims[:3]:
        reset_mail(victim)
    let_time_pass(platform, "reset:ip", timedelta(hours=1))
    client.http.post("/api/auth/password/reset-request", json={"email": victims[0].email})
    reset_mail(victims[0], count=3)
    assert len(read_mails(platform, victims[3].email)) == 1  # its welcome only: the 4th request was silenced


def test_password_change(platform: LocalPlatform, user: Api) -> None:
    elsewhere = logged_in(platform, user.email)
    old_cookie = user.http.cookies["outsend_session"]

    wrong = user.http.post(
        "/api/auth/password/change", json={"current_password": "not-it-1", "new_password": NEW_PASSWORD}
    )
    assert wrong.status_code == 400 and problem(wrong) == errors.CURRENT_PASSWORD_WRONG
    same = user.http.post("/api/auth/password/change", json={"current_password": PASSWORD, "new_password": PASSWORD})
    assert same.status_code == 400 and problem(same) == errors.NEW_PASSWORD_SAME
    weak = user.http.post("/api/auth/password/change", json={"current_password": PASSWORD, "new_password": "x" * 201})
    assert weak.status_code == 422

    changed = user.http.post(
        "/api/auth/password/change", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 200 and changed.json() == {"ok": True}
    assert "outsend_session=" in changed.headers["set-cookie"]
    assert user.http.cookies["outsend_session"] != old_cookie
    assert user.http.get("/api/auth/me").status_code == 200  # the fresh cookie works
    assert elsewhere.http.get("/api/auth/me").status_code == 401  # the other session is revoked
    replay = anonymous(platform)
    replay.http.cookies.set("outsend_session", old_cookie)
    assert replay.http.get("/api/auth/me").status_code == 401  # and so is the replaced one
    assert user.wait_mail(count=2)["Subject"] == "Ton mot de passe outsend a été modifié"
    logged_in(platform, user.email, NEW_PASSWORD)
    assert anonymous(platform).http.post("/api/auth/password/change", json={}).status_code == 401


def test_password_change_is_limited_to_five_an_hour(platform: LocalPlatform, user: Api) -> None:
    for _ in range(5):
        response = user.http.post(
            "/api/auth/password/change", json={"current_password": "wrong-guess-1", "new_password": NEW_PASSWORD}
        )
        assert response.status_code == 400
    limited = user.http.post(
        "/api/auth/password/change", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert limited.status_code == 429
    seconds = int(limited.headers["Retry-After"])
    assert 3500 < seconds <= 3600
    assert problem(limited) == errors.RATE_LIMITED.format(seconds=seconds)


def test_a_password_that_can_be_set_can_be_used(platform: LocalPlatform, user: Api) -> None:
    """One length limit (the page's 128 characters) where passwords are set and where they are typed."""
    too_long = "a1" * 75
    refused = user.http.post("/api/auth/password/change", json={"current_password": PASSWORD, "new_password": too_long})
    assert refused.status_code == 422
    assert problem(refused)["errors"] == [{"field": "new_password", "message": errors.PASSWORD_RULES}]
    at_signup = anonymous(platform).http.post("/api/auth/signup", json=signup_body(password=too_long))
    assert at_signup.status_code == 422
    assert problem(at_signup)["errors"] == [{"field": "password", "message": errors.PASSWORD_RULES}]
    logged_in(platform, user.email)  # the refused change left the password as it was

    longest = "b2" * 64
    changed = user.http.post("/api/auth/password/change", json={"current_password": PASSWORD, "new_password": longest})
    assert changed.status_code == 200
    elsewhere = logged_in(platform, user.email, longest)
    back = elsewhere.http.post(
        "/api/auth/password/change", json={"current_password": longest, "new_password": PASSWORD}
    )
    assert back.status_code == 200
