"""Every user-facing error message, in French as the documentation writes them.

Services raise :class:`DomainError` with one of these; the gateway turns it into
``{"detail": ...}`` with its status code.
"""

from __future__ import annotations

from typing import Any, Final

from outsend_contracts.auth import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH


class DomainError(Exception):
    """A refusal the user should see: an HTTP status and a French ``detail``."""

    def __init__(self, status: int, detail: Any, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


# --- generic -------------------------------------------------------------------------------------
NOT_AUTHENTICATED: Final = "Non authentifié"
FORBIDDEN: Final = "Accès refusé"
ACCOUNT_INACTIVE: Final = "Compte désactivé"
EMAIL_NOT_VERIFIED: Final = "Adresse email non vérifiée : confirme-la avant de lancer un job"
MALFORMED_JSON: Final = "Requête invalide : JSON mal formé"
BODY_TOO_LARGE: Final = "Requête trop volumineuse (max {max_mb} Mo)"
VALIDATION_FAILED: Final = "Requête invalide"
SERVICE_UNAVAILABLE: Final = "Service temporairement indisponible, réessaie dans un instant"
RATE_LIMITED: Final = "Trop de tentatives. Réessaie dans {seconds} secondes."
CROSS_ORIGIN_WRITE: Final = "Requête refusée : elle ne vient pas d'une page d'outsend (origine {origin})"
TOO_MANY_STREAMS: Final = "Trop de flux d'événements ouverts (max {max_streams}) : ferme un onglet de suivi et réessaie"

# --- auth ----------------------------------------------------------------------------------------
CAPTCHA_INVALID: Final = "Captcha invalide. Réessaie."
INVITATION_INVALID: Final = "Code invitation invalide"
EMAIL_EXISTS: Final = "Email existe déjà"
BAD_CREDENTIALS: Final = "Email ou mot de passe incorrect"
RESET_LINK_INVALID: Final = "Lien invalide ou expiré"
CURRENT_PASSWORD_WRONG: Final = "Mot de passe actuel incorrect"
NEW_PASSWORD_SAME: Final = "Le nouveau mot de passe doit être différent de l'actuel"
VERIFY_LINK_INVALID: Final = "Lien de vérification invalide ou expiré"
DELETE_CONFIRMATION_WRONG: Final = "Confirmation email incorrecte"
RESPONSIBILITY_REQUIRED: Final = "Tu dois accepter la charte d'utilisation"
PASSWORD_RULES: Final = (
    f"Le mot de passe doit faire {PASSWORD_MIN_LENGTH} à {PASSWORD_MAX_LENGTH} caractères "
    "et contenir une lettre et un chiffre ou symbole"
)
API_KEY_INVALID: Final = "Clé API invalide ou révoquée"
API_KEY_NOT_FOUND: Final = "Clé API introuvable"
API_KEY_LIMIT: Final = "Maximum {max} clés API actives par compte : révoque une clé avant d'en créer une autre"
API_KEY_NOT_ALLOWED: Final = "Une clé API ne peut pas faire cette action : connecte-toi avec ton mot de passe"

# --- admin ---------------------------------------------------------------------------------------
USER_NOT_FOUND: Final = "Utilisateur introuvable"
CANNOT_DEACTIVATE_SELF: Final = "Tu ne peux pas désactiver ton propre compte"
INVITATION_EXISTS: Final = "Ce code invitation existe déjà"
INVITATION_NOT_FOUND: Final = "Code invitation introuvable"
INVITATION_FROM_CONFIG: Final = "Ce code vient de la configuration (OUTSEND_INVITE_CODES) : retire-le de là"
INVITATION_EXPIRY_PAST: Final = "La date d'expiration doit être dans le futur"

# --- feedback and registry votes -----------------------------------------------------------------
FEEDBACK_TYPE_INVALID: Final = "Type invalide : {type} (attendu : bug | feature | other)"
THREAD_NOT_FOUND: Final = "Conversation introuvable"
THREAD_CLOSED: Final = "Cette conversation est fermée : ouvre-en une nouvelle"
FEATURE_UNKNOWN: Final = "Fonctionnalité inconnue : {feature_id}"

# --- jobs ----------------------------------------------------------------------------------------
JOB_NOT_FOUND: Final = "Job introuvable"
UNKNOWN_MODULE: Final = "Module inconnu : {slug}"
MODULE_NOT_LAUNCHABLE: Final = "Le module « {slug} » ne se lance pas comme un job ({stage})"
MODULE_NO_WORKER: Final = "Le module « {slug} » n'est pas encore disponible : aucun worker ne l'exécute pour le moment"
MODULE_ALPHA_FROZEN: Final = "Le module « {slug} » est indisponible pendant l'alpha"
MODULE_NEEDS_ITEMS: Final = "Ce module attend des « items » ou un « source_job_id »"
NO_SITE_WEB: Final = "Aucun établissement avec site web"
NO_REQUIRED_COLUMN: Final = "Aucune ligne ne contient la colonne « {column} » (noms acceptés : {aliases})"
EMAIL_MODE_INVALID: Final = "Mode email invalide : {mode} (attendu: normal | deep)"
DEEP_REQUIRES_NORMAL: Final = (
    "Le mode Deep Extract n'est dispo qu'après une extraction normale terminée sur la même source "
    "(source_job_id d'un job emails en mode normal)"
)
QUOTA_EXCEEDED: Final = "Quota dépassé : {cost:.3f} EF demandés, maximum {limit:.1f} EF par job"
TOO_MANY_QUEUED_JOBS: Final = (
    "Trop de jobs en attente : {limit} maximum par compte. "
    "Attends qu'ils démarrent ou annule-en avant d'en créer d'autres"
)
EF_MONTHLY_QUOTA_EXCEEDED: Final = (
    "Quota mensuel dépassé : {used:g} EF consommés ce mois-ci, {cost:g} EF demandés, maximum {quota:g} EF par mois"
)
STORAGE_QUOTA_EXCEEDED: Final = (
    "Espace de stockage plein : {used_mb:.1f} Mo utilisés sur {quota_mb:.1f} Mo. "
    "Supprime des jobs terminés pour libérer de la place"
)
SOURCE_JOB_NOT_DONE: Final = "Le job source n'est pas terminé"
SOURCE_JOB_NO_OUTPUT: Final = "Le job source n'a pas de résultat réutilisable"
JOB_ALREADY_TERMINAL: Final = "Job déjà terminé"
JOB_RUNNING_CANNOT_DELETE: Final = "Job en cours : annule-le avant de le supprimer"
JOB_NOT_RESUMABLE: Final = "Job non reprenable : seul un scrap annulé ou en échec, non terminé, peut reprendre"
JOB_NOT_DONE: Final = "Job pas encore terminé"
JOB_NO_REUSABLE_OUTPUT: Final = "Ce type de job n'a pas de résultat réutilisable"
RESULT_GONE: Final = "Résultat expiré ou indisponible"
UNSUPPORTED_FORMAT: Final = "Format non supporté : {format} (attendu: csv | json | xlsx)"
JOB_TIMED_OUT: Final = "Durée maximale dépassée (6 heures)"
ROW_LIMIT: Final = "Entre 1 et {max_items} items par job"
JOB_TYPE_FIELD_UNSUPPORTED: Final = (
    "Le champ « type » n'est pas pris en charge : POST /api/jobs crée toujours un scrap ; pour un autre "
    "module, utilise son endpoint POST /api/jobs/<type> (ex. /api/jobs/emails)"
)
UNKNOWN_FIELD: Final = "Champ inconnu : « {field} » (champs acceptés : {allowed})"
OPTION_INVALID: Final = "Champ « {field} » : {reason}"
ITEMS_JOB_CANCELLED: Final = (
    "Job annulé : /items ne sert que les jobs terminés ; son résultat partiel se télécharge avec /download"
)
ITEMS_JOB_CANCELLED_EMPTY: Final = "Job annulé avant d'avoir écrit une ligne : il n'a pas de résultat"
ITEMS_JOB_FAILED: Final = "Job en échec : /items ne sert que les jobs terminés (erreur : {reason})"
REASON_UNKNOWN: Final = "raison inconnue"
SCRAP_MODE_CONFLICT: Final = "{alias} contredit « mode » ({mode}) : donne l'un ou l'autre"
FILTER_RULES_UNKNOWN_KEY: Final = "clé inconnue « {key} » (attendu : {allowed})"
FILTER_RULES_MIXED: Final = (
    "« {key} » est une règle simple : mets-la à côté de « rules », qui ne mêle pas règles simples et logic/conditions"
)
FILTER_RULE_TWICE: Final = "« {key} » est donnée deux fois, dans « rules » et à côté : garde-en une"
ROWS_NOT_COMMITTED: Final = "Résultat incomplet : {missing} ligne(s) sur {planned} non enregistrée(s). Relance le job."
ROW_TIMED_OUT: Final = "délai dépassé"
ROW_CRASHED: Final = "erreur inattendue sur cette ligne ({kind})"

# --- scrap (zones, grid, estimate) ---------------------------------------------------------------
ZONE_UNPARSEABLE: Final = (
    "Zone non reconnue : « {zone} » (attendu : ville, code postal, arrondissement, code INSEE, "
    "département, région, « France » ou « Ville 30km »)"
)
ZONE_RADIUS_TOO_LARGE: Final = "Rayon trop grand pour « {zone} » : {max_km} km maximum"
COUNTRY_UNSUPPORTED: Final = "Pays non pris en charge : {country} (seul FRA est disponible pour l'instant)"
GRID_EMPTY: Final = "Grille vide : les zones demandées ne couvrent aucun point"
NO_QUERY: Final = "Aucune recherche : indique au moins un terme (ex. « plombier »)"
NO_ZONE: Final = "Aucune zone : indique au moins une ville, un code postal ou un département"
MAPS_LINK_INVALID: Final = "Lien Google Maps invalide"
SEARCHES_ALL_FAILED: Final = "Aucune recherche n'a abouti ({count} en échec) : {reason}"
SEARCHES_SOME_FAILED: Final = "{failed} recherche(s) sur {total} en échec : {reason}"

# --- pipelines -----------------------------------------------------------------------------------
PIPELINE_EMPTY: Final = "Pipeline vide"
PIPELINE_TOO_MANY_NODES: Final = "Trop de nodes (max {max_nodes})"
PIPELINE_DUPLICATE_IDS: Final = "IDs de nodes en doublon"
PIPELINE_UNKNOWN_TYPE: Final = "Type de node inconnu : {type}"
PIPELINE_DANGLING_EDGE: Final = "Edge référence un node inexistant"
PIPELINE_SELF_LOOP: Final = "Edge vers soi-même interdit"
PIPELINE_ROOT_WITH_PREDECESSOR: Final = "Le node '{node}' ne peut pas avoir de prédécesseur"
PIPELINE_INCOMPATIBLE: Final = "Connexion {source} → {target} incompatible"
PIPELINE_FAN_IN: Final = "Le node {node} a plusieurs prédécesseurs"
PIPELINE_MISSING_FIELD: Final = "Node '{node}' : champ requis manquant « {field} »"
PIPELINE_BAD_FIELD: Final = "Node '{node}', champ « {field} » : {reason}"
PIPELINE_NO_PREDECESSOR: Final = "Le node '{node}' n'a pas de prédécesseur : un pipeline commence par {roots}"
PIPELINE_CYCLE: Final = "Le pipeline contient un cycle"
PIPELINE_MALFORMED: Final = "Définition de pipeline invalide : {reason}"
PIPELINE_SCHEMA_VERSION: Final = "Version de schéma non prise en charge : {version} (attendu: {expected})"
PIPELINE_NAME_TOO_LONG: Final = "Nom de pipeline trop long (max {max_length} caractères)"
PIPELINE_TOO_LARGE: Final = "Définition de pipeline trop volumineuse (max {max_kb} Ko hors CSV collés)"
PIPELINE_NOT_FOUND: Final = "Pipeline introuvable"
PIPELINE_NODE_NOT_FOUND: Final = "Node introuvable : {node}"
PIPELINE_NOT_RESUMABLE: Final = "Pipeline non reprenable : seul un pipeline en échec ou annulé peut reprendre"
PIPELINE_ALREADY_FINISHED: Final = "Pipeline déjà terminé"
PIPELINE_NOT_A_FILTER: Final = "Le node '{node}' n'est pas un filtre"
PIPELINE_NOT_MODIFIABLE: Final = (
    "Un pipeline n'est pas modifiable : recrée-le avec POST /api/pipelines et la définition mise à jour"
)
PIPELINE_NOT_DELETABLE: Final = "La suppression des pipelines n'est pas encore disponible"
PIPELINE_NO_RUN: Final = "Un pipeline démarre à sa création : pour le relancer, recrée-le avec POST /api/pipelines"
FILTER_RULES_INVALID: Final = "Règles de filtre inapplicables : {reason}"
FILTER_PATTERN_INVALID: Final = "Expression régulière invalide : {reason}"
FILTER_PATTERN_TOO_LONG: Final = "Expression régulière trop longue : {length} caractères (max {limit})"
RESULT_UNREADABLE: Final = "Le fichier de résultat n'a pas pu être lu"

# --- reading websites (the per-row ``fetch_error`` column) -----------------------------------
FETCH_INVALID_URL: Final = "URL invalide"
FETCH_DNS: Final = "nom de domaine introuvable"
FETCH_PRIVATE_ADDRESS: Final = "adresse interdite (réseau privé)"
FETCH_TIMEOUT: Final = "délai dépassé"
FETCH_CONNECT: Final = "connexion impossible"
FETCH_TLS: Final = "certificat TLS invalide"
FETCH_TOO_MANY_REDIRECTS: Final = "trop de redirections"
FETCH_HTTP_STATUS: Final = "erreur HTTP {status}"
FETCH_NOT_HTML: Final = "pas une page web ({content_type})"
FETCH_PROXY: Final = "proxy injoignable"
PHONE_LIVE_UNAVAILABLE: Final = (
    "Vérification de portabilité en direct indisponible : aucun fournisseur configuré, seul le cache est lu."
)

# --- text and numbers every entry refuses (NUL, lone surrogates, NaN) -----------------------------
FORBIDDEN_CHARACTER: Final = (
    "Caractère interdit dans « {field} » : le caractère nul (U+0000) et les moitiés isolées de paires "
    "UTF-16 (U+D800 à U+DFFF) sont refusés"
)
NON_FINITE_NUMBER: Final = "Requête invalide : NaN et Infinity ne sont pas des nombres JSON"
BODY_NOT_UTF8: Final = "Requête invalide : le corps n'est pas un texte UTF-8"
NUMBER_NOT_FINITE: Final = "nombre fini attendu"
IMPORT_FIELD_TOO_LONG: Final = "Cellule trop longue à la ligne {line} : {max_chars} caractères maximum par cellule"
IMPORT_NUL_REMOVED: Final = "{count} caractère(s) nul(s) (U+0000) retiré(s) du fichier."

# --- request validation (pydantic error types, rendered in French) --------------------------------
VALIDATION_INVALID_VALUE: Final = "valeur invalide"
VALIDATION_MESSAGES: Final[dict[str, str]] = {
    "missing": "champ requis",
    "extra_forbidden": "champ inconnu",
    "string_type": "texte attendu",
    "string_unicode": "texte UTF-8 attendu",
    "string_too_short": "{min_length} caractère(s) minimum",
    "string_too_long": "{max_length} caractères maximum",
    "string_pattern_mismatch": "format invalide",
    "int_type": "entier attendu",
    "int_parsing": "entier attendu",
    "int_from_float": "entier attendu",
    "int_parsing_size": "entier trop grand",
    "float_type": "nombre attendu",
    "float_parsing": "nombre attendu",
    "finite_number": NUMBER_NOT_FINITE,
    "decimal_type": "nombre décimal attendu",
    "decimal_parsing": "nombre décimal attendu",
    "bool_type": "booléen attendu",
    "bool_parsing": "booléen attendu",
    "greater_than": "doit être > {gt}",
    "greater_than_equal": "doit être ≥ {ge}",
    "less_than": "doit être < {lt}",
    "less_than_equal": "doit être ≤ {le}",
    "multiple_of": "doit être un multiple de {multiple_of}",
    "too_short": "{min_length} élément(s) minimum",
    "too_long": "{max_length} éléments maximum",
    "list_type": "liste attendue",
    "tuple_type": "liste attendue",
    "set_type": "liste attendue",
    "dict_type": "objet attendu",
    "model_type": "objet attendu",
    "model_attributes_type": "objet attendu",
    "literal_error": "valeur invalide (attendu : {expected})",
    "enum": "valeur invalide (attendu : {expected})",
    "datetime_type": "date et heure ISO 8601 attendues",
    "datetime_parsing": "date et heure ISO 8601 attendues",
    "datetime_from_date_parsing": "date et heure ISO 8601 attendues",
    "timezone_aware": "fuseau horaire requis (ex. 2026-07-01T00:00:00Z)",
    "date_type": "date ISO 8601 attendue",
    "date_parsing": "date ISO 8601 attendue",
    "date_from_datetime_parsing": "date ISO 8601 attendue",
    "url_type": "URL attendue",
    "url_parsing": "URL invalide",
    "url_scheme": "URL invalide",
    "url_too_long": "URL trop longue",
    "uuid_type": "identifiant invalide",
    "uuid_parsing": "identifiant invalide",
    "json_invalid": MALFORMED_JSON,
}
"""French ``message`` of each field error, by pydantic error type; ``{…}`` are the error's context."""

# --- veille ------------------------------------------------------------------------------------
VEILLE_NOT_FOUND: Final = "Veille introuvable"
VEILLE_RUN_NOT_FOUND: Final = "Run de veille introuvable"
VEILLE_ONE_SOURCE: Final = "Indique exactement une source : source_job_id ou source_pipeline_id"
VEILLE_SOURCE_NOT_FOUND: Final = "Source introuvable : {source}"
VEILLE_SOURCE_NOT_SCRAP: Final = (
    "Une veille se crée depuis un job scrap (ou un pipeline) terminé, pas un job {job_type}"
)
VEILLE_SOURCE_PIPELINE_NOT_DONE: Final = "Le pipeline source n'est pas terminé"
VEILLE_BAD_NAME: Final = "Le nom doit faire entre {min} et {max} caractères"
VEILLE_BAD_SOURCE_ID: Final = "{field} doit faire entre {min} et {max} caractères"
VEILLE_BAD_FREQUENCY: Final = "frequency_days doit être un entier entre {min} et {max}"
VEILLE_BAD_STATUS: Final = "status doit valoir active, paused ou deleted"
VEILLE_ALREADY_RUNNING: Final = "Un run de cette veille est déjà en cours"
VEILLE_DELETED: Final = "Veille supprimée"
VEILLE_PIPELINE_PASTED: Final = (
    "Une veille rejoue un pipeline qui part d'un scrap ou d'un import par URL, pas d'un CSV collé"
)
VEILLE_RUN_CANCELLED: Final = "Run de veille annulé"
