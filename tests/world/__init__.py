"""The test world: real servers on loopback standing in for what outsend does not own.

Each server speaks the real protocol (HTTP, HTTPS, DNS, SMTP, IMAP …) and tells the platform
how to reach it through settings (``OUTSEND_CONNECT_TO``, ``OUTSEND_MAPS_BASE_URL`` …), so the
production code paths run unchanged. :class:`World` starts them all and merges their settings.
"""

from __future__ import annotations

from typing import Protocol

MERGED_SETTINGS = ("OUTSEND_CONNECT_TO",)
"""Settings that several servers contribute to: their values are joined with commas."""


class WorldServer(Protocol):
    def start(self) -> dict[str, str]:
        """Start serving; return the settings the platform needs to reach this server."""

    def stop(self) -> None: ...


class World:
    def __init__(self, servers: list[WorldServer]) -> None:
        self.servers = servers
        self.settings: dict[str, str] = {}

    def start(self) -> dict[str, str]:
        for server in self.servers:
            for key, value in server.start().items():
                if key in MERGED_SETTINGS and self.settings.get(key):
                    self.settings[key] = f"{self.settings[key]},{value}"
                else:
                    self.settings[key] = value
        return self.settings

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()
