"""Outgoing mail: SMTP when ``OUTSEND_SMTP_URL`` is set, ``.eml`` files in the outbox otherwise."""

from __future__ import annotations

import asyncio
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlparse

import aiosmtplib

from outsend_platform.logging import get_logger

log = get_logger(__name__)


class Mailer:
    def __init__(self, sender: str, smtp_url: str | None, outbox: Path) -> None:
        self._sender = sender
        self._smtp_url = smtp_url
        self._outbox = outbox

    async def send(self, to: str, subject: str, text: str) -> None:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="outsend.xyz")
        message.set_content(text)
        if self._smtp_url:
            await self._deliver(message)
        else:
            self._outbox.mkdir(parents=True, exist_ok=True)
            path = self._outbox / f"{formatdate().replace(' ', '_').replace(',', '')}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(bytes(message))
            log.info("mail.written", path=str(path))

    async def _deliver(self, message: EmailMessage, attempts: int = 3) -> None:
        assert self._smtp_url is not None
        url = urlparse(self._smtp_url)
        for attempt in range(1, attempts + 1):
            try:
                await aiosmtplib.send(
                    message,
                    hostname=url.hostname or "127.0.0.1",
                    port=url.port or (465 if url.scheme == "smtps" else 25),
                    username=unquote(url.username) if url.username else None,
                    password=unquote(url.password) if url.password else None,
                    use_tls=url.scheme == "smtps",
                    start_tls=None if url.scheme == "smtps" else (True if url.scheme == "smtp+starttls" else None),
                    timeout=15,
                )
                return
            except aiosmtplib.SMTPException as error:
                log.warning("mail.retry", attempt=attempt, error=repr(error))
                if attempt == attempts:
                    raise
                await asyncio.sleep(2**attempt)
