"""Deciding on an event-sourced aggregate and recording the decision, safely against concurrent writers.

One writer for every aggregate (jobs, pipelines, and what comes next): a decision is taken on
the aggregate's current state and its event appended conditionally on the version it was
decided on (`EventStore.append(expected_version=...)`). When another writer won the race, the
state is read again and the decision taken again, up to `MAX_DECISION_ATTEMPTS` times.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final, Generic, Protocol, TypeVar

from outsend_contracts import errors
from outsend_contracts.codec import AggregateCodec
from outsend_platform.eventstore import ConcurrencyError, EventStore

MAX_DECISION_ATTEMPTS: Final = 32
"""How often a decision is re-taken after losing a race. The worst case is the branches of a
pipeline fan-out finishing together, each advancing the same pipeline; 32 covers it with margin,
and a writer that still loses is told so (`DecisionConflictError`) rather than retrying forever."""


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


class Folding(Versioned, Protocol):
    def apply(self, event: Any, seq: int) -> None: ...


S = TypeVar("S", bound=Versioned)
F = TypeVar("F", bound=Folding)
E = TypeVar("E")


class DecisionConflictError(Exception):
    """Every attempt lost the race: the aggregate changes faster than decisions can be taken."""


@dataclass(frozen=True)
class Decided(Generic[S, E]):
    state: S
    """The state the decision was taken on (the appended event is not applied to it)."""
    event: E | None
    """The event appended, ``None`` when the decision was to do nothing."""
    seq: int
    """The aggregate's version after the decision."""


class AggregateWriter(Generic[S, E]):
    """Appends the events decisions return, against the version they were decided on.

    ``load`` reads the aggregate's current state (a read model or a fold of its events);
    ``settle``, when given, waits until that state includes a stream sequence (a projection
    catching up), so a decision re-taken after a conflict sees the event that won.
    """

    def __init__(
        self,
        store: EventStore,
        codec: AggregateCodec[E],
        load: Callable[[str], Awaitable[S | None]],
        settle: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        self._store = store
        self._codec = codec
        self._load = load
        self._settle = settle

    async def create(self, aggregate_id: str, event: E) -> int:
        """Append an aggregate's first event; creating the same id twice keeps the first one."""
        stream = self._codec.stream(aggregate_id)
        try:
            seq = await self._store.append(
                self._codec.subject(aggregate_id, self._codec.name(event)),
                self._codec.encode(event),
                aggregate=stream,
                expected_version=0,
            )
        except ConcurrencyError:
            seq = await self._store.version(stream)
        await self._settled(seq)
        return seq

    async def decide(self, aggregate_id: str, decision: Callable[[S], E | None]) -> Decided[S, E] | None:
        """Apply ``decision`` to the current state and append the event it returns, if any.

        Returns ``None`` when the aggregate does not exist.
        """
        stream = self._codec.stream(aggregate_id)
        for _ in range(MAX_DECISION_ATTEMPTS):
            state = await self._load(aggregate_id)
            if state is None:
                return None
            event = decision(state)
            if event is None:
                return Decided(state, None, state.version)
            try:
                seq = await self._store.append(
                    self._codec.subject(aggregate_id, self._codec.name(event)),
                    self._codec.encode(event),
                    aggregate=stream,
                    expected_version=state.version,
                )
            except ConcurrencyError:
                await self._settled(await self._store.version(stream))
                continue
            await self._settled(seq)
            return Decided(state, event, seq)
        raise DecisionConflictError(aggregate_id)

    async def decide_applied(
        self: AggregateWriter[F, E], aggregate_id: str, decision: Callable[[F], E | None], *, not_found: str
    ) -> tuple[F, E | None]:
        """``decide``, with the appended event folded into the state, for a service answering a user.

        A missing aggregate answers 404 with ``not_found``; a decision that keeps losing answers 503.
        """
        try:
            decided = await self.decide(aggregate_id, decision)
        except DecisionConflictError as error:
            raise errors.DomainError(503, errors.SERVICE_UNAVAILABLE) from error
        if decided is None:
            raise errors.DomainError(404, not_found)
        if decided.event is not None:
            decided.state.apply(decided.event, decided.seq)
        return decided.state, decided.event

    async def _settled(self, seq: int) -> None:
        if self._settle is not None:
            await self._settle(seq)
