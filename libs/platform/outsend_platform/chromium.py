"""Debian's Chromium, launched the same way by every process that drives it (Playwright's own
browser download cannot run here; ``make install`` installs the ``chromium`` package)."""

from __future__ import annotations

from outsend_platform.settings import env_str

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium_path() -> str:
    """The browser binary: ``OUTSEND_CHROMIUM``, default Debian's ``/usr/bin/chromium``."""
    return env_str("OUTSEND_CHROMIUM", "/usr/bin/chromium")
