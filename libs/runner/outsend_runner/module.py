"""What a module is: one class that declares itself and does the work of a row or a table."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from outsend_contracts.registry import REGISTRY, ModuleSpec
from outsend_runner.journal import JobJournal
from outsend_runner.table import Table
from outsend_platform.objects import ObjectStorage


class JobFailure(Exception):
    """The job cannot succeed; the message (French) becomes its ``error_message``."""


class RowError(Exception):
    """A row that could not be processed; its message is counted and logged, the job goes on.

    ``columns`` are kept on the row (say, a ``fetch_error`` that tells why this row has nothing).
    """

    def __init__(self, message: str, columns: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.columns = dict(columns or {})


@dataclass
class JobContext:
    """What a module may use while running one job."""

    job_id: str
    job_type: str
    user_id: int
    options: Mapping[str, Any]
    journal: JobJournal
    objects: ObjectStorage
    input_object: str | None
    source_job_id: str | None
    notices: list[str] = field(default_factory=list)
    resources: dict[str, Any] = field(default_factory=dict)
    """Service-wide helpers a worker service hands to its modules (HTTP client, browser …)."""

    def note(self, message: str) -> None:
        """Something the user should know about how their input was read (the job's ``notice``)."""
        self.notices.append(message)

    async def log(self, message: str, level: str = "info") -> None:
        await self.journal.log(message, level)


class Module(ABC):
    slug: ClassVar[str]

    @property
    def spec(self) -> ModuleSpec:
        return REGISTRY[self.slug]


class RowModule(Module):
    """Per-row work. The runner batches rows, runs up to ``concurrency`` at once, checkpoints."""

    concurrency: ClassVar[int] = 16

    async def open(self, context: JobContext) -> None:
        """Prepare for a job (the default needs nothing)."""

    async def close(self, context: JobContext) -> None:
        """Release what ``open`` took."""

    @abstractmethod
    async def process(self, table: Table, row: dict[str, str], context: JobContext) -> list[dict[str, Any]]:
        """Return the produced columns for this row: one dict per output row (usually one).

        Raise :class:`RowError` for a row that fails; the row is kept with the error's columns.
        """

    def counts_as_result(self, produced: Mapping[str, str]) -> bool:
        """Whether an output row counts in ``results_count`` (e.g. only rows where an email was found)."""
        return True


class TableModule(Module):
    """Whole-table work (import, filter, sort): the input is small and the work global."""

    @abstractmethod
    async def transform(self, table: Table | None, context: JobContext) -> Table:
        """Return the output table; ``table`` is ``None`` for sources (``import``)."""
