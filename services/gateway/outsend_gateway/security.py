"""Who is calling: an ``X-API-Key`` header or the ``outsend_session`` cookie, resolved by the auth service.

Both give the same user with the same permissions. A key, when present, is the credential: a
wrong or revoked key is refused even if a valid cookie comes with it. What a credential resolved
to is remembered for under a second and forgotten by every replica as soon as auth announces a
change (``credential_cache``), so a revoked key or a closed session fails on the next request.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response, Security
from fastapi.security import APIKeyCookie, APIKeyHeader

from outsend_contracts import errors, subjects
from outsend_contracts.auth import ApiKeyRequest, ResolveReply, TokenRequest, UserPublic
from outsend_gateway.client_address import client_address
from outsend_gateway.context import Gateway

COOKIE = "outsend_session"
API_KEY_HEADER = "X-API-Key"


async def gateway(request: Request) -> Gateway:  # async: a plain function would run in a thread
    gateway_: Gateway = request.app.state.gateway
    return gateway_


GatewayDep = Annotated[Gateway, Depends(gateway)]


def client_ip(request: Request, gateway_: Gateway) -> str:
    peer = request.client.host if request.client else ""
    return client_address(peer, request.headers.getlist("x-forwarded-for"), gateway_.settings.trusted_proxies)


def set_session_cookie(response: Response, gateway_: Gateway, token: str, max_age: int) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        secure=gateway_.settings.cookie_secure,
        samesite="lax",
        path="/",
    )


def clear_session_cookie(response: Response, gateway_: Gateway) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, secure=gateway_.settings.cookie_secure, samesite="lax")


async def optional_user(request: Request, response: Any, gateway_: GatewayDep) -> UserPublic | None:
    """The caller, or ``None`` without credentials; 401 for a wrong API key."""
    cache = gateway_.credentials
    key = request.headers.get(API_KEY_HEADER)
    if key is not None:
        key = key.strip()
        if (known := cache.get(f"key:{key}")) is not None:
            return known
        generation = cache.generation
        user = await gateway_.call(subjects.AUTH_RESOLVE_KEY, ApiKeyRequest(key=key), UserPublic)
        cache.put(f"key:{key}", user, generation)
        return user
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    if (known := cache.get(f"session:{token}")) is not None:
        return known
    generation = cache.generation
    try:
        reply = await gateway_.call(subjects.AUTH_RESOLVE, TokenRequest(token=token), ResolveReply)
    except errors.DomainError as error:
        if error.status == 401:
            return None
        raise
    if reply.refreshed_token:
        set_session_cookie(response, gateway_, reply.refreshed_token, reply.max_age_seconds)
    cache.put(f"session:{token}", reply.user, generation)
    return reply.user


_KEY_SCHEME = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="Clé API (docs/api-keys.md)")
_COOKIE_SCHEME = APIKeyCookie(name=COOKIE, auto_error=False, description="Cookie de session")


async def _optional_user(
    request: Request,
    response: Response,
    gateway_: GatewayDep,
    _key: Annotated[str | None, Security(_KEY_SCHEME)],
    _cookie: Annotated[str | None, Security(_COOKIE_SCHEME)],
) -> UserPublic | None:
    """The dependency form; the two schemes declare both credentials in the OpenAPI document."""
    return await optional_user(request, response, gateway_)


async def current_user(user: Annotated[UserPublic | None, Depends(_optional_user)]) -> UserPublic:
    if user is None:
        raise errors.DomainError(401, errors.NOT_AUTHENTICATED)
    return user


async def refuse_api_keys(request: Request) -> None:
    """Managing credentials and the account itself takes the session of someone who typed the
    password: a leaked key must not mint keys, lock its owner out or erase the account."""
    if request.headers.get(API_KEY_HEADER) is not None:
        raise errors.DomainError(403, errors.API_KEY_NOT_ALLOWED)


async def active_user(user: Annotated[UserPublic, Depends(current_user)]) -> UserPublic:
    if not user.is_active:
        raise errors.DomainError(403, errors.ACCOUNT_INACTIVE)
    return user


async def verified_user(user: Annotated[UserPublic, Depends(active_user)]) -> UserPublic:
    if not user.email_verified:
        raise errors.DomainError(403, errors.EMAIL_NOT_VERIFIED)
    return user


async def admin_user(user: Annotated[UserPublic, Depends(active_user)]) -> UserPublic:
    if not user.is_admin:
        raise errors.DomainError(403, errors.FORBIDDEN)
    return user


SESSION_ONLY = Depends(refuse_api_keys)
"""For a route's ``dependencies``: refused with 403 when the caller sends an ``X-API-Key``."""
OptionalUser = Annotated[UserPublic | None, Depends(_optional_user)]
User = Annotated[UserPublic, Depends(current_user)]
ActiveUser = Annotated[UserPublic, Depends(active_user)]
VerifiedUser = Annotated[UserPublic, Depends(verified_user)]
Admin = Annotated[UserPublic, Depends(admin_user)]
