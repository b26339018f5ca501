"""The module table: every module outsend lists, declared once as a :class:`ModuleSpec`."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from outsend_contracts import errors
from outsend_contracts.config_schema import ConfigSchema, FieldSpec
from outsend_contracts.registry.spec import Category, Group, Lane, ModuleSpec, SourcePrerequisite, Stage
from outsend_contracts.scrape import MODE_ALIAS

# --- shared building blocks ------------------------------------------------------------------

PLACE_COLUMNS = (
    "nom", "adresse", "ville", "code_postal", "telephone", "site_web",
    "note", "nb_avis", "categorie", "lien_google_maps", "lat", "lon",
)  # fmt: skip
"""The bundle's place columns (ruling 10)."""

SOURCE_JOB_ID = FieldSpec(type="string", label="Job source", max_length=64)
WEB_PER_ITEM = MappingProxyType({"*": 0.00004})
"""Proxy-lane website reads: 10,000 items ≈ 0.4 EF."""


def _enricher(
    slug: str,
    label_fr: str,
    label_en: str,
    *,
    category: Category,
    group: Group,
    lane: Lane,
    produces: tuple[str, ...],
    needs: tuple[str, ...] = ("site_web",),
    config: ConfigSchema | None = None,
    ef_per_item: Mapping[str, float] = WEB_PER_ITEM,
    pipeline_output: str = "pois",
    pipeline_input: str = "pois_any",
    pipeline_type: str | None = None,
    drops_rows_without_needs: bool = True,
    stage: Stage = Stage.ACTIVE,
    service: str = "enrichers",
    feature_page: str | None = None,
    source_prerequisite: SourcePrerequisite | None = None,
    option_errors: Mapping[str, str] | None = None,
) -> ModuleSpec:
    return ModuleSpec(
        slug=slug,
        stage=stage,
        category=category,
        group=group,
        label_fr=label_fr,
        label_en=label_en,
        lane=lane,
        service=service,
        needs_shape="poi_list",
        produces_shape="enriched_list",
        needs=needs,
        produces=produces,
        drops_rows_without_needs=drops_rows_without_needs,
        pipelinable=True,
        pipeline_type=pipeline_type or slug,
        pipeline_input=pipeline_input,
        pipeline_output=pipeline_output,
        config_schema=config or {},
        ef_per_item=ef_per_item,
        feature_page=feature_page,
        source_prerequisite=source_prerequisite,
        option_errors=option_errors or {},
    )


def _stub(slug: str, label_fr: str, label_en: str, stage: Stage, group: Group | None) -> ModuleSpec:
    category = Category.META if stage is Stage.META else Category.ENRICHMENT
    return ModuleSpec(
        slug=slug, stage=stage, category=category, group=group, label_fr=label_fr, label_en=label_en,
        items_driven=False, reusable_output=False,
    )  # fmt: skip


# --- active modules --------------------------------------------------------------------------

