"""Talking to an AI provider: Anthropic's Messages API, or OpenAI's chat completions and the
providers that copy it (Gemini, Mistral, Groq, DeepSeek, xAI, any compatible base URL).

Every request goes through the guarded client (``outsend_web.client``): a user's base URL cannot
reach a private address unless the operator allows it. The key travels only in this request's
headers, to the provider's own host; it is never logged. Timeouts are bounded, and what is worth
retrying (429, 5xx, a refused connection) is retried twice at most, before any answer is read.
Provider failures become the French messages of ``outsend_contracts.errors``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from outsend_contracts import errors
from outsend_contracts.ai import PROVIDERS, AiCredentials
from outsend_platform.logging import get_logger
from outsend_web.client import guarded_client
from outsend_web.fetch import FetchSettings
from outsend_web.netguard import FetchError

log = get_logger(__name__)

ANTHROPIC_VERSION = "2023-06-01"
TIMEOUT = httpx.Timeout(90.0, connect=10.0)
"""Models take long to start answering; a read that stalls 90 s is a dead stream."""
TOTAL_SECONDS = 180.0
RETRIES = 2
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 529})
MAX_RETRY_WAIT = 5.0
TOO_LONG_MARKERS = ("too long", "context length", "context_length", "maximum context", "too many tokens")


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    reported: bool = False


@dataclass(frozen=True)
class Prompt:
    system: str
    user: str
    max_output_tokens: int


def base_url(credentials: AiCredentials) -> str:
    return (credentials.base_url or PROVIDERS[credentials.provider].base_url).rstrip("/")


def check_base_url(url: str) -> str:
    """A user's base URL, normalised; refused unless it is an absolute http(s) address."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise errors.DomainError(422, errors.AI_BASE_URL_INVALID)
    return url.strip().rstrip("/")


class ProviderClient:
    def __init__(self, settings: FetchSettings, *, allow_private: bool) -> None:
        self._http = guarded_client(settings, TIMEOUT, allow_private=allow_private)

    async def close(self) -> None:
        await self._http.aclose()

    async def models(self, credentials: AiCredentials) -> list[str]:
        """The models the key may use, as the provider lists them now."""
        api = PROVIDERS[credentials.provider].api
        params = {"limit": "1000"} if api == "anthropic" else None
        async with self._request("GET", credentials, "/models", params=params) as response:
            payload = await _json(response)
        models = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(models, list):
            raise errors.DomainError(502, errors.AI_BAD_ANSWER)
        ids = [
            str(model["id"]).removeprefix("models/") for model in models if isinstance(model, dict) and model.get("id")
        ]
        return sorted(set(ids))

    async def stream(self, credentials: AiCredentials, prompt: Prompt, usage: Usage) -> AsyncIterator[str]:
        """The answer's text as it arrives; ``usage`` holds what the provider reported at the end."""
        anthropic = PROVIDERS[credentials.provider].api == "anthropic"
        body = _anthropic_body(credentials, prompt) if anthropic else _openai_body(credentials, prompt)
        path = "/messages" if anthropic else "/chat/completions"
        async with self._request("POST", credentials, path, json_body=body) as response:
            async for data in _sse_data(response):
                text = _anthropic_event(data, usage) if anthropic else _openai_event(data, usage)
                if text:
                    yield text

    @contextlib.asynccontextmanager
    async def _request(
        self,
        method: str,
        credentials: AiCredentials,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json_body: dict[str, Any] | None = None,
    ) -> AsyncIterator[httpx.Response]:
        url = base_url(credentials) + path
        headers = _headers(credentials)
        for attempt in range(RETRIES + 1):
            last = attempt == RETRIES
            try:
                async with asyncio.timeout(TOTAL_SECONDS):
                    request = self._http.build_request(method, url, params=params, json=json_body, headers=headers)
                    response = await self._http.send(request, stream=True)
                    try:
                        if response.status_code in RETRY_STATUSES and not last:
                            wait = _retry_wait(response, attempt)
                        elif response.status_code >= 400:
                            raise await _provider_error(response)
                        else:
                            yield response
                            return
                    finally:
                        await response.aclose()
            except FetchError as error:
                raise errors.DomainError(400, errors.AI_BASE_URL_INVALID) from error
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                if last:
                    raise errors.DomainError(502, errors.AI_PROVIDER_UNREACHABLE) from error
                wait = 0.5 * 2.0**attempt
            except (TimeoutError, httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as error:
                raise errors.DomainError(504, errors.AI_PROVIDER_UNAVAILABLE) from error
            log.info("ai.provider_retry", provider=credentials.provider, attempt=attempt + 1, wait=wait)
            await asyncio.sleep(wait)


def _headers(credentials: AiCredentials) -> dict[str, str]:
    if PROVIDERS[credentials.provider].api == "anthropic":
        return {"x-api-key": credentials.api_key, "anthropic-version": ANTHROPIC_VERSION}
    return {"Authorization": f"Bearer {credentials.api_key}"}


def _anthropic_body(credentials: AiCredentials, prompt: Prompt) -> dict[str, Any]:
    return {
        "model": credentials.model,
        "max_tokens": prompt.max_output_tokens,
        "system": prompt.system,
        "messages": [{"role": "user", "content": prompt.user}],
        "stream": True,
    }


def _openai_body(credentials: AiCredentials, prompt: Prompt) -> dict[str, Any]:
    # OpenAI's reasoning models refuse ``max_tokens``; the compatible providers do not all know
    # ``max_completion_tokens`` yet.
    limit = "max_completion_tokens" if credentials.provider == "openai" else "max_tokens"
    return {
        "model": credentials.model,
        limit: prompt.max_output_tokens,
        "messages": [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}],
        "stream": True,
        "stream_options": {"include_usage": True},
    }


