"""Bring-your-own-key AI: the provider table, the spending caps and the ``svc.auth.ai_*`` messages.

The auth service keeps each user's connection (provider, model, the key encrypted at rest), caps
and calls; the gateway's ``ai`` package talks to the provider. Amounts are integer micro-dollars
(``1_000_000`` = $1) so that sums in Postgres are exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import msgspec

Api = Literal["anthropic", "openai"]
"""The wire protocol: Anthropic's Messages API, or OpenAI's chat completions (and its clones)."""
CUSTOM: Final = "openai_compatible"
MICROS: Final = 1_000_000


@dataclass(frozen=True)
class Provider:
    id: str
    label: str
    api: Api
    base_url: str
    """Where the API lives (``…/models`` and ``…/messages`` or ``…/chat/completions`` below it);
    empty for :data:`CUSTOM`, whose base URL the user gives."""
    key_prefix: str = ""
    """The start of a well-formed key, when the provider has one (a hint, not a check)."""
    prices: str | None = None
    """The provider's id in the public price catalogue (``genai-prices``)."""


PROVIDERS: Final = {
    p.id: p
    for p in (
        Provider(
            "anthropic", "Anthropic (Claude)", "anthropic", "https://api.anthropic.com/v1", "sk-ant-", "anthropic"
        ),
        Provider("openai", "OpenAI", "openai", "https://api.openai.com/v1", "sk-", "openai"),
        Provider(
            "gemini",
            "Google (Gemini)",
            "openai",
            "https://generativelanguage.googleapis.com/v1beta/openai",
            "AIza",
            "google",
        ),
        Provider("mistral", "Mistral", "openai", "https://api.mistral.ai/v1", "", "mistral"),
        Provider("groq", "Groq", "openai", "https://api.groq.com/openai/v1", "gsk_", "groq"),
        Provider("deepseek", "DeepSeek", "openai", "https://api.deepseek.com", "sk-", "deepseek"),
        Provider("xai", "xAI (Grok)", "openai", "https://api.x.ai/v1", "xai-", "x-ai"),
        Provider(CUSTOM, "Endpoint compatible OpenAI", "openai", "", "", None),
    )
}


# --- spending caps (AI spending caps page, limits page) ------------------------------------------
class Caps(msgspec.Struct, frozen=True, kw_only=True):
    """Micro-dollars per request, per UTC day, per UTC month."""

    per_request: int
    per_day: int
    per_month: int


DEFAULT_CAPS: Final = Caps(per_request=10 * MICROS, per_day=10 * MICROS, per_month=100 * MICROS)
MAX_CAPS: Final = Caps(per_request=100 * MICROS, per_day=100 * MICROS, per_month=1_000 * MICROS)
ALERT_LEVELS: Final = (80, 100)
"""Percentages of a daily or monthly cap at which the user is mailed, once per window."""


def dollars(micros: int | None) -> float | None:
    return None if micros is None else round(micros / MICROS, 6)


# --- messages (gateway ⇄ auth) ---------------------------------------------------------------------
class AiConnectRequest(msgspec.Struct, kw_only=True):
    user_id: int
    provider: str
    api_key: str
    model: str
    base_url: str = ""


class AiUserRequest(msgspec.Struct, kw_only=True):
    user_id: int


class AiCapsRequest(msgspec.Struct, kw_only=True):
    user_id: int
    caps: Caps


class AiConnection(msgspec.Struct, kw_only=True):
    """What the user sees of their connection: never the key, only its last characters."""

    connected: bool
    provider: str | None = None
    model: str | None = None
    base_url: str | None = None
    key_hint: str | None = None
    connected_at: str | None = None


class AiCredentials(msgspec.Struct, kw_only=True):
    """The decrypted key, for the gateway to call the provider with; never sent to a browser."""

    provider: str
    model: str
    base_url: str
    api_key: str


class AiReserveRequest(msgspec.Struct, kw_only=True):
    user_id: int
    call_id: str
    feature: str
    provider: str
    model: str
    estimate: int | None
    """Worst-case cost in micro-dollars; ``None`` when the model's price is unknown."""


class Budget(msgspec.Struct, kw_only=True):
    caps: Caps
    spent_today: int
    spent_month: int
    """Settled costs plus what running calls have reserved."""


class AiSettleRequest(msgspec.Struct, kw_only=True):
    user_id: int
    call_id: str
    cost: int | None
    """Real cost from the provider's reported usage; ``None`` if unpriced or nothing was billed."""
    input_tokens: int
    output_tokens: int
    failed: bool = False


class AiCall(msgspec.Struct, kw_only=True):
    call_id: str
    feature: str
    provider: str
    model: str
    status: str
    estimate: int | None
    cost: int | None
    priced: bool
    input_tokens: int
    output_tokens: int
    created_at: str


class AiUsage(msgspec.Struct, kw_only=True):
    budget: Budget
    calls: list[AiCall]
    unpriced_calls: int