_ACTIVE: tuple[ModuleSpec, ...] = (
    ModuleSpec(
        slug="scrap",
        stage=Stage.ACTIVE,
        category=Category.EXTRACTION,
        group=Group.SOURCES,
        label_fr="Scrap Google Maps",
        label_en="Scrape Google Maps",
        lane=Lane.MULTI_PROXY,
        service="scraper",
        produces_shape="poi_list",
        produces=(*PLACE_COLUMNS, "aggregator_flag", "query", "zone"),
        items_driven=False,
        pipelinable=True,
        pipeline_type="scrap",
        pipeline_output="pois",
        priced_by_estimate=True,
        resumable=True,
        needs_verified_email=True,
        option_aliases=(MODE_ALIAS,),
        refused_fields={"type": errors.JOB_TYPE_FIELD_UNSUPPORTED},
        config_schema={
            "queries": FieldSpec(type="string[]", label="Recherches", required=True, max_items=20, max_length=200),
            "zones": FieldSpec(type="string[]", label="Zones", required=True, max_items=50, max_length=200),
            "mode": FieldSpec(type="enum", label="Mode", enum=("fast", "advanced", "ultra"), default="fast"),
            "include_reviews": FieldSpec(type="bool", label="Inclure les avis", default=False),
            "extra_columns": FieldSpec(type="string[]", label="Colonnes en plus", max_items=3),
            "stop_at": FieldSpec(type="int", label="Arrêter à N lignes", minimum=1),
            "country": FieldSpec(type="string", label="Pays (ISO3)", default="FRA", max_length=3),
            "subdivision": FieldSpec(
                type="enum", label="Subdivision", enum=("density", "quadrants"), default="density"
            ),
        },
        feature_page="scraper-google-maps-gratuit-export-csv",
    ),
    ModuleSpec(
        slug="import",
        stage=Stage.ACTIVE,
        category=Category.PIPELINE,
        group=Group.SOURCES,
        label_fr="Import CSV / Sheets",
        label_en="CSV / Sheets import",
        lane=Lane.PARALLEL,
        service="enrichers",
        produces_shape="poi_list",
        produces=PLACE_COLUMNS,
        items_driven=False,
        pipelinable=True,
        pipeline_type="import",
        pipeline_output="pois",
        reads_input=False,
        config_schema={
            "source": FieldSpec(type="enum", label="Source", enum=("paste", "url", "from_job"), default="paste"),
            "text": FieldSpec(type="string", label="CSV collé", max_length=10_000_000),
            "url": FieldSpec(type="string", label="URL du tableur public", max_length=2048),
            "from_job_id": FieldSpec(type="string", label="Job à réutiliser", max_length=64),
        },
    ),
    _enricher(
        "reviews",
        "Avis Google",
        "Google reviews",
        category=Category.ENRICHMENT,
        group=Group.ENRICH,
        lane=Lane.MULTI_PROXY,
        service="scraper",
        needs=("lien_google_maps",),
        produces=("reviewer_name", "rating", "date", "review_text", "owner_replied"),
        pipeline_output="reviews",
        config={"max_reviews": FieldSpec(type="int", label="Avis par lieu", default=10, minimum=1, maximum=200)},
    ),
    _enricher(
        "emails",
        "Emails",
        "Emails",
        category=Category.ENRICHMENT,
        group=Group.ENRICH,
        lane=Lane.MULTI_PROXY,
        produces=("email", "email_personal", "fetch_error"),
        pipeline_output="pois_email",
        config={"mode": FieldSpec(type="enum", label="Mode", enum=("normal", "deep"), default="normal")},
        ef_per_item={"*": 0.00004, "normal": 0.00004, "deep": 0.00012},
        feature_page="email-finder-pro-rgpd-france",
        source_prerequisite=SourcePrerequisite(mode="deep", source_mode="normal"),
        option_errors={"mode": errors.EMAIL_MODE_INVALID},
    ),
    _enricher(
        "verify_emails",
        "Vérification emails",
        "Email verification",
        category=Category.VERIFICATION,
        group=Group.OUTREACH,
        lane=Lane.PARALLEL,
        needs=("email",),
        produces=("status", "category", "reason", "suggested_fix", "smtp_code", "catch_all"),
        pipeline_type="verify",
        pipeline_input="pois_email",
        pipeline_output="verified",
        ef_per_item={"*": 0.0},
    ),
    _enricher(
        "socials",
        "Réseaux sociaux",
        "Social profiles",
        category=Category.ENRICHMENT,
        group=Group.ENRICH,
        lane=Lane.MULTI_PROXY,
        produces=(
            "social_facebook",
            "social_instagram",
            "social_linkedin",
            "social_twitter",
            "social_tiktok",
            "social_youtube",
            "fetch_error",
        ),
    ),
    _enricher(
        "phones_extra",
        "Téléphones supplémentaires",
        "Extra phone numbers",
        category=Category.ENRICHMENT,
        group=Group.ENRICH,
        lane=Lane.MULTI_PROXY,
        produces=("phone_secondary", "mobile", "fax", "fetch_error"),
    ),
    _enricher(
        "legal_ids",
        "SIREN / SIRET",
        "SIREN / SIRET",
        category=Category.ENRICHMENT,
        group=Group.ENRICH,
        lane=Lane.MULTI_PROXY,
        produces=("siren", "siret", "legal_ids_source_url", "fetch_error"),
    ),
    _enricher(
        "legal_mentions",
        "Mentions légales",
        "Legal notice",
        category=Category.ENRICHMENT,
        group=Group.ENRICH,
        lane=Lane.MULTI_PROXY,
        produces=(
            "raison_sociale",
            "forme_juridique",
            "capital_social",
            "rcs",
            "adresse_postale",
            "dirigeant",
            "directeur_publication",
            "hebergeur",
            "tva_intracom",
            "mentions_legales_url",
            "fetch_error",
        ),
    ),
    _enricher(
        "legal_data",
        "Données légales (SIRENE)",
        "Company data (SIRENE)",
        category=Category.ENRICHMENT,
        group=Group.ENRICH,
        lane=Lane.PARALLEL,
        needs=("nom",),
        produces=(
            "siren",
            "siret",
            "raison_sociale",
            "forme_juridique",
            "code_naf",
            "tranche_effectif",
            "date_creation",
            "dirigeants",
            "bodacc_procedure_collective",
            "legal_match",
        ),
        ef_per_item={"*": 0.0},
    ),
    _enricher(
        "phone_info",
        "Infos téléphone",
        "Phone info",
        category=Category.ENRICHMENT,
        group=Group.ENRICH,
        lane=Lane.PARALLEL,
        needs=("telephone",),
        produces=(
            "phone_e164",
            "phone_national",
            "phone_country",
            "phone_line_type",
            "phone_region",
            "phone_carrier_original",
            "phone_operator_siret",
            "phone_operator_rcs",
            "phone_operator_address",
            "phone_operator_registered_since",
            "phone_carrier_current",
            "phone_reachable",
        ),
        config={
            "live_mode": FieldSpec(
                type="enum", label="Portabilité", enum=("cache_only", "with_live"), default="cache_only"
            )
        },
        ef_per_item={"*": 0.0},
    ),
    _enricher(
        "pricing",
        "Tarifs",
        "Pricing",
        category=Category.INTELLIGENCE,
        group=Group.SIGNALS,
        lane=Lane.MULTI_PROXY,
        produces=("price_amount", "price_currency", "price_period", "price_confidence"),
    ),
    _enricher(
        "techstack",
        "Stack technique",
        "Tech stack",
        category=Category.INTELLIGENCE,
        group=Group.SIGNALS,
        lane=Lane.MULTI_PROXY,
        produces=("tech_cms", "tech_frameworks", "tech_analytics", "tech_ecommerce", "tech_payment", "tech_all"),
    ),
    _enricher(
        "pagespeed",
        "PageSpeed",
        "PageSpeed",
        category=Category.INTELLIGENCE,
        group=Group.SIGNALS,
        lane=Lane.PARALLEL,
        produces=(
            "perf_score_mobile",
            "perf_score_desktop",
            "lcp_ms",
            "cls",
            "accessibility_score",
            "seo_score",
            "best_practices_score",
            "fcp_ms",
            "tbt_ms",
            "inp_ms",
            "suggestions",
        ),
        drops_rows_without_needs=False,
        ef_per_item={"*": 0.0},
    ),
    _enricher(
        "ads_intelligence",
        "Profil publicitaire",
        "Ads profile",
        category=Category.INTELLIGENCE,
        group=Group.SIGNALS,
        lane=Lane.PARALLEL,
        produces=(
            "ads_active",
            "ads_score",
            "ads_networks",
            "pixel_meta",
            "pixel_google_ads",
            "cmp_vendor",
            "retargeting",
            "crm_marketing",
            "chat_widgets",
        ),
        ef_per_item={"*": 0.00002},
    ),
    _enricher(
        "brand_assets",
        "Identité de marque",
        "Brand assets",
        category=Category.ENRICHMENT,
        group=Group.ENRICH,
        lane=Lane.PARALLEL,
        produces=(
            "logo_url",
            "logo_local_url",
            "logo_source",
            "logo_variants_local_urls",
            "favicon_url",
            "favicon_local_url",
            "brand_color",
            "brand_color_source",
            "brand_palette",
            "screenshot_local_url",
        ),
        config={"capture_screenshot": FieldSpec(type="bool", label="Capture d'écran", default=False)},
        ef_per_item={"*": 0.00002},
    ),
    _enricher(
        "dead_check",
        "Établissement fermé ?",
        "Closed check",
        category=Category.VERIFICATION,
        group=Group.SIGNALS,
        lane=Lane.MULTI_PROXY,
        produces=("site_alive",),
    ),
    ModuleSpec(
        slug="delivery_check",
        stage=Stage.ACTIVE,
        category=Category.VERIFICATION,
        group=Group.OUTREACH,
        label_fr="Placement en boîte de réception",
        label_en="Inbox placement",
        lane=Lane.PARALLEL,
        service="enrichers",
        produces=("seed_email", "seed_kind", "status", "placement", "subject", "received_relative"),
        items_driven=False,
        reusable_output=False,
        config_schema={
            "domain": FieldSpec(type="string", label="Domaine d'envoi", required=True, max_length=253),
            "subject_filter": FieldSpec(type="string", label="Filtre sur l'objet", max_length=120),
        },
    ),
    ModuleSpec(
        slug="viewport_test",
        stage=Stage.ACTIVE,
        category=Category.INTELLIGENCE,
        group=Group.SIGNALS,
        label_fr="Test d'affichage mobile",
        label_en="Viewport test",
        lane=Lane.PARALLEL,
        service="enrichers",
        needs_shape="poi_list",
        needs=("site_web",),
        produces=("viewport_ok", "viewport_issues", "screenshot_mobile_url"),
        reusable_output=False,
    ),
    ModuleSpec(
        slug="filter",
        stage=Stage.ACTIVE,
        category=Category.PIPELINE,
        group=Group.TOOLS,
        label_fr="Filtre",
        label_en="Filter",
        lane=Lane.PARALLEL,
        service="enrichers",
        needs_shape="csv_rows",
        produces_shape="csv_rows",
        pipelinable=True,
        pipeline_type="filter",
        pipeline_input="any_pois",
        pipeline_output="passthrough",
        config_schema={
            "require_phone": FieldSpec(type="bool", label="Téléphone obligatoire", default=False),
            "require_site": FieldSpec(type="bool", label="Site web obligatoire", default=False),
            "require_email": FieldSpec(type="bool", label="Email obligatoire", default=False),
            "exclude_aggregators": FieldSpec(type="bool", label="Exclure les annuaires", default=False),
            "alive_only": FieldSpec(type="bool", label="Établissements ouverts seulement", default=False),
            "has_personal_email": FieldSpec(type="bool", label="Email personnel", default=False),
            "rating_min": FieldSpec(type="float", label="Note minimale", minimum=0, maximum=5),
            "reviews_min": FieldSpec(type="int", label="Avis minimum", minimum=0),
            "phone_prefix": FieldSpec(type="object", label="Préfixes de téléphone"),
            "email_domain": FieldSpec(type="object", label="Domaines d'email"),
            "category": FieldSpec(type="object", label="Catégories"),
            "dedup_column": FieldSpec(type="string", label="Dédoublonner sur", max_length=200),
            "sample_type": FieldSpec(type="enum", label="Échantillon", enum=("", "n", "pct"), default=""),
            "sample_n": FieldSpec(type="int", label="Taille de l'échantillon", minimum=1),
            "sample_pct": FieldSpec(type="float", label="Pourcentage", minimum=0, maximum=100),
            "sample_seed": FieldSpec(type="int", label="Graine"),
            "rules": FieldSpec(type="object", label="Règles {logic, conditions}"),
        },
    ),
    ModuleSpec(
        slug="sort",
        stage=Stage.ACTIVE,
        category=Category.PIPELINE,
        group=Group.TOOLS,
        label_fr="Tri",
        label_en="Sort",
        lane=Lane.PARALLEL,
        service="enrichers",
        needs_shape="csv_rows",
        produces_shape="csv_rows",
        pipelinable=True,
        pipeline_type="sort",
        pipeline_input="any_pois",
        pipeline_output="passthrough",
        config_schema={
            "sort_by": FieldSpec(type="string", label="Trier par", default="completeness", max_length=200),
            "direction": FieldSpec(type="enum", label="Sens", enum=("asc", "desc"), default="desc"),
            "top_n": FieldSpec(type="int", label="Garder les N premiers", minimum=1, nullable=True),
        },
    ),
    _enricher(
        "finance",
        "Finances",
        "Financials",
        category=Category.INTELLIGENCE,
        group=Group.SIGNALS,
        lane=Lane.PARALLEL,
        stage=Stage.ALPHA_UNAVAILABLE,
        needs=("nom",),
        produces=("ca_3ans", "resultat_net", "capitaux_propres", "ratio_solvabilite", "score_risque"),
        ef_per_item={"*": 0.0},
    ),
)

