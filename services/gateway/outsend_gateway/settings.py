"""Settings of the gateway."""

from __future__ import annotations

from dataclasses import dataclass

from outsend_gateway.client_address import Network, parse_networks
from outsend_platform.settings import env_list, env_str


@dataclass(frozen=True)
class GatewaySettings:
    http_host: str
    http_port: int
    cookie_secure: bool
    max_body_bytes: int
    trusted_proxies: tuple[Network, ...] = ()
    """Peers whose ``X-Forwarded-For`` is believed (``OUTSEND_TRUSTED_PROXIES``, CIDRs; none by default)."""
    public_url: str = "http://127.0.0.1:8000"
    """Where users open the web UI (``OUTSEND_PUBLIC_URL``): its origin may write with the session cookie."""
    max_streams_per_user: int = 20
    """Event streams one user may hold open at once (``OUTSEND_MAX_STREAMS_PER_USER``)."""
    credential_cache_seconds: float = 0.9
    """How long a resolved cookie or key is trusted without asking auth (``OUTSEND_CREDENTIAL_CACHE_SECONDS``);
    auth's change notice drops it sooner."""

    @classmethod
    def from_env(cls) -> GatewaySettings:
        public_url = env_str("OUTSEND_PUBLIC_URL", "http://127.0.0.1:8000")
        secure = env_str("OUTSEND_COOKIE_SECURE", "auto").lower()
        return cls(
            http_host=env_str("OUTSEND_HTTP_HOST", "127.0.0.1"),
            http_port=int(env_str("OUTSEND_HTTP_PORT", "8000")),
            cookie_secure=public_url.startswith("https://") if secure == "auto" else secure in {"1", "true", "yes"},
            max_body_bytes=int(env_str("OUTSEND_MAX_BODY_BYTES", str(12 * 1024 * 1024))),
            trusted_proxies=parse_networks(env_list("OUTSEND_TRUSTED_PROXIES")),
            public_url=public_url,
            max_streams_per_user=int(env_str("OUTSEND_MAX_STREAMS_PER_USER", "20")),
            credential_cache_seconds=float(env_str("OUTSEND_CREDENTIAL_CACHE_SECONDS", "0.9")),
        )
