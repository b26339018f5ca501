"""What a module is: one class that declares itself and does the work of a row, a table or a source.

A worker service lists one instance of each of its module classes (``MODULES`` in its
``modules/__init__.py``) and hands them to :func:`outsend_runner.worker.serve_modules` with the
service-wide resources they read (the HTTP fetcher, the Maps browser …): a module is built
without arguments and finds those resources in :attr:`JobContext.resources`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from outsend_contracts.registry import REGISTRY, ModuleSpec
from outsend_platform.objects import ObjectStorage
from outsend_runner.journal import JobJournal
from outsend_runner.table import Table

R = TypeVar("R")


class JobFailure(Exception):
    """The job cannot succeed; the message (French) becomes its ``error_message``."""


class RowError(Exception):
    """A row that could not be processed; its message is counted and logged, the job goes on.

    ``columns`` are kept on the row (say, a ``fetch_error`` that tells why this row has nothing).
    """

    def __init__(self, message: str, columns: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.columns = dict(columns or {})


class UnitError(RowError):
    """A source unit that could not be done after ``attempts`` tries (counted as flagged)."""

    def __init__(self, message: str, attempts: int = 1) -> None:
        super().__init__(message)
        self.attempts = attempts


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

    def resource(self, name: str, kind: type[R]) -> R:
        """The resource ``name`` the worker handed over (one the module declares in ``uses``)."""
        value = self.resources[name]
        if not isinstance(value, kind):
            raise TypeError(f"resource {name!r} is a {type(value).__name__}, not a {kind.__name__}")
        return value

    def note(self, message: str) -> None:
        """Something the user should know about how their input was read (the job's ``notice``)."""
        self.notices.append(message)

    async def log(self, message: str, level: str = "info") -> None:
        await self.journal.log(message, level)


class Module(ABC):
    slug: ClassVar[str]
    """The module's registry entry (``outsend_contracts.registry.modules``): lane, needs, produces …"""
    uses: ClassVar[frozenset[str]] = frozenset()
    """The resources (keys of :attr:`JobContext.resources`) this module reads: a worker that does
    not hand them all over refuses to start instead of failing its first job."""

    @property
    def spec(self) -> ModuleSpec:
        return REGISTRY[self.slug]


class RowModule(Module):
    """Per-row work. The runner batches rows, runs up to ``rows_at_once`` at once, checkpoints."""

    concurrency: int = 16
    """A default: a worker may give its instance another (the browser modules: one per page)."""

    def rows_at_once(self, context: JobContext) -> int:
        """How many rows of this job run at once (``concurrency`` unless a job's options change it)."""
        return self.concurrency

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


@dataclass(frozen=True)
class Unit:
    """One resumable piece of a source's work (a map tile for one query …)."""

    key: str
    """Unique within the job; a unit already processed is never processed again."""
    data: dict[str, Any]
    parent: str | None = None


@dataclass
class UnitResult:
    """What exploring a unit found: candidate rows (deduplicated by :meth:`SourceModule.row_key`)."""

    rows: list[dict[str, Any]]
    attempts: int = 1
    facts: dict[str, Any] = field(default_factory=dict)
    """Module statistics kept with the unit (saturation, query, zone …)."""


class SourceModule(Module):
    """A source whose resumable units are not input rows: it plans units, explores each one, and
    may add follow-up units from what a unit found (a saturated tile is subdivided).

    The runner checkpoints every unit with its rows in one transaction, deduplicates rows by
    :meth:`row_key`, resumes a redelivered job where it stopped, lets a resume job inherit the
    processed units and rows of an interrupted one, and honours ``stop_at``.
    """

    concurrency: int = 2
    """A default: a worker may give its instance another (the browser modules: one per page)."""

    async def open(self, context: JobContext) -> None:
        """Prepare for a job (the default needs nothing)."""

    async def close(self, context: JobContext) -> None:
        """Release what ``open`` took."""

    def units_at_once(self, context: JobContext) -> int:
        """How many units of this job are explored at once (``concurrency`` unless a resource says)."""
        return self.concurrency

    @abstractmethod
    async def plan(self, context: JobContext) -> list[Unit]:
        """The units known before anything is explored; raise :class:`JobFailure` if none can run."""

    tallied: ClassVar[tuple[str, ...]] = ()
    """Row columns whose values the runner counts over unique rows (for :meth:`statistics`)."""

    @abstractmethod
    async def explore(self, unit: Unit, context: JobContext, known: Set[str]) -> UnitResult:
        """Do one unit's work; ``known`` holds the row keys found so far. Raise :class:`UnitError`
        when the unit cannot be done (it is counted as flagged and the job goes on)."""

    @abstractmethod
    def row_key(self, row: Mapping[str, Any]) -> str:
        """The identity of a row: two units finding the same key produce one row."""

    @abstractmethod
    def columns(self, context: JobContext) -> list[str]:
        """The result file's columns, in order."""

    def follow_ups(self, unit: Unit, result: UnitResult, new_rows: int, context: JobContext) -> list[Unit]:
        """Units to add after ``unit`` found ``new_rows`` rows nobody had found before (pure)."""
        return []

    def statistics(
        self, outcomes: Iterable[UnitOutcome], tallies: Mapping[str, Counter[str]], context: JobContext
    ) -> dict[str, Any]:
        """The job's public statistics (``query_stats``, ``breakdown`` …) from every unit's outcome
        and the per-value counts of the :attr:`tallied` columns over unique rows."""
        return {}


@dataclass(frozen=True)
class UnitOutcome:
    """A processed unit as the checkpoints keep it."""

    key: str
    data: dict[str, Any]
    found: int
    new_rows: int
    attempts: int
    flagged: bool
    facts: dict[str, Any]