_ON_DEMAND = (
    _stub("email_campaign", "Campagne email", "Email campaign", Stage.ON_DEMAND, Group.OUTREACH),
    _stub("phone_carrier", "Opérateur téléphonique (live)", "Phone carrier (live)", Stage.ON_DEMAND, Group.ENRICH),
    _stub("sms_campaign", "Campagne SMS", "SMS campaign", Stage.ON_DEMAND, Group.OUTREACH),
    _stub("whatsapp_campaign", "Campagne WhatsApp", "WhatsApp campaign", Stage.ON_DEMAND, Group.OUTREACH),
)

_META = (
    _stub("pipeline", "Pipeline", "Pipeline", Stage.META, None),
    _stub("veille", "Veille", "Monitoring", Stage.META, None),
)

_COMING_SOON_LABELS = {
    "ai_personalization": ("Personnalisation IA", "AI personalization"),
    "ai_team_members": ("Équipe IA", "AI team members"),
    "bing_places": ("Bing Places", "Bing Places"),
    "campaign": ("Campagnes", "Campaigns"),
    "chrome_extension": ("Extension Chrome", "Chrome extension"),
    "crm": ("CRM", "CRM"),
    "directories": ("Annuaires", "Directories"),
    "email_warmup": ("Chauffe d'email", "Email warm-up"),
    "funding": ("Levées de fonds", "Funding"),
    "hiring": ("Recrutements", "Hiring"),
    "integrations": ("Intégrations", "Integrations"),
    "job_changes": ("Changements de poste", "Job changes"),
    "linkedin": ("LinkedIn", "LinkedIn"),
    "mobile_phones": ("Téléphones mobiles", "Mobile phones"),
    "multichannel": ("Multicanal", "Multichannel"),
    "natural_filter": ("Filtre en langage naturel", "Natural-language filter"),
    "pagesjaunes": ("PagesJaunes", "PagesJaunes"),
    "press_monitoring": ("Veille presse", "Press monitoring"),
    "public_api": ("API publique", "Public API"),
    "review_patterns": ("Tendances d'avis", "Review patterns"),
    "seo_data": ("Données SEO", "SEO data"),
    "tech_adoption": ("Adoption technologique", "Tech adoption"),
    "tracking": ("Suivi d'ouverture", "Tracking"),
    "whatsapp": ("WhatsApp", "WhatsApp"),
    "yelp_tripadvisor": ("Yelp / Tripadvisor", "Yelp / Tripadvisor"),
}
_COMING_SOON = tuple(_stub(slug, fr, en, Stage.COMING_SOON, None) for slug, (fr, en) in _COMING_SOON_LABELS.items())

