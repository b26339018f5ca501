"""Fixtures shared by the cross-service tests.

One test world and one platform per test process (``pytest -n`` gives each worker its own);
every test works in its own tenant through fresh users.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from outsend_deploy.local import LocalPlatform
from tests.support.api import Api
from tests.support.platform import ADMIN_EMAIL, running_platform
from tests.world import World
from tests.world.ai import AiServer
from tests.world.hcaptcha import HCaptchaServer
from tests.world.mail_relay import MailRelay
from tests.world.maps import MapsServer
from tests.world.sheets import SheetsServer
from tests.world.web import WebWorld


def make_world() -> World:
    """Every server of the test world; issues add theirs here."""
    web = WebWorld()
    ai = AiServer(web.server.certificates.ca)  # the providers' certificates come from the web's CA
    return World([SheetsServer(), MapsServer(), MailRelay(), HCaptchaServer(), web, ai])


@pytest.fixture(scope="session")
def world() -> Iterator[World]:
    started = make_world()
    started.start()
    yield started
    started.stop()


@pytest.fixture(scope="session")
def ai_world(world: World) -> AiServer:
    """The AI providers of the test world (scripted answers, every request kept)."""
    return next(server for server in world.servers if isinstance(server, AiServer))


@pytest.fixture(scope="session")
def platform(world: World) -> Iterator[LocalPlatform]:
    with running_platform(world.settings) as started:
        yield started


@pytest.fixture
def user(platform: LocalPlatform) -> Api:
    """A new verified user: every test works in its own tenant."""
    return Api(platform).signup()


@pytest.fixture
def other_user(platform: LocalPlatform) -> Api:
    return Api(platform).signup()


@pytest.fixture(scope="session")
def admin(platform: LocalPlatform) -> Api:
    """The platform's admin (``OUTSEND_ADMIN_EMAILS``), signed up once per platform."""
    return Api(platform).signup(email_address=ADMIN_EMAIL)
