"""The SMTP server outsend sends its mail through (a real one, ``aiosmtpd``, on loopback).

It keeps every message it accepts, so tests read the mail a user would receive. It can be told
to refuse the next recipients, temporarily (``451``, the way a busy relay does) or for good
(``550``), to check how delivery retries.
"""

from __future__ import annotations

import email
import threading
from email import policy
from email.message import EmailMessage
from typing import Any, ClassVar

from aiosmtpd.controller import Controller

from outsend_deploy.infra import free_port


class MailRelay:
    _running: ClassVar[dict[str, MailRelay]] = {}

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self._messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._refusals = 0
        self._refusal = ""
        self.refused = 0
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> dict[str, str]:
        self._controller.start()
        MailRelay._running[self.url] = self
        return {"OUTSEND_SMTP_URL": self.url}

    def stop(self) -> None:
        MailRelay._running.pop(self.url, None)
        self._controller.stop()

    @classmethod
    def serving(cls, url: str | None) -> MailRelay | None:
        """The relay of this test process answering at ``url``, if any."""
        return cls._running.get(url) if url else None

    def messages_to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [message for message in self._messages if message["To"] == address]

    def refuse_next(self, count: int, *, permanently: bool = False) -> None:
        """Answer the next ``count`` recipients ``451`` (try again later), or ``550`` if ``permanently``."""
        with self._lock:
            self._refusals = count
            self._refusal = (
                "550 5.1.1 Mailbox unavailable" if permanently else "451 4.3.0 Mailbox busy, try again later"
            )

    def _refusal_for_next_recipient(self) -> str | None:
        with self._lock:
            if self._refusals <= 0:
                return None
            self._refusals -= 1
            self.refused += 1
            return self._refusal

    def _store(self, data: bytes) -> None:
        message = email.message_from_bytes(data, policy=policy.default)
        with self._lock:
            self._messages.append(message)  # type: ignore[arg-type]


class _Handler:
    def __init__(self, relay: MailRelay) -> None:
        self._relay = relay

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        refusal = self._relay._refusal_for_next_recipient()
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self._relay._store(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"
