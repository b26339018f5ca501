"""Outgoing mail: SMTP when ``OUTSEND_SMTP_URL`` is set, ``.eml`` files in the outbox otherwise.

``post`` hands a message over and returns at once: a request never waits for the SMTP server,
and a slow or failing server never changes how long a request takes (which would tell a client
whether an address has an account). Delivery is retried on transient failures (connection
errors, 4xx answers) with growing delays; a permanent refusal (5xx) is logged and dropped.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlparse

import aiosmtplib

from outsend_platform.logging import get_logger

log = get_logger(__name__)

RETRY_DELAYS = (2.0, 10.0, 30.0, 120.0)
"""Seconds before each new attempt after a transient failure."""


class Mailer:
    def __init__(
        self, sender: str, smtp_url: str | None, outbox: Path, retry_delays: Sequence[float] = RETRY_DELAYS
    ) -> None:
        self._sender = sender
        self._smtp_url = smtp_url
        self._outbox = outbox
        self._retry_delays = tuple(retry_delays)
        self._pending: set[asyncio.Task[bool]] = set()

    def compose(self, to: str, subject: str, text: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="outsend.xyz")
        message.set_content(text)
        return message

    def post(self, to: str, subject: str, text: str) -> None:
        """Deliver in the background."""
        task = asyncio.create_task(self.deliver(self.compose(to, subject, text)))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def deliver(self, message: EmailMessage) -> bool:
        """Send now, retrying transient failures; ``False`` if the message could not be delivered."""
        if not self._smtp_url:
            self._write_to_outbox(message)
            return True
        for attempt, delay in enumerate((*self._retry_delays, None), start=1):
            try:
                await self._send(message)
                return True
            except (aiosmtplib.SMTPException, OSError) as error:
                if delay is None or not _transient(error):
                    log.error("mail.undelivered", attempt=attempt, error=_describe(error))
                    return False
                log.warning("mail.retry", attempt=attempt, in_seconds=delay, error=_describe(error))
                await asyncio.sleep(delay)
        return False

    async def drain(self, timeout: float) -> None:
        """Give mail still being delivered a chance to leave before the process stops."""
        if self._pending:
            await asyncio.wait(self._pending, timeout=timeout)

    async def _send(self, message: EmailMessage) -> None:
        assert self._smtp_url is not None
        url = urlparse(self._smtp_url)
        await aiosmtplib.send(
            message,
            hostname=url.hostname or "127.0.0.1",
            port=url.port or (465 if url.scheme == "smtps" else 25),
            username=unquote(url.username) if url.username else None,
            password=unquote(url.password) if url.password else None,
            use_tls=url.scheme == "smtps",
            start_tls=True if url.scheme == "smtp+starttls" else (False if url.scheme == "smtps" else None),
            timeout=15,
        )

    def _write_to_outbox(self, message: EmailMessage) -> None:
        self._outbox.mkdir(parents=True, exist_ok=True)
        path = self._outbox / f"{formatdate().replace(' ', '_').replace(',', '')}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(bytes(message))
        log.info("mail.written", path=str(path))


def _describe(error: Exception) -> str:
    """The failure without the recipient's address (the errors' own text includes it)."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return f"{type(error).__name__} {[refusal.code for refusal in error.recipients]}"
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return f"{type(error).__name__} {error.code}"
    return type(error).__name__


def _transient(error: Exception) -> bool:
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return all(400 <= refusal.code < 500 for refusal in error.recipients)
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return 400 <= error.code < 500
    return True  # connection refused or lost, timeouts: the server may be back soon
