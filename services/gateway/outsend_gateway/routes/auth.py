"""``/api/auth``: sessions and email verification, handled by the auth service."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, EmailStr, StringConstraints

from outsend_contracts import subjects
from outsend_contracts.auth import (
    LoginRequest,
    ResendReply,
    Session,
    SignupRequest,
    TokenRequest,
    UserRequest,
)
from outsend_gateway.security import COOKIE, GatewayDep, User, clear_session_cookie, set_session_cookie

router = APIRouter(prefix="/api/auth", tags=["auth"])

Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]


class SignupBody(BaseModel):
    email: EmailStr
    password: Password
    invitation_code: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    accept_responsibility: bool
    hcaptcha_token: str | None = None


class LoginBody(BaseModel):
    email: EmailStr
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class TokenBody(BaseModel):
    token: Annotated[str, StringConstraints(min_length=10, max_length=256)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


@router.post("/signup")
async def signup(body: SignupBody, request: Request, response: Response, gateway: GatewayDep) -> dict[str, Any]:
    session = await gateway.call(
        subjects.AUTH_SIGNUP,
        SignupRequest(**body.model_dump(), client_ip=client_ip(request)),
        Session,
    )
    set_session_cookie(response, gateway, session.token, session.max_age_seconds)
    return {"ok": True, "user": msgspec.to_builtins(session.user)}


@router.post("/login")
async def login(body: LoginBody, request: Request, response: Response, gateway: GatewayDep) -> dict[str, Any]:
    session = await gateway.call(
        subjects.AUTH_LOGIN,
        LoginRequest(email=body.email, password=body.password, client_ip=client_ip(request)),
        Session,
    )
    set_session_cookie(response, gateway, session.token, session.max_age_seconds)
    return {"ok": True, "user": msgspec.to_builtins(session.user)}


@router.post("/logout")
async def logout(request: Request, response: Response, gateway: GatewayDep) -> dict[str, bool]:
    token = request.cookies.get(COOKIE)
    if token:
        await gateway.call(subjects.AUTH_LOGOUT, TokenRequest(token=token), dict)
    clear_session_cookie(response, gateway)
    return {"ok": True}


@router.get("/me")
async def me(user: User) -> dict[str, Any]:
    return msgspec.to_builtins(user)  # type: ignore[no-any-return]


@router.post("/email/verify")
async def verify_email(body: TokenBody, gateway: GatewayDep) -> dict[str, bool]:
    await gateway.call(subjects.AUTH_EMAIL_VERIFY, TokenRequest(token=body.token), dict)
    return {"ok": True}


@router.post("/email/resend-verify")
async def resend_verification(user: User, gateway: GatewayDep) -> dict[str, Any]:
    reply = await gateway.call(subjects.AUTH_EMAIL_RESEND, UserRequest(user_id=user.id), ResendReply)
    return msgspec.to_builtins(reply)  # type: ignore[no-any-return]
