"""Bring-your-own-key AI: each user's provider connection, spending caps and calls.

Keys are encrypted at rest with Fernet; its key is derived (HKDF-SHA256) from the server secret,
so a database dump alone reveals no provider key. Rotation: start with the new secret in
``OUTSEND_SECRET_KEY`` and the old one in ``OUTSEND_PREVIOUS_SECRET_KEYS``; a key encrypted under
an old secret still decrypts and is re-encrypted under the new one the next time it is used.
The decrypted key only leaves this service in the reply to the gateway, which calls the provider.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from outsend_auth import mails
from outsend_auth.mailer import Mailer
from outsend_auth.repository.ai import AiRepository, Spend
from outsend_auth.repository.users import UserRepository
from outsend_contracts import errors
from outsend_contracts.ai import (
    ALERT_LEVELS,
    MAX_CAPS,
    PROVIDERS,
    AiCall,
    AiCapsRequest,
    AiConnection,
    AiConnectRequest,
    AiCredentials,
    AiReserveRequest,
    AiSettleRequest,
    AiUsage,
    AiUserRequest,
    Budget,
    Caps,
    dollars,
)
from outsend_contracts.clock import iso
from outsend_platform.logging import get_logger

log = get_logger(__name__)

KEY_INFO = b"outsend/ai-provider-keys/v1"
HINT_LENGTH = 4


def derive_fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


class KeyBox:
    """Encrypts under the current secret; decrypts under it or any previous one."""

    def __init__(self, secret: str, previous: Sequence[str] = ()) -> None:
        self._current = derive_fernet(secret)
        self._all = MultiFernet([self._current, *(derive_fernet(old) for old in previous)])

    def seal(self, api_key: str) -> bytes:
        return self._current.encrypt(api_key.encode())

    def open(self, sealed: bytes) -> tuple[str, bytes | None]:
        """The key, and its re-encryption under the current secret when it was sealed under an old one."""
        plain = self._all.decrypt(sealed).decode()
        try:
            self._current.decrypt(sealed)
        except InvalidToken:
            return plain, self.seal(plain)
        return plain, None


class Ai:
    def __init__(self, repository: AiRepository, box: KeyBox, users: UserRepository, mailer: Mailer) -> None:
        self._repository = repository
        self._box = box
        self._users = users
        self._mailer = mailer

    # --- the connection ----------------------------------------------------------------------------
    async def connect(self, request: AiConnectRequest) -> AiConnection:
        """Store a connection the gateway has checked against the provider."""
        if request.provider not in PROVIDERS:
            raise errors.DomainError(400, errors.AI_UNKNOWN_PROVIDER.format(provider=request.provider[:40]))
        hint = request.api_key[-HINT_LENGTH:]
        sealed = self._box.seal(request.api_key)
        await self._repository.save_connection(
            request.user_id, request.provider, request.model, request.base_url, sealed, hint
        )
        log.info("ai.connected", user_id=request.user_id, provider=request.provider)
        return await self.connection(AiUserRequest(user_id=request.user_id))

    async def connection(self, request: AiUserRequest) -> AiConnection:
        record = await self._repository.connection(request.user_id)
        if record is None:
            return AiConnection(connected=False)
        return AiConnection(
            connected=True,
            provider=record.provider,
            model=record.model,
            base_url=record.base_url,
            key_hint=f"…{record.key_hint}",
            connected_at=iso(record.connected_at),
        )

    async def disconnect(self, request: AiUserRequest) -> AiConnection:
        await self._repository.delete_connection(request.user_id)
        return AiConnection(connected=False)

    async def credentials(self, request: AiUserRequest) -> AiCredentials:
        record = await self._repository.connection(request.user_id)
        if record is None:
            raise errors.DomainError(400, errors.AI_NOT_CONNECTED)
        try:
            api_key, resealed = self._box.open(record.key_encrypted)
        except InvalidToken:  # sealed under a secret no longer configured: the user must reconnect
            log.warning("ai.key_undecryptable", user_id=request.user_id)
            raise errors.DomainError(400, errors.AI_NOT_CONNECTED) from None
        if resealed is not None:
            await self._repository.replace_key(request.user_id, resealed)
        return AiCredentials(provider=record.provider, model=record.model, base_url=record.base_url, api_key=api_key)

    # --- caps and calls ----------------------------------------------------------------------------
    async def set_caps(self, request: AiCapsRequest) -> Budget:
        for name, value, maximum in (
            ("par requête", request.caps.per_request, MAX_CAPS.per_request),
            ("par jour", request.caps.per_day, MAX_CAPS.per_day),
            ("par mois", request.caps.per_month, MAX_CAPS.per_month),
        ):
            if value > maximum:
                raise errors.DomainError(422, errors.AI_CAP_TOO_HIGH.format(cap=name, max=_money(maximum)))
            if value < 0:
                raise errors.DomainError(422, errors.VALIDATION_FAILED)
        await self._repository.set_caps(request.user_id, request.caps)
        return await self.budget(request.user_id)

    async def budget(self, user_id: int) -> Budget:
        spend = await self._repository.spend(user_id)
        caps = await self._repository.caps(user_id)
        return Budget(caps=caps, spent_today=spend.today, spent_month=spend.month)

    async def reserve(self, request: AiReserveRequest) -> Budget:
        """Hold the call's worst case against every cap, or refuse it (nothing is reserved then)."""
        caps, spend, reserved = await self._repository.reserve(
            request.user_id, request.call_id, request.feature, request.provider, request.model, request.estimate
        )
        if not reserved:
            assert request.estimate is not None
            raise _refusal(caps, spend, request.estimate)
        return Budget(caps=caps, spent_today=spend.today, spent_month=spend.month)

    async def settle(self, request: AiSettleRequest) -> Budget:
        await self._repository.settle(
            request.user_id, request.call_id, request.cost, request.input_tokens, request.output_tokens, request.failed
        )
        budget = await self.budget(request.user_id)
        await self._alert(request.user_id, budget)
        return budget

    async def usage(self, request: AiUserRequest) -> AiUsage:
        rows = await self._repository.calls(request.user_id)
        calls = [
            AiCall(
                call_id=str(row["call_id"]),
                feature=row["feature"],
                provider=row["provider"],
                model=row["model"],
                status=row["status"],
                estimate=row["estimate"],
                cost=row["cost"],
                priced=row["priced"],
                input_tokens=row["input_tokens"],
                output_tokens=row["output_tokens"],
                created_at=iso(row["created_at"]) or "",
            )
            for row in rows
        ]
        unpriced = await self._repository.unpriced_calls(request.user_id)
        return AiUsage(budget=await self.budget(request.user_id), calls=calls, unpriced_calls=unpriced)

    async def _alert(self, user_id: int, budget: Budget) -> None:
        """Mail the 80 % and 100 % alerts of the day and the month, each once per window."""
        for window, label, spent, cap in (
            ("day", "jour", budget.spent_today, budget.caps.per_day),
            ("month", "mois", budget.spent_month, budget.caps.per_month),
        ):
            reached = [level for level in ALERT_LEVELS if cap > 0 and spent * 100 >= cap * level]
            if not reached or not await self._repository.claim_alert(user_id, window, reached[-1]):
                continue
            user = await self._users.user_by_id(user_id)
            if user is not None:
                self._mailer.post(user.email, *mails.ai_spending_alert(label, reached[-1], _money(cap), _money(spent)))


def _money(micros: int) -> str:
    value = dollars(micros) or 0.0
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


def _refusal(caps: Caps, spend: Spend, estimate: int) -> errors.DomainError:
    if estimate > caps.per_request:
        detail = errors.AI_CAP_PER_REQUEST.format(estimate=_money(estimate), cap=_money(caps.per_request))
        return errors.DomainError(400, detail)
    if spend.today + estimate > caps.per_day:
        left = max(0, caps.per_day - spend.today)
        return errors.DomainError(429, errors.AI_CAP_DAY.format(cap=_money(caps.per_day), left=_money(left)))
    left = max(0, caps.per_month - spend.month)
    return errors.DomainError(429, errors.AI_CAP_MONTH.format(cap=_money(caps.per_month), left=_money(left)))