REGISTRY: Mapping[str, ModuleSpec] = MappingProxyType(
    {spec.slug: spec for spec in (*_ACTIVE, *_ON_DEMAND, *_META, *_COMING_SOON)}
)

LEGACY_FEATURE_IDS = ("company", "monitoring", "pagespeed")
"""Feature ids kept so that historic interest votes stay valid."""


def by_endpoint_slug(endpoint_slug: str) -> ModuleSpec | None:
    """Find a module from the ``{type}`` of ``POST /api/jobs/{type}`` (hyphens or underscores)."""
    return REGISTRY.get(endpoint_slug.replace("-", "_"))


def modules_in(stage: Stage) -> list[ModuleSpec]:
    return sorted((spec for spec in REGISTRY.values() if spec.stage is stage), key=lambda spec: spec.slug)


def launchable(spec: ModuleSpec) -> bool:
    return spec.stage is Stage.ACTIVE and spec.service is not None


def modules_of_service(service: str) -> list[ModuleSpec]:
    return [spec for spec in REGISTRY.values() if spec.service == service and spec.stage is Stage.ACTIVE]


def feature_vote_ids() -> tuple[str, ...]:
    return (*(spec.slug for spec in modules_in(Stage.COMING_SOON)), *LEGACY_FEATURE_IDS)
