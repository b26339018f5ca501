"""What a module is: its stage, lane, columns, options and pricing rules (:class:`ModuleSpec`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import msgspec

from outsend_contracts.config_schema import ConfigSchema


class Stage(StrEnum):
    ACTIVE = "active"
    ON_DEMAND = "on_demand"
    COMING_SOON = "coming_soon"
    ALPHA_UNAVAILABLE = "alpha_unavailable"
    META = "meta"


class Lane(StrEnum):
    MULTI_PROXY = "multi_proxy"
    """Shares the outbound proxy pool: one job at a time platform-wide."""
    PARALLEL = "parallel"
    """Direct HTTP or local work: up to six jobs at once platform-wide."""


LANE_CAPACITY: Mapping[str, int] = MappingProxyType({Lane.MULTI_PROXY: 1, Lane.PARALLEL: 6})
"""Jobs a lane runs at once platform-wide: jobs admission starts no more, and a worker's lane
consumer holds no more work orders in flight."""


class Category(StrEnum):
    EXTRACTION = "extraction"
    ENRICHMENT = "enrichment"
    INTELLIGENCE = "intelligence"
    VERIFICATION = "verification"
    PIPELINE = "pipeline"
    META = "meta"


class Group(StrEnum):
    """The UI buckets of the registry API page."""

    SOURCES = "sources"
    ENRICH = "enrich"
    SIGNALS = "signals"
    OUTREACH = "outreach"
    TOOLS = "tools"


class SourcePrerequisite(msgspec.Struct, frozen=True, kw_only=True):
    """A mode that only runs on a finished run of the same module in another mode (a deep
    e-mail search works on the sites a normal one already read)."""

    mode: str
    source_mode: str

    def applies(self, params: Mapping[str, object]) -> bool:
        return params.get("mode") == self.mode

    def met_by(self, slug: str, source_type: str, source_params: Mapping[str, object]) -> bool:
        return source_type == slug and source_params.get("mode") == self.source_mode


class InputSource(msgspec.Struct, frozen=True):
    """One value of a :class:`SourceChoice`: the option it requires, and what that option is."""

    option: str
    inline: bool = False
    """The option carries the input itself (pasted text): it becomes the job's input object and
    leaves the job's options, so that commands and events stay free of the rows people paste."""
    names_job: bool = False
    """The option names a finished job of the same user, whose result is the input."""
    url: bool = False
    """The option is an http(s) address the worker downloads."""


class SourceChoice(msgspec.Struct, frozen=True, kw_only=True):
    """A module that builds its own table from one of several sources, chosen by one option
    (an import reads pasted text, a public sheet's URL or another job's result)."""

    option: str
    default: str
    sources: Mapping[str, InputSource]
    inline_suffix: str = ".csv"
    """How the name of the input object made from inline text ends."""

    def chosen(self, options: Mapping[str, object]) -> InputSource:
        value = options.get(self.option) or self.default
        return self.sources[value if isinstance(value, str) else self.default]

    def inline_option(self, options: Mapping[str, object]) -> str | None:
        """The option whose value is the input itself, if the chosen source is inline."""
        source = self.chosen(options)
        return source.option if source.inline else None

    def source_job(self, options: Mapping[str, object]) -> str | None:
        """The job whose result is the input, if the chosen source names one."""
        source = self.chosen(options)
        value = options.get(source.option)
        return str(value) if source.names_job and value else None


OptionsReader = Callable[[ConfigSchema, Mapping[str, Any]], dict[str, Any]]
"""Checks and coerces a module's options against its schema; raises ``ConfigFieldError``."""


class ModuleSpec(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    stage: Stage
    category: Category
    group: Group | None
    label_fr: str
    label_en: str
    lane: Lane | None = None
    service: str | None = None
    """Worker service that runs it (``scraper`` or ``enrichers``); ``None`` for stubs."""
    needs_shape: str | None = None
    produces_shape: str | None = None
    needs: tuple[str, ...] = ()
    """Canonical columns a row must have (matched through the alias table)."""
    produces: tuple[str, ...] = ()
    """Canonical columns the module appends (its own columns)."""
    drops_rows_without_needs: bool = True
    items_driven: bool = True
    pipelinable: bool = False
    pipeline_type: str | None = None
    pipeline_input: str | None = None
    pipeline_output: str | None = None
    reusable_output: bool = True
    config_schema: ConfigSchema = msgspec.field(default_factory=dict)
    ef_per_item: Mapping[str, float] = msgspec.field(default_factory=lambda: {"*": 0.0})
    """EF charged per item, keyed by the value of the ``mode`` option (``*`` otherwise)."""
    feature_page: str | None = None
    deprecated_at: str | None = None
    reads_input: bool = True
    """Whether a run reads an input table (an import builds its own from the source it names)."""
    estimate_subject: str | None = None
    """The RPC that prices a run of the module from its options (an :class:`~outsend_contracts.
    scrape.EstimateQuery` answered by an :class:`~outsend_contracts.scrape.Estimate`). When set,
    the jobs service charges the estimate's EF and point count rather than :meth:`ef_cost` per
    item, and refuses the job with the estimate's first error."""
    resumable: bool = False
    """A cancelled or failed run can be resumed where it stopped."""
    needs_verified_email: bool = False
    """Launching it needs a verified e-mail address (the proxy lane is the costly one)."""
    source_prerequisite: SourcePrerequisite | None = None
    option_aliases: tuple[str, ...] = ()
    """Request fields read as another name of an option (a scrap's ``scrap_mode``)."""
    refused_fields: Mapping[str, str] = msgspec.field(default_factory=dict)
    """Request fields refused with their own French message rather than as unknown."""
    option_errors: Mapping[str, str] = msgspec.field(default_factory=dict)
    """The 400 message of an invalid option, formatted with the value given under its name."""
    options_reader: OptionsReader | None = None
    """How the options are read when the schema alone does not say it (aliases, rule grammars);
    ``None``: :func:`~outsend_contracts.config_schema.coerce_config` on the schema."""
    source_choice: SourceChoice | None = None
    """Where a module that reads no input table takes its rows from."""
    preview_subject: str | None = None
    """The RPC that shows, in a pipeline, what the node would keep of its predecessor's rows."""
    pipeline_weight: float | None = None
    """How long a pipeline stage of this module takes, relative to others (its category's weight
    when ``None``): the pipeline's progress weighs stages by it."""
    public_email_mode: bool = False
    """A job's public state shows its ``mode`` option as ``email_mode``."""

    @property
    def endpoint_slug(self) -> str:
        """Typed endpoints use hyphens, slugs underscores (ruling 3)."""
        return self.slug.replace("_", "-")

    @property
    def api_endpoint(self) -> str | None:
        if self.stage in (Stage.ACTIVE, Stage.ALPHA_UNAVAILABLE):
            return f"/api/jobs/{self.endpoint_slug}"
        return None

    @property
    def is_passthrough(self) -> bool:
        return self.pipeline_output == "passthrough"

    def ef_cost(self, items: int, config: Mapping[str, object]) -> float:
        mode = config.get("mode")
        rate = self.ef_per_item.get(mode if isinstance(mode, str) else "*", self.ef_per_item.get("*", 0.0))
        return round(items * rate, 6)


MAX_ITEMS = 10_000
MAX_EF_PER_JOB = 1.0
