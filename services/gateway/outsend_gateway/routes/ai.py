"""``/api/ai``: bring your own AI key (BYOK page) within hard spending caps (AI spending caps page).

Connection: ``GET /providers``, ``POST /connect`` (the key is checked against the provider's live
model list before it is stored), ``GET /connection``, ``POST /test``, ``GET /models``,
``POST /model``, ``DELETE /connection``. Spending: ``GET /usage``, ``PUT /caps``.
Features: ``POST /reviews/summary``, ``POST /pipelines/draft``, ``POST /filters/draft``; each takes
``dry_run`` (the worst-case estimate and what is left, nothing called) and streams its answer as
server-sent events (``estimate``, ``delta``…, then ``done`` or ``error``) when asked with
``Accept: text/event-stream``. The key is never returned: only its last four characters.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field, StringConstraints

from outsend_contracts import errors, subjects
from outsend_contracts.ai import (
    CUSTOM,
    PROVIDERS,
    AiCapsRequest,
    AiConnection,
    AiConnectRequest,
    AiCredentials,
    AiUsage,
    AiUserRequest,
    Budget,
    Caps,
    dollars,
)
from outsend_contracts.clock import iso, utc_now
from outsend_gateway.ai import calls, features, pricing
from outsend_gateway.ai.providers import Prompt, ProviderClient, check_base_url
from outsend_gateway.context import Gateway
from outsend_gateway.security import ActiveUser, GatewayDep, User
from outsend_platform.settings import env_str
from outsend_web.fetch import FetchSettings

router = APIRouter(prefix="/api/ai", tags=["ai"])

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2_000)]


def provider_client(request: Request) -> ProviderClient:
    """One client per gateway process, made on first use (its pool is shared by every call)."""
    client: ProviderClient | None = getattr(request.app.state, "ai_client", None)
    if client is None:
        allow = env_str("OUTSEND_AI_ALLOW_PRIVATE_ENDPOINTS", "0").lower() in ("1", "true", "yes")
        client = request.app.state.ai_client = ProviderClient(FetchSettings.from_env(), allow_private=allow)
    return client


Client = Annotated[ProviderClient, Depends(provider_client)]


# --- the connection --------------------------------------------------------------------------------
class ConnectBody(BaseModel):
    provider: str
    api_key: Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=500)]
    base_url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    model: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class ModelBody(BaseModel):
    model: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


@router.get("/providers")
async def providers() -> list[dict[str, Any]]:
    return [
        {
            "id": p.id,
            "label": p.label,
            "api": p.api,
            "key_prefix": p.key_prefix or None,
            "needs_base_url": p.id == CUSTOM,
        }
        for p in PROVIDERS.values()
    ]


@router.post("/connect")
async def connect(body: ConnectBody, user: ActiveUser, gateway: GatewayDep, client: Client) -> dict[str, Any]:
    """Check the key against the provider (its live model list), then store it encrypted."""
    if body.provider not in PROVIDERS:
        raise errors.DomainError(400, errors.AI_UNKNOWN_PROVIDER.format(provider=body.provider[:40]))
    base_url = ""
    if body.provider == CUSTOM:
        if not body.base_url:
            raise errors.DomainError(422, errors.AI_BASE_URL_REQUIRED)
        base_url = check_base_url(body.base_url)
    credentials = AiCredentials(provider=body.provider, model=body.model, base_url=base_url, api_key=body.api_key)
    models = await client.models(credentials)
    model = body.model or (models[0] if models else "")
    if not model:
        raise errors.DomainError(502, errors.AI_BAD_ANSWER)
    request = AiConnectRequest(
        user_id=user.id, provider=body.provider, api_key=body.api_key, model=model, base_url=base_url
    )
    connection = await gateway.call(subjects.AI_CONNECT, request, AiConnection)
    return {**_connection_json(connection), "models": _models_json(body.provider, models)}


@router.get("/connection")
async def connection(user: User, gateway: GatewayDep) -> dict[str, Any]:
    return _connection_json(await gateway.call(subjects.AI_CONNECTION, AiUserRequest(user_id=user.id), AiConnection))


@router.delete("/connection")
async def disconnect(user: User, gateway: GatewayDep) -> dict[str, Any]:
    """Forget the key (the usage history stays, for the month's totals)."""
    reply = await gateway.call(subjects.AI_DISCONNECT, AiUserRequest(user_id=user.id), AiConnection)
    return _connection_json(reply)


@router.post("/test")
async def test(user: User, gateway: GatewayDep, client: Client) -> dict[str, Any]:
    """Whether the stored key still works: the provider lists its models with it."""
    models = await client.models(await calls.credentials(gateway, user.id))
    return {"ok": True, "models": len(models)}


@router.get("/models")
async def models(user: User, gateway: GatewayDep, client: Client) -> dict[str, Any]:
    """The provider's models, listed live with the user's key; ``priced`` says whether caps apply."""
    credentials = await calls.credentials(gateway, user.id)
    listed = await client.models(credentials)
    return {
        "provider": credentials.provider,
        "model": credentials.model,
        "models": _models_json(credentials.provider, listed),
    }


@router.post("/model")
async def choose_model(body: ModelBody, user: ActiveUser, gateway: GatewayDep) -> dict[str, Any]:
    credentials = await calls.credentials(gateway, user.id)
    request = AiConnectRequest(
        user_id=user.id,
        provider=credentials.provider,
        api_key=credentials.api_key,
        model=body.model,
        base_url=credentials.base_url,
    )
    return _connection_json(await gateway.call(subjects.AI_CONNECT, request, AiConnection))


# --- spending --------------------------------------------------------------------------------------
class CapsBody(BaseModel):
    """Dollars; each at most its maximum of the limits page (checked by the auth service)."""

    per_request: float = Field(ge=0)
    per_day: float = Field(ge=0)
    per_month: float = Field(ge=0)


@router.get("/usage")
async def usage(user: User, gateway: GatewayDep) -> dict[str, Any]:
    reply = await gateway.call(subjects.AI_USAGE, AiUserRequest(user_id=user.id), AiUsage)
    return {
        **_budget_json(reply.budget),
        "unpriced_calls": reply.unpriced_calls,
        "calls": [
            {
                "id": call.call_id,
                "feature": call.feature,
                "provider": call.provider,
                "model": call.model,
                "status": call.status,
                "estimate_usd": dollars(call.estimate),
                "cost_usd": dollars(call.cost),
                "price_known": call.priced,
                "input_tokens": call.input_tokens,
                "output_tokens": call.output_tokens,
                "created_at": call.created_at,
            }
            for call in reply.calls
        ],
    }


@router.put("/caps")
async def set_caps(body: CapsBody, user: ActiveUser, gateway: GatewayDep) -> dict[str, Any]:
    caps = Caps(per_request=_micros(body.per_request), per_day=_micros(body.per_day), per_month=_micros(body.per_month))
    budget = await gateway.call(subjects.AI_SET_CAPS, AiCapsRequest(user_id=user.id, caps=caps), Budget)
    return _budget_json(budget)


# --- features --------------------------------------------------------------------------------------
class Review(BaseModel):
    rating: str | float | None = None
    date: str = ""
    review_text: Annotated[str, StringConstraints(max_length=5_000)] = ""


class ReviewSummaryBody(BaseModel):
    """The reviews of one place: given inline, or read from a finished ``reviews`` job."""

    job_id: str | None = None
    place: str | None = None
    """With ``job_id``: the place's ``nom`` or ``lien_google_maps`` (the job's first place if absent)."""
    reviews: list[Review] = Field(default_factory=list, max_length=features.MAX_REVIEWS)
    dry_run: bool = False


class DescriptionBody(BaseModel):
    description: Description
    columns: list[str] = Field(default_factory=lambda: list(features.PLACE_COLUMNS), max_length=200)
    dry_run: bool = False


@router.post("/reviews/summary")
async def review_summary(
    body: ReviewSummaryBody, request: Request, user: ActiveUser, gateway: GatewayDep, client: Client
) -> Response:
    """Strengths, complaints and an outreach angle from a place's Google reviews."""
    place, reviews = await _reviews(gateway, user.id, body)
    prompt = features.review_summary_prompt(place, reviews)
    return await _run(
        request, gateway, client, user.id, "review_summary", prompt, features.read_review_summary, body.dry_run
    )


@router.post("/pipelines/draft")
async def pipeline_draft(
    body: DescriptionBody, request: Request, user: ActiveUser, gateway: GatewayDep, client: Client
) -> Response:
    """A pipeline from a sentence, as the portable envelope, validated; created only once confirmed
    (``POST /api/pipelines`` with it)."""
    prompt = features.pipeline_prompt(body.description)
    return await _run(request, gateway, client, user.id, "pipeline_draft", prompt, features.read_pipeline, body.dry_run)


@router.post("/filters/draft")
async def filter_draft(
    body: DescriptionBody, request: Request, user: ActiveUser, gateway: GatewayDep, client: Client
) -> Response:
    """Filter options from plain French, checked as the filter module reads them, for confirmation."""
    prompt = features.filter_prompt(body.description, body.columns)
    return await _run(request, gateway, client, user.id, "filter_draft", prompt, features.read_filter, body.dry_run)


async def _run(
    request: Request,
    gateway: Gateway,
    client: ProviderClient,
    user_id: int,
    feature: str,
    prompt: Prompt,
    reader: Callable[[str], dict[str, Any]],
    dry_run: bool,
) -> Response:
    if dry_run:
        return JSONResponse(await _estimate(gateway, user_id, prompt))
    call = await calls.reserve(gateway, user_id, feature, prompt)
    if "text/event-stream" in request.headers.get("accept", ""):
        return StreamingResponse(
            _events(gateway, client, call, reader), media_type="text/event-stream", headers=SSE_HEADERS
        )
    result = reader(await calls.complete(gateway, client, call))
    timing = f"platform;dur={call.overhead * 1000:.1f}, provider;dur={call.provider_seconds * 1000:.1f}"
    return JSONResponse({"result": result, **_cost_json(call)}, headers={"Server-Timing": timing})


async def _events(
    gateway: Gateway, client: ProviderClient, call: calls.Call, reader: Callable[[str], dict[str, Any]]
) -> AsyncIterator[str]:
    yield _sse("estimate", {"estimate_usd": dollars(call.estimate), "price_known": call.estimate is not None})
    parts: list[str] = []
    try:
        async for text in calls.stream(gateway, client, call):
            parts.append(text)
            yield _sse("delta", {"text": text})
        yield _sse("done", {"result": reader("".join(parts)), **_cost_json(call)})
    except errors.DomainError as error:
        yield _sse("error", {"status": error.status, "detail": error.detail})


async def _estimate(gateway: Gateway, user_id: int, prompt: Prompt) -> dict[str, Any]:
    credentials = await calls.credentials(gateway, user_id)
    tokens, estimate = calls.worst_case(credentials, prompt)
    reply = await gateway.call(subjects.AI_USAGE, AiUserRequest(user_id=user_id), AiUsage)
    return {
        "provider": credentials.provider,
        "model": credentials.model,
        "input_tokens": tokens,
        "max_output_tokens": prompt.max_output_tokens,
        "estimate_usd": dollars(estimate),
        "price_known": estimate is not None,
        **_budget_json(reply.budget),
    }


async def _reviews(gateway: Gateway, user_id: int, body: ReviewSummaryBody) -> tuple[str, list[dict[str, str]]]:
    if body.job_id is None:
        if not body.reviews:
            raise errors.DomainError(422, errors.VALIDATION_FAILED)
        return body.place or "", [{k: str(v) for k, v in r.model_dump().items() if v is not None} for r in body.reviews]
    await gateway.job(body.job_id, user_id)  # refuses another user's job
    result = await gateway.result_rows(body.job_id)
    rows = result[1] if result else []
    key = body.place or next((row.get("lien_google_maps") or row.get("nom", "") for row in rows), "")
    chosen = [row for row in rows if key in (row.get("lien_google_maps"), row.get("nom"))]
    if not chosen:
        raise errors.DomainError(404, errors.AI_NO_REVIEWS)
    return chosen[0].get("nom") or key, chosen


# --- shapes ----------------------------------------------------------------------------------------
def _connection_json(connection: AiConnection) -> dict[str, Any]:
    provider = PROVIDERS.get(connection.provider or "")
    return {
        "connected": connection.connected,
        "provider": connection.provider,
        "provider_label": provider.label if provider else None,
        "model": connection.model,
        "base_url": connection.base_url or None,
        "key_hint": connection.key_hint,
        "connected_at": connection.connected_at,
    }


def _models_json(provider: str, models: list[str]) -> list[dict[str, Any]]:
    return [{"id": model, "price_known": pricing.price(provider, model, 1, 1) is not None} for model in models]


def _budget_json(budget: Budget) -> dict[str, Any]:
    caps = budget.caps
    return {
        "caps": {
            "per_request": dollars(caps.per_request),
            "per_day": dollars(caps.per_day),
            "per_month": dollars(caps.per_month),
        },
        "spent_today_usd": dollars(budget.spent_today),
        "spent_month_usd": dollars(budget.spent_month),
        "remaining_today_usd": dollars(max(0, caps.per_day - budget.spent_today)),
        "remaining_month_usd": dollars(max(0, caps.per_month - budget.spent_month)),
        "as_of": iso(utc_now()),
    }


def _cost_json(call: calls.Call) -> dict[str, Any]:
    return {
        "estimate_usd": dollars(call.estimate),
        "cost_usd": dollars(call.cost),
        "price_known": call.estimate is not None,
        "usage": {"input_tokens": call.usage.input_tokens, "output_tokens": call.usage.output_tokens},
        **_budget_json(call.budget),
    }


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _micros(value: float) -> int:
    return round(value * 1_000_000)
