"""The hCaptcha ``siteverify`` client against the test world's fake of the API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from outsend_auth.captcha import Captcha
from outsend_contracts import errors
from outsend_deploy.infra import free_port
from tests.world import hcaptcha
from tests.world.hcaptcha import HCaptchaServer


@pytest.fixture
def fake() -> Iterator[HCaptchaServer]:
    server = HCaptchaServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


async def test_tokens_are_checked_with_the_secret(fake: HCaptchaServer, http: httpx.AsyncClient) -> None:
    captcha = Captcha(hcaptcha.SECRET, fake.url, None, http)
    assert captcha.enabled
    assert await captcha.verify(hcaptcha.PASSING_TOKEN, "203.0.113.9") is True
    assert fake.requests == [{"secret": hcaptcha.SECRET, "response": hcaptcha.PASSING_TOKEN, "remoteip": "203.0.113.9"}]
    assert await captcha.verify("forged", "") is False
    assert await captcha.verify(None, "") is False
    assert len(fake.requests) == 2  # a missing token is refused without asking


async def test_a_wrong_secret_or_site_key_fails(fake: HCaptchaServer, http: httpx.AsyncClient) -> None:
    assert await Captcha("0xwrong", fake.url, None, http).verify(hcaptcha.PASSING_TOKEN, "") is False
    assert await Captcha(hcaptcha.SECRET, fake.url, "another-site", http).verify(hcaptcha.PASSING_TOKEN, "") is False
    assert await Captcha(hcaptcha.SECRET, fake.url, hcaptcha.SITEKEY, http).verify(hcaptcha.PASSING_TOKEN, "") is True


async def test_an_unreachable_hcaptcha_is_a_503_not_a_refusal(http: httpx.AsyncClient) -> None:
    captcha = Captcha(hcaptcha.SECRET, f"http://127.0.0.1:{free_port()}/siteverify", None, http)
    with pytest.raises(errors.DomainError) as raised:
        await captcha.verify(hcaptcha.PASSING_TOKEN, "")
    assert raised.value.status == 503


def test_without_a_secret_there_is_no_captcha() -> None:
    assert Captcha(None, "http://unused", None, httpx.AsyncClient()).enabled is False
