"""Costs from the public catalogue of model prices (``genai-prices``, bundled, read offline).

A worst case is priced before a call (the prompt's tokens, counted generously, plus the output
limit); the real cost after it, from the usage the provider reports. A model the catalogue does
not know has no price: ``None`` (the call is allowed, tracked, not capped).
"""

from __future__ import annotations

import math
from decimal import Decimal

import genai_prices

from outsend_contracts.ai import MICROS, PROVIDERS

BYTES_PER_TOKEN = 3
"""Tokenisers give 3.5–4.5 bytes a token for French and English: counting 3 overestimates, which is
the side a worst case must err on."""
MESSAGE_OVERHEAD_TOKENS = 16


def count_tokens(*texts: str) -> int:
    return sum(math.ceil(len(text.encode()) / BYTES_PER_TOKEN) + MESSAGE_OVERHEAD_TOKENS for text in texts)


def price(provider: str, model: str, input_tokens: int, output_tokens: int) -> int | None:
    """Micro-dollars for that usage, rounded up; ``None`` when the model has no known price."""
    usage = genai_prices.Usage(input_tokens=input_tokens, output_tokens=output_tokens)
    try:
        calculation = genai_prices.calc_price(usage, catalogue_model(model), provider_id=PROVIDERS[provider].prices)
    except LookupError:
        return None
    return math.ceil(Decimal(calculation.total_price) * MICROS)


def catalogue_model(model: str) -> str:
    """The catalogue's name of a model: Gemini's OpenAI-compatible endpoint says ``models/<id>``."""
    return model.removeprefix("models/")
