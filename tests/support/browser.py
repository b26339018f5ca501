"""Debian's Chromium driven by Playwright (``playwright install`` cannot download here)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, sync_playwright

from outsend_platform.chromium import BROWSER_USER, launch_options


@contextmanager
def chromium() -> Iterator[Browser]:
    options = launch_options()
    with tempfile.TemporaryDirectory(prefix="outsend-downloads-") as downloads, sync_playwright() as playwright:
        if os.geteuid() == 0:  # the browser runs as its own user: it must be able to write what it downloads
            shutil.chown(downloads, user=BROWSER_USER, group=BROWSER_USER)
        browser = playwright.chromium.launch(**options, downloads_path=downloads)
        try:
            yield browser
        finally:
            browser.close()
