"""One AI call within the user's caps: estimate, reserve, call the provider, settle.

1. The worst case (the prompt's tokens counted generously + the output limit, at the model's
   catalogue price) is reserved in the auth service, which refuses it — before the provider is
   called — when it could cross the per-request, daily or monthly cap.
2. The provider answers (streamed); its reported usage gives the real cost.
3. The call is settled at that cost (a failed call at nothing, an interrupted one at its worst
   case: the provider may have billed it), and the alerts at 80 % and 100 % go out.

``overhead`` is the time the platform adds to a call: everything but the provider's answer.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from outsend_contracts import subjects
from outsend_contracts.ai import AiCredentials, AiReserveRequest, AiSettleRequest, AiUserRequest, Budget
from outsend_gateway.ai import pricing
from outsend_gateway.ai.providers import Prompt, ProviderClient, Usage
from outsend_gateway.context import Gateway
from outsend_platform.logging import get_logger

log = get_logger(__name__)


@dataclass
class Call:
    """A reserved call: what it may cost, and what it did."""

    user_id: int
    feature: str
    call_id: str
    credentials: AiCredentials
    prompt: Prompt
    estimate: int | None
    budget: Budget
    usage: Usage = field(default_factory=Usage)
    cost: int | None = None
    started: float = field(default_factory=time.perf_counter)
    provider_seconds: float = 0.0

    @property
    def overhead(self) -> float:
        return time.perf_counter() - self.started - self.provider_seconds


async def credentials(gateway: Gateway, user_id: int) -> AiCredentials:
    return await gateway.call(subjects.AI_CREDENTIALS, AiUserRequest(user_id=user_id), AiCredentials)


def worst_case(credentials: AiCredentials, prompt: Prompt) -> tuple[int, int | None]:
    """The prompt's tokens (counted generously) and the worst-case cost, ``None`` if unpriced."""
    tokens = pricing.count_tokens(prompt.system, prompt.user)
    return tokens, pricing.price(credentials.provider, credentials.model, tokens, prompt.max_output_tokens)


async def reserve(gateway: Gateway, user_id: int, feature: str, prompt: Prompt) -> Call:
    started = time.perf_counter()
    creds = await credentials(gateway, user_id)
    _, estimate = worst_case(creds, prompt)
    call_id = str(uuid.uuid4())
    request = AiReserveRequest(
        user_id=user_id, call_id=call_id, feature=feature, provider=creds.provider, model=creds.model, estimate=estimate
    )
    budget = await gateway.call(subjects.AI_RESERVE, request, Budget)
    return Call(user_id, feature, call_id, creds, prompt, estimate, budget, started=started)


async def stream(gateway: Gateway, client: ProviderClient, call: Call) -> AsyncIterator[str]:
    """The provider's answer as it arrives; the call is settled however the stream ends."""
    received = False
    failed = True
    mark = time.perf_counter()
    try:
        async for text in client.stream(call.credentials, call.prompt, call.usage):
            received = True
            yield text
        failed = False
    finally:
        call.provider_seconds += time.perf_counter() - mark
        await settle(gateway, call, failed=failed and not received, interrupted=failed and received)


async def complete(gateway: Gateway, client: ProviderClient, call: Call) -> str:
    return "".join([text async for text in stream(gateway, client, call)])


async def settle(gateway: Gateway, call: Call, *, failed: bool, interrupted: bool) -> None:
    usage = call.usage
    if failed:
        call.cost = None
    elif interrupted or not usage.reported:
        call.cost = call.estimate
    else:
        call.cost = pricing.price(
            call.credentials.provider, call.credentials.model, usage.input_tokens, usage.output_tokens
        )
    request = AiSettleRequest(
        user_id=call.user_id,
        call_id=call.call_id,
        cost=call.cost,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        failed=failed,
    )
    call.budget = await gateway.call(subjects.AI_SETTLE, request, Budget)
    log.info(
        "ai.call",
        feature=call.feature,
        provider=call.credentials.provider,
        model=call.credentials.model,
        failed=failed,
        cost=call.cost,
        overhead_ms=round(call.overhead * 1000, 1),
        provider_ms=round(call.provider_seconds * 1000, 1),
    )
