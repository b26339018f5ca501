"""A platform configured as in production: hCaptcha required, no trusted proxy, served over https.

It runs on its own (a private platform): the session platform trusts loopback as a proxy and
does not require a captcha, so that the rest of the suite can sign users up freely.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from outsend_contracts import errors
from outsend_deploy.local import LocalPlatform
from tests.accounts.support import anonymous, let_time_pass, problem, signup_body
from tests.support.platform import running_platform
from tests.world import World, hcaptcha
from tests.world.hcaptcha import HCaptchaServer


@pytest.fixture(scope="module")
def production_like(world: World) -> Iterator[LocalPlatform]:
    settings = {
        **world.settings,
        "OUTSEND_HCAPTCHA_SECRET": hcaptcha.SECRET,
        "OUTSEND_HCAPTCHA_SITEKEY": hcaptcha.SITEKEY,
        "OUTSEND_TRUSTED_PROXIES": "",  # the production default
        "OUTSEND_PUBLIC_URL": "https://outsend.xyz",
    }
    with running_platform(settings) as platform:
        yield platform


@pytest.fixture
def captcha(world: World, production_like: LocalPlatform) -> HCaptchaServer:
    let_time_pass(production_like, "signup:ip", timedelta(hours=1))  # every test starts with a fresh window
    return next(server for server in world.servers if isinstance(server, HCaptchaServer))


@pytest.mark.parametrize("token", [None, "", "10000000-aaaa-bbbb-cccc-000000000002"])
def test_signup_needs_a_valid_captcha(
    production_like: LocalPlatform, captcha: HCaptchaServer, token: str | None
) -> None:
    response = anonymous(production_like).http.post("/api/auth/signup", json=signup_body(hcaptcha_token=token))
    assert response.status_code == 400 and problem(response) == errors.CAPTCHA_INVALID
    assert "set-cookie" not in response.headers


def test_a_valid_captcha_is_checked_with_the_client_address_and_site_key(
    production_like: LocalPlatform, captcha: HCaptchaServer
) -> None:
    body = signup_body(hcaptcha_token=hcaptcha.PASSING_TOKEN)
    response = anonymous(production_like).http.post("/api/auth/signup", json=body)
    assert response.status_code == 200, response.text
    assert "; secure" in response.headers["set-cookie"].lower()  # Secure follows the https public URL
    assert captcha.requests[-1] == {
        "secret": hcaptcha.SECRET,
        "response": hcaptcha.PASSING_TOKEN,
        "remoteip": "127.0.0.1",  # the direct peer: X-Forwarded-For is not believed here
        "sitekey": hcaptcha.SITEKEY,
    }


def test_forwarded_for_is_ignored_when_no_proxy_is_trusted(
    production_like: LocalPlatform, captcha: HCaptchaServer
) -> None:
    """Each request claims another address; all come from 127.0.0.1, so the fourth is limited."""
    for _ in range(3):
        spoofing = anonymous(production_like)  # each client sends its own X-Forwarded-For
        response = spoofing.http.post("/api/auth/signup", json=signup_body(hcaptcha_token=hcaptcha.PASSING_TOKEN))
        assert response.status_code == 200, response.text
    limited = anonymous(production_like).http.post(
        "/api/auth/signup", json=signup_body(hcaptcha_token=hcaptcha.PASSING_TOKEN)
    )
    assert limited.status_code == 429
