"""The web of the test world: generated French small-business sites, served by host name.

:class:`WebWorld` is the :class:`~tests.world.WorldServer` the test platform uses: it serves
:data:`SITE_COUNT` sites (seed :data:`SEED`) with their ground truth, plus a DNS server for
hostile names, and gives the platform ``OUTSEND_CONNECT_TO`` (every ``*.fr`` host to the web
server), ``OUTSEND_EXTRA_CA`` (the world's CA) and ``OUTSEND_DNS_SERVERS``.

Standalone (for ``make run``, the demo and the benchmarks)::

    .venv/bin/python -m tests.world.web [--sites 320] [--seed 2024] [--latency SEED] [--access-log FILE]
"""

from __future__ import annotations

from pathlib import Path

from tests.world.web.dns import HostileDns
from tests.world.web.server import WebServer
from tests.world.web.sites import SiteSpec, generate

SITE_COUNT = 320
SEED = 2024


class WebWorld:
    def __init__(
        self, count: int = SITE_COUNT, seed: int = SEED, latency_seed: int | None = None, access_log: Path | None = None
    ) -> None:
        self.sites: list[SiteSpec] = generate(count, seed)
        self.server = WebServer(self.sites, latency_seed, access_log)
        self.dns = HostileDns()

    def start(self) -> dict[str, str]:
        self.server.start()
        self.dns.start()
        return self.settings()

    def settings(self) -> dict[str, str]:
        return {
            "OUTSEND_CONNECT_TO": self.server.connect_to(),
            "OUTSEND_EXTRA_CA": str(self.server.certificates.ca_file),
            "OUTSEND_DNS_SERVERS": f"127.0.0.1:{self.dns.port}",
        }

    def stop(self) -> None:
        self.dns.stop()
        self.server.stop()

    def site(self, **wanted: object) -> SiteSpec:
        """The first site whose attributes have the given values (``broken="timeout"`` …)."""
        for site in self.sites:
            if all(getattr(site, key) == value for key, value in wanted.items()):
                return site
        raise LookupError(f"no site with {wanted}")
