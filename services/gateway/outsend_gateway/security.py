"""Who is calling: the ``outsend_session`` cookie resolved by the auth service."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from outsend_contracts import errors, subjects
from outsend_contracts.auth import ResolveReply, TokenRequest, UserPublic
from outsend_gateway.context import Gateway

COOKIE = "outsend_session"


def gateway(request: Request) -> Gateway:
    gateway_: Gateway = request.app.state.gateway
    return gateway_


GatewayDep = Annotated[Gateway, Depends(gateway)]


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


async def optional_user(request: Request, response: Response, gateway_: GatewayDep) -> UserPublic | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        reply = await gateway_.call(subjects.AUTH_RESOLVE, TokenRequest(token=token), ResolveReply)
    except errors.DomainError as error:
        if error.status == 401:
            return None
        raise
    if reply.refreshed_token:
        set_session_cookie(response, gateway_, reply.refreshed_token, reply.max_age_seconds)
    return reply.user


async def current_user(user: Annotated[UserPublic | None, Depends(optional_user)]) -> UserPublic:
    if user is None:
        raise errors.DomainError(401, errors.NOT_AUTHENTICATED)
    return user


async def active_user(user: Annotated[UserPublic, Depends(current_user)]) -> UserPublic:
    if not user.is_active:
        raise errors.DomainError(403, errors.ACCOUNT_INACTIVE)
    return user


async def verified_user(user: Annotated[UserPublic, Depends(active_user)]) -> UserPublic:
    if not user.email_verified:
        raise errors.DomainError(403, errors.EMAIL_NOT_VERIFIED)
    return user


User = Annotated[UserPublic, Depends(current_user)]
ActiveUser = Annotated[UserPublic, Depends(active_user)]
VerifiedUser = Annotated[UserPublic, Depends(verified_user)]
