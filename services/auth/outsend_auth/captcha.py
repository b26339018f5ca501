"""hCaptcha: checking a signup's token with the ``siteverify`` API."""

from __future__ import annotations

import httpx

from outsend_contracts import errors
from outsend_platform.logging import get_logger

log = get_logger(__name__)

ATTEMPTS = 2


class Captcha:
    def __init__(self, secret: str | None, verify_url: str, sitekey: str | None, client: httpx.AsyncClient) -> None:
        self._secret = secret
        self._verify_url = verify_url
        self._sitekey = sitekey
        self._client = client

    @property
    def enabled(self) -> bool:
        return self._secret is not None

    async def verify(self, token: str | None, remote_ip: str) -> bool:
        """Whether hCaptcha accepts the token; 503 if hCaptcha cannot be reached (not the user's fault)."""
        if not token:
            return False
        form = {"secret": self._secret or "", "response": token}
        if remote_ip:
            form["remoteip"] = remote_ip
        if self._sitekey:
            form["sitekey"] = self._sitekey
        for attempt in range(1, ATTEMPTS + 1):
            try:
                response = await self._client.post(self._verify_url, data=form, timeout=10)
                response.raise_for_status()
                answer = response.json()
            except (httpx.HTTPError, ValueError) as error:
                log.warning("captcha.unreachable", attempt=attempt, error=repr(error))
                continue
            if not answer.get("success"):
                log.info("captcha.refused", codes=answer.get("error-codes"))
            return bool(answer.get("success"))
        raise errors.DomainError(503, errors.SERVICE_UNAVAILABLE)
