"""Debian's Chromium, launched the same way by every process that drives it (Playwright's own
browser download cannot run here; ``make install`` installs the ``chromium`` package).

Chromium renders pages of sites nobody vetted, so it never runs as root: a process running as
root starts it as :data:`BROWSER_USER` (created on first use) through a small wrapper that hands
it Playwright's profile directory and drops privileges with ``setpriv``. ``OUTSEND_CHROMIUM_SANDBOX=1``
also turns on Chromium's own sandbox where user namespaces can be created; it is off by default
because, on a loaded two-core machine, sandboxed renderers made deep-mode pages miss their
render timeout.
"""

from __future__ import annotations

import atexit
import functools
import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from outsend_platform.logging import get_logger
from outsend_platform.settings import env_str

log = get_logger(__name__)

CHROMIUM_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
BROWSER_USER = "outsend-chromium"
"""The system user Chromium runs as when the service runs as root."""

_WRAPPER = """#!/bin/sh
# Chromium as {user}: its sandbox does not run as root. Playwright made the profile directory
# as root; hand it over, and make it the browser's home.
home=/nonexistent
for argument in "$@"; do
  case "$argument" in
    --user-data-dir=*) home="${{argument#--user-data-dir=}}"; chown -R {user}: "$home" ;;
  esac
done
HOME="$home" exec setpriv --reuid={user} --regid={user} --clear-groups -- {chromium} "$@"
"""


def chromium_path() -> str:
    """The browser binary: ``OUTSEND_CHROMIUM``, default Debian's ``/usr/bin/chromium``."""
    return env_str("OUTSEND_CHROMIUM", "/usr/bin/chromium")


def launch_options(*extra_flags: str) -> dict[str, Any]:
    """Keyword arguments for Playwright's ``chromium.launch``: binary, flags and sandbox."""
    as_root = os.geteuid() == 0
    if as_root:
        _ensure_browser_user()
    sandboxed = env_str("OUTSEND_CHROMIUM_SANDBOX") == "1" and _sandbox_can_start(BROWSER_USER if as_root else None)
    executable = _privilege_dropping_wrapper(chromium_path()) if as_root else chromium_path()
    # Without chromium_sandbox Playwright adds --no-sandbox itself.
    return {"executable_path": executable, "args": [*CHROMIUM_FLAGS, *extra_flags], "chromium_sandbox": sandboxed}


@functools.cache
def _ensure_browser_user() -> None:
    try:
        pwd.getpwnam(BROWSER_USER)
    except KeyError:
        useradd = ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", BROWSER_USER]
        subprocess.run(useradd, check=True, capture_output=True)


@functools.cache
def _sandbox_can_start(user: str | None) -> bool:
    """Whether user namespaces, which Chromium's sandbox needs, can be created (tried once, as its user)."""
    unshare = shutil.which("unshare")
    probe = [unshare or "unshare", "--user", "--pid", "--net", "--fork", "true"]
    if user is not None:
        probe = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", "--", *probe]
    works = unshare is not None and subprocess.run(probe, capture_output=True).returncode == 0
    if not works:
        log.warning("chromium.sandbox_unavailable", reason="user namespaces cannot be created")
    return works


@functools.cache
def _privilege_dropping_wrapper(chromium: str) -> str:
    directory = Path(tempfile.mkdtemp(prefix="outsend-chromium-"))  # 0700: only root runs it
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    wrapper = directory / "chromium"
    wrapper.write_text(_WRAPPER.format(user=BROWSER_USER, chromium=shlex.quote(chromium)))
    wrapper.chmod(0o700)
    return str(wrapper)
