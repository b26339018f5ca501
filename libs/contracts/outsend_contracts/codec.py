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
