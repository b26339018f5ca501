"""The admins' side: users (list, deactivate, reactivate) and invitation codes.

Admins are the users whose address is in ``OUTSEND_ADMIN_EMAILS`` (or flagged in the database).
The gateway lets only admins through; each operation checks it again here.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime

import asyncpg

from outsend_auth.repository.invitations import InvitationRepository
from outsend_auth.repository.users import UserRecord, UserRepository
from outsend_contracts import errors
from outsend_contracts.auth import (
    AdminRequest,
    AdminUser,
    AdminUsersRequest,
    AdminUserStatusRequest,
    Invitation,
    InvitationCreateRequest,
    InvitationRevokeRequest,
)
from outsend_contracts.clock import iso, parse_iso, utc_now

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and retyped
CODE_PATTERN = re.compile(r"[A-Z0-9_-]{4,64}")
MAX_USERS_LISTED = 500


def new_invitation_code() -> str:
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(2))
    return "OUT-" + "-".join(groups)


class AdminGuard:
    def __init__(self, users: UserRepository, admin_emails: frozenset[str]) -> None:
        self._users = users
        self._admin_emails = admin_emails

    async def require(self, user_id: int) -> UserRecord:
        user = await self._users.user_by_id(user_id)
        if user is None or not user.is_active or not user.public(self._admin_emails).is_admin:
            raise errors.DomainError(403, errors.FORBIDDEN)
        return user


class Admin:
    def __init__(
        self,
        users: UserRepository,
        invitations: InvitationRepository,
        guard: AdminGuard,
        config_codes: frozenset[str],
        admin_emails: frozenset[str],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._users = users
        self._invitations = invitations
        self._guard = guard
        self._config_codes = config_codes
        self._admin_emails = admin_emails
        self._clock = clock

    # --- users -------------------------------------------------------------------------------------
    async def users(self, request: AdminUsersRequest) -> list[AdminUser]:
        await self._guard.require(request.admin_id)
        limit = min(max(request.limit, 1), MAX_USERS_LISTED)
        users = await self._users.list_users(request.query.strip(), limit, max(request.offset, 0))
        return [self._admin_view(user) for user in users]

    async def set_status(self, request: AdminUserStatusRequest) -> AdminUser:
        await self._guard.require(request.admin_id)
        if request.user_id == request.admin_id and not request.active:
            raise errors.DomainError(400, errors.CANNOT_DEACTIVATE_SELF)
        user = await self._users.set_active(request.user_id, request.active)
        if user is None:
            raise errors.DomainError(404, errors.USER_NOT_FOUND)
        return self._admin_view(user)

    def _admin_view(self, user: UserRecord) -> AdminUser:
        public = user.public(self._admin_emails)
        return AdminUser(
            id=public.id,
            email=public.email,
            is_admin=public.is_admin,
            is_active=public.is_active,
            email_verified=public.email_verified,
            created_at=public.created_at,
            last_login_at=iso(user.last_login_at),
            invitation_code=user.invitation_code,
        )

    # --- invitation codes --------------------------------------------------------------------------
    async def invitations(self, request: AdminRequest) -> list[Invitation]:
        await self._guard.require(request.admin_id)
        rows = await self._invitations.invitations()
        used_config = {row["code"]: row for row in rows if row["source"] == "config"}
        configured = [
            self._invitation(used_config[code])
            if code in used_config
            else Invitation(code=code, source="config", uses=0, usable=True)
            for code in sorted(self._config_codes)
        ]
        former = [self._invitation(row) for code, row in used_config.items() if code not in self._config_codes]
        return configured + former + [self._invitation(row) for row in rows if row["source"] == "admin"]

    async def create_invitation(self, request: InvitationCreateRequest) -> Invitation:
        admin = await self._guard.require(request.admin_id)
        code = (request.code or new_invitation_code()).strip().upper()
        if not CODE_PATTERN.fullmatch(code) or (request.max_uses is not None and request.max_uses < 1):
            raise errors.DomainError(422, errors.VALIDATION_FAILED)
        expires_at = parse_iso(request.expires_at)
        if expires_at is not None and expires_at <= self._clock():
            raise errors.DomainError(400, errors.INVITATION_EXPIRY_PAST)
        if code in self._config_codes:
            raise errors.DomainError(400, errors.INVITATION_EXISTS)
        row = await self._invitations.create_invitation(code, request.max_uses, expires_at, admin.id)
        if row is None:
            raise errors.DomainError(400, errors.INVITATION_EXISTS)
        return self._invitation(row)

    async def revoke_invitation(self, request: InvitationRevokeRequest) -> Invitation:
        await self._guard.require(request.admin_id)
        code = request.code.strip().upper()
        if code in self._config_codes:
            raise errors.DomainError(400, errors.INVITATION_FROM_CONFIG)
        row = await self._invitations.revoke_invitation(code, self._clock())
        if row is None:
            raise errors.DomainError(404, errors.INVITATION_NOT_FOUND)
        return self._invitation(row)

    def _invitation(self, row: asyncpg.Record) -> Invitation:
        now = self._clock()
        if row["source"] == "config":
            usable = row["code"] in self._config_codes
        else:
            usable = (
                row["revoked_at"] is None
                and (row["expires_at"] is None or row["expires_at"] > now)
                and (row["max_uses"] is None or row["uses"] < row["max_uses"])
            )
        return Invitation(
            code=row["code"],
            source=row["source"],
            uses=row["uses"],
            max_uses=row["max_uses"],
            expires_at=iso(row["expires_at"]),
            created_at=iso(row["created_at"]) if row["source"] == "admin" else None,
            revoked_at=iso(row["revoked_at"]),
            usable=usable,
        )
