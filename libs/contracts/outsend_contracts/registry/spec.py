"""What a module is: its stage, lane, columns, options and pricing rules (:class:`ModuleSpec`)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

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
    priced_by_estimate: bool = False
    """The EF charge (and point count) comes from the module's own estimate, sent with the
    create command, rather than from :meth:`ef_cost` per item."""
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