async def _sse_data(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    async for line in response.aiter_lines():
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            return
        with contextlib.suppress(ValueError):
            event = json.loads(data)
            if isinstance(event, dict):
                yield event


def _anthropic_event(event: dict[str, Any], usage: Usage) -> str:
    kind = event.get("type")
    if kind == "message_start":
        reported = event.get("message", {}).get("usage", {})
        usage.input_tokens = int(reported.get("input_tokens") or 0)
        usage.output_tokens = int(reported.get("output_tokens") or 0)
    elif kind == "message_delta":
        usage.output_tokens = int(event.get("usage", {}).get("output_tokens") or usage.output_tokens)
        usage.reported = True
    elif kind == "content_block_delta":
        return str(event.get("delta", {}).get("text") or "")
    elif kind == "error":
        raise errors.DomainError(502, errors.AI_PROVIDER_UNAVAILABLE)
    return ""


def _openai_event(event: dict[str, Any], usage: Usage) -> str:
    if isinstance(reported := event.get("usage"), dict):
        usage.input_tokens = int(reported.get("prompt_tokens") or 0)
        usage.output_tokens = int(reported.get("completion_tokens") or 0)
        usage.reported = True
    choices = event.get("choices") or []
    if choices and isinstance(choices[0], dict):
        return str((choices[0].get("delta") or {}).get("content") or "")
    return ""


async def _json(response: httpx.Response) -> Any:
    try:
        return json.loads(await response.aread())
    except ValueError as error:
        raise errors.DomainError(502, errors.AI_BAD_ANSWER) from error


def _retry_wait(response: httpx.Response, attempt: int) -> float:
    try:
        return min(float(response.headers.get("retry-after", "")), MAX_RETRY_WAIT)
    except ValueError:
        return 0.5 * 2.0**attempt


async def _provider_error(response: httpx.Response) -> errors.DomainError:
    status = response.status_code
    if status in (401, 403):
        return errors.DomainError(400, errors.AI_KEY_REJECTED)
    if status == 429:
        return errors.DomainError(429, errors.AI_PROVIDER_RATE_LIMITED, headers={"Retry-After": "30"})
    if status >= 500:
        return errors.DomainError(502, errors.AI_PROVIDER_UNAVAILABLE)
    reason = _reason(await response.aread())
    if any(marker in reason.lower() for marker in TOO_LONG_MARKERS):
        return errors.DomainError(400, errors.AI_CONTEXT_TOO_LONG)
    if status == 404:
        return errors.DomainError(400, errors.AI_PROVIDER_REFUSED.format(reason="modèle ou adresse introuvable"))
    return errors.DomainError(400, errors.AI_PROVIDER_REFUSED.format(reason=reason[:200] or f"HTTP {status}"))


def _reason(body: bytes) -> str:
    """The provider's own explanation (``{"error": {"message": …}}`` in both APIs)."""
    try:
        payload = json.loads(body)
    except ValueError:
        return ""
    error = payload.get("error") if isinstance(payload, dict) else None
    return str(error.get("message", "")) if isinstance(error, dict) else ""
