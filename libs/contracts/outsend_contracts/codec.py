"""How one kind of event-sourced aggregate spells its events on the stream (no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

E = TypeVar("E")


@dataclass(frozen=True)
class AggregateCodec(Generic[E]):
    stream: Callable[[str], str]
    """The aggregate's subject filter from its id (``evt.job.<id>.>``)."""
    subject: Callable[[str, str], str]
    """The subject of one event from the aggregate id and the event name."""
    name: Callable[[E], str]
    encode: Callable[[E], bytes]
    decode: Callable[[bytes], E]
    aggregate_id: Callable[[str], str]
    """The aggregate id from the subject of one of its events."""
    every: str
    """The subject filter of every event of every aggregate of this kind (``evt.job.>``)."""
