"""``/api/auth``: sessions, passwords, email verification and the GDPR self-service (Authentication page)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import AfterValidator, BaseModel, EmailStr, StringConstraints
from pydantic_core import PydanticCustomError

from outsend_contracts import errors, subjects
from outsend_contracts.auth import (
    PASSWORD_MAX_LENGTH,
    DeleteAccountRequest,
    LoginRequest,
    PasswordChangeRequest,
    ResendReply,
    ResetConfirmRequest,
    ResetRequest,
    Session,
    SignupRequest,
    TokenRequest,
    UserRequest,
    password_acceptable,
)
from outsend_contracts.jobs.usage import AccountUsage, GetUsage
from outsend_gateway.account_export import export_archive
from outsend_gateway.security import (
    COOKIE,
    SESSION_ONLY,
    GatewayDep,
    User,
    clear_session_cookie,
    client_ip,
    set_session_cookie,
)

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _password_rules(password: str) -> str:
    if not password_acceptable(password):
        raise PydanticCustomError("password_rules", errors.PASSWORD_RULES)
    return password


NewPassword = Annotated[str, AfterValidator(_password_rules)]
"""A password being set; its length is checked with the other rules, to say them all in French."""
TypedPassword = Annotated[str, StringConstraints(min_length=1, max_length=PASSWORD_MAX_LENGTH)]
"""A password being checked: longer than any that can be set, it cannot be right."""


class SignupBody(BaseModel):
    email: EmailStr
    password: NewPassword
    invitation_code: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    accept_responsibility: bool
    hcaptcha_token: Annotated[str, StringConstraints(max_length=8192)] | None = None


class LoginBody(BaseModel):
    email: EmailStr
    password: TypedPassword


class TokenBody(BaseModel):
    token: Annotated[str, StringConstraints(min_length=10, max_length=256)]


class ResetRequestBody(BaseModel):
    email: EmailStr


class ResetConfirmBody(BaseModel):
    token: Annotated[str, StringConstraints(min_length=10, max_length=256)]
    new_password: NewPassword


class PasswordChangeBody(BaseModel):
    current_password: TypedPassword
    new_password: NewPassword


class DeleteAccountBody(BaseModel):
    confirm_email: Annotated[str, StringConstraints(min_length=1, max_length=320)]


def _opened(response: Response, gateway: Any, session: Session) -> dict[str, Any]:
    set_session_cookie(response, gateway, session.token, session.max_age_seconds)
    return {"ok": True, "user": msgspec.to_builtins(session.user)}


@router.post("/signup")
async def signup(body: SignupBody, request: Request, response: Response, gateway: GatewayDep) -> dict[str, Any]:
    fields = body.model_dump()
    session = await gateway.call(
        subjects.AUTH_SIGNUP, SignupRequest(**fields, client_ip=client_ip(request, gateway)), Session
    )
    return _opened(response, gateway, session)


@router.post("/login")
async def login(body: LoginBody, request: Request, response: Response, gateway: GatewayDep) -> dict[str, Any]:
    login_request = LoginRequest(email=body.email, password=body.password, client_ip=client_ip(request, gateway))
    session = await gateway.call(subjects.AUTH_LOGIN, login_request, Session)
    return _opened(response, gateway, session)


@router.post("/logout")
async def logout(request: Request, response: Response, gateway: GatewayDep) -> dict[str, bool]:
    token = request.cookies.get(COOKIE)
    if token:
        await gateway.call(subjects.AUTH_LOGOUT, TokenRequest(token=token), dict)
    clear_session_cookie(response, gateway)
    return {"ok": True}


@router.get("/me")
async def me(user: User, gateway: GatewayDep) -> dict[str, Any]:
    """The user, with what the account uses of its per-account limits (``usage``, additive)."""
    usage = await gateway.call(subjects.JOBS_USAGE, GetUsage(user_id=user.id), AccountUsage)
    return {**msgspec.to_builtins(user), "usage": msgspec.to_builtins(usage)}


@router.post("/password/reset-request")
async def password_reset_request(body: ResetRequestBody, request: Request, gateway: GatewayDep) -> dict[str, bool]:
    """The same answer whether or not the address has an account, and when the limit is reached."""
    await gateway.call(
        subjects.AUTH_PASSWORD_RESET_REQUEST,
        ResetRequest(email=body.email, client_ip=client_ip(request, gateway)),
        dict,
    )
    return {"ok": True}


@router.post("/password/reset-confirm")
async def password_reset_confirm(body: ResetConfirmBody, gateway: GatewayDep) -> dict[str, bool]:
    confirm = ResetConfirmRequest(token=body.token, new_password=body.new_password)
    await gateway.call(subjects.AUTH_PASSWORD_RESET_CONFIRM, confirm, dict)
    return {"ok": True}


@router.post("/password/change", dependencies=[SESSION_ONLY])
async def password_change(
    body: PasswordChangeBody, user: User, response: Response, gateway: GatewayDep
) -> dict[str, bool]:
    change = PasswordChangeRequest(
        user_id=user.id, current_password=body.current_password, new_password=body.new_password
    )
    session = await gateway.call(subjects.AUTH_PASSWORD_CHANGE, change, Session)
    set_session_cookie(response, gateway, session.token, session.max_age_seconds)
    return {"ok": True}


@router.post("/email/verify")
async def verify_email(body: TokenBody, gateway: GatewayDep) -> dict[str, bool]:
    await gateway.call(subjects.AUTH_EMAIL_VERIFY, TokenRequest(token=body.token), dict)
    return {"ok": True}


@router.post("/email/resend-verify")
async def resend_verification(user: User, gateway: GatewayDep) -> dict[str, Any]:
    reply = await gateway.call(subjects.AUTH_EMAIL_RESEND, UserRequest(user_id=user.id), ResendReply)
    return {"ok": True, "already_verified": True} if reply.already_verified else {"ok": True}


@router.delete("/me", status_code=204, dependencies=[SESSION_ONLY])
async def delete_account(body: DeleteAccountBody, user: User, gateway: GatewayDep) -> Response:
    """Delete the account and everything it owns, in every service; threads are kept anonymised."""
    await gateway.call(
        subjects.AUTH_ACCOUNT_DELETE, DeleteAccountRequest(user_id=user.id, confirm_email=body.confirm_email), dict
    )
    response = Response(status_code=204)
    clear_session_cookie(response, gateway)
    return response


@router.get("/me/export")
async def export(user: User, gateway: GatewayDep) -> StreamingResponse:
    """A ZIP of every record the account owns, streamed as it is built."""
    archive, filename = await export_archive(gateway, user)
    return StreamingResponse(
        archive,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
