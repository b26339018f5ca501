"""Mail leaves through a real SMTP server, and transient refusals are retried."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from outsend_auth.mailer import Mailer
from outsend_deploy.infra import free_port
from outsend_deploy.local import LocalPlatform
from tests.support.api import Api
from tests.world import World
from tests.world.mail_relay import MailRelay

QUICK_RETRIES = (0.05, 0.05, 0.05)


@pytest.fixture
def relay() -> Iterator[MailRelay]:
    server = MailRelay()
    server.start()
    yield server
    server.stop()


def mailer(url: str, tmp_path: Path) -> Mailer:
    return Mailer("outsend <no-reply@outsend.xyz>", url, tmp_path, retry_delays=QUICK_RETRIES)


async def test_a_busy_relay_is_retried(relay: MailRelay, tmp_path: Path) -> None:
    relay.refuse_next(2)
    sender = mailer(relay.url, tmp_path)
    assert await sender.deliver(sender.compose("ada@example.com", "Sujet é", "Corps du message à accents.")) is True
    assert relay.refused == 2
    [received] = relay.messages_to("ada@example.com")
    assert received["Subject"] == "Sujet é" and received["From"] == "outsend <no-reply@outsend.xyz>"
    assert received.get_body(("plain",)).get_content().strip() == "Corps du message à accents."  # type: ignore[union-attr]


async def test_a_permanent_refusal_is_not_retried(relay: MailRelay, tmp_path: Path) -> None:
    relay.refuse_next(5, permanently=True)
    sender = mailer(relay.url, tmp_path)
    assert await sender.deliver(sender.compose("gone@example.com", "Sujet", "Corps")) is False
    assert relay.refused == 1 and relay.messages_to("gone@example.com") == []


async def test_an_unreachable_relay_gives_up_after_the_retries(tmp_path: Path) -> None:
    sender = mailer(f"smtp://127.0.0.1:{free_port()}", tmp_path)
    assert await sender.deliver(sender.compose("ada@example.com", "Sujet", "Corps")) is False


async def test_without_smtp_mail_goes_to_the_outbox(tmp_path: Path) -> None:
    sender = Mailer("outsend <no-reply@outsend.xyz>", None, tmp_path)
    assert await sender.deliver(sender.compose("ada@example.com", "Sujet", "Corps")) is True
    written = await asyncio.to_thread(lambda: [path.suffix for path in tmp_path.iterdir()])
    assert written == [".eml"]


def test_the_platform_retries_a_busy_relay(platform: LocalPlatform, world: World) -> None:
    """The welcome mail still arrives when the relay first answers ``451``."""
    relay = next(server for server in world.servers if isinstance(server, MailRelay))
    refused_before = relay.refused
    relay.refuse_next(1)
    api = Api(platform).signup(verify=False)
    assert api.wait_mail(timeout=20)["Subject"] == "Bienvenue sur outsend — confirme ton adresse email"
    assert relay.refused == refused_before + 1
