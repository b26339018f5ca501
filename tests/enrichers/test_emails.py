"""``emails``: the deep mode and the documented refusals, through the API."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from outsend_deploy.local import LocalPlatform
from tests.enrichers.truth import mismatches
from tests.support.api import Api
from tests.world.web import WebWorld
from tests.world.web.sites import SiteSpec

DEEP_REFUSED = {
    "detail": "Le mode Deep Extract n'est dispo qu'après une extraction normale terminée sur la même source "
    "(source_job_id d'un job emails en mode normal)"
}


def test_deep_mode_finds_addresses_written_by_scripts(user: Api, web: WebWorld) -> None:
    scripted = [site for site in web.sites if site.truth.email_deep != site.truth.email and not site.broken][:6]
    plain = [site for site in web.sites if site.truth.email and not site.broken][:4]
    sites = scripted + plain
    normal = user.wait(user.create("emails", items=[site.row() for site in sites], mode="normal")["id"])
    assert normal["status"] == "done" and normal["email_mode"] == "normal"
    assert mismatches(sites, user.all_items(normal["id"]), "emails") == []

    deep = user.wait(user.create("emails", source_job_id=normal["id"], mode="deep")["id"], timeout=300)
    assert deep["status"] == "done" and deep["email_mode"] == "deep", deep
    rows = user.all_items(deep["id"])
    assert mismatches(sites, rows, "emails", deep=True) == []
    assert all(row["email_personal"] for row in rows[: len(scripted)])  # the scripts wrote a person's address


def chromium_processes(ancestor: int) -> list[int]:
    """The Chromium processes below ``ancestor`` (read from /proc)."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name, rest = stat.split(" (", 1)[1].rsplit(") ", 1)
            parents[int(entry.name)], names[int(entry.name)] = int(rest.split()[1]), name

    def below(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == ancestor:
                return True
        return False

    return [pid for pid, name in names.items() if "chrom" in name and below(pid)]


def rendering(pid: int) -> bool:
    """Whether this Chromium process renders a page (pages are open)."""
    try:
        return b"--type=renderer" in (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return False


def deep_run_rendering(
    platform: LocalPlatform, user: Api, web: WebWorld
) -> tuple[list[SiteSpec], dict[str, Any], list[int]]:
    """A deep emails job over eight script-written sites, once its browser renders: (sites, job, browser pids)."""
    sites = [site for site in web.sites if site.truth.email_deep != site.truth.email and not site.broken][:8]
    normal = user.wait(user.create("emails", items=[site.row() for site in sites])["id"])
    deep = user.create("emails", source_job_id=normal["id"], mode="deep")
    assert platform.supervisor is not None
    worker = platform.supervisor.get("enrichers").process
    assert worker is not None
    deadline = time.monotonic() + 60
    browsers = chromium_processes(worker.pid)
    while not any(rendering(pid) for pid in browsers):
        assert time.monotonic() < deadline, "the deep run never rendered a page"
        time.sleep(0.02)
        browsers = chromium_processes(worker.pid)
    return sites, deep, browsers


def test_deep_mode_outlives_its_browser_dying(platform: LocalPlatform, user: Api, web: WebWorld) -> None:
    sites, deep, browsers = deep_run_rendering(platform, user, web)
    for pid in browsers:
        with contextlib.suppress(ProcessLookupError):  # a helper process gone with its parent
            os.kill(pid, signal.SIGKILL)

    finished = user.wait(deep["id"], timeout=300)
    assert finished["status"] == "done" and finished["error_count"] == 0, finished
    assert mismatches(sites, user.all_items(deep["id"]), "emails", deep=True) == []


def real_user_id(pid: int) -> int | None:
    """The real user id of a process, ``None`` once it is gone."""
    try:
        fields = dict(line.split(":", 1) for line in (Path("/proc") / str(pid) / "status").read_text().splitlines())
    except OSError:
        return None
    return int(fields["Uid"].split()[0])


def test_deep_mode_renders_in_a_browser_not_running_as_root(platform: LocalPlatform, user: Api, web: WebWorld) -> None:
    _, deep, browsers = deep_run_rendering(platform, user, web)
    users = {pid: real_user_id(pid) for pid in browsers}
    seen = {pid: uid for pid, uid in users.items() if uid is not None}

    assert seen and 0 not in seen.values(), seen
    assert user.wait(deep["id"], timeout=300)["status"] == "done"


@contextlib.contextmanager
def counting_listener() -> Iterator[tuple[int, list[socket.socket]]]:
    """A loopback TCP port, and every connection made to it."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):  # the server socket closed
            while True:
                accepted.append(server.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield server.getsockname()[1], accepted
    finally:
        server.close()
        for connection in accepted:
            connection.close()


def test_deep_mode_pages_cannot_open_websockets_to_private_addresses(user: Api, web: WebWorld) -> None:
    site = next(site for site in web.sites if site.truth.email_deep != site.truth.email and not site.broken)
    with counting_listener() as (port, connections):
        web.server.app.extra_html[site.host] = (
            f"<script>new WebSocket('ws://127.0.0.1:{port}/'); new WebSocket('ws://localhost:{port}/');</script>"
        )
        try:
            normal = user.wait(user.create("emails", items=[site.row()])["id"])
            deep = user.wait(user.create("emails", source_job_id=normal["id"], mode="deep")["id"], timeout=300)
        finally:
            del web.server.app.extra_html[site.host]
        assert deep["status"] == "done", deep
        assert mismatches([site], user.all_items(deep["id"]), "emails", deep=True) == []  # the page still rendered
        assert connections == []


def test_deep_mode_needs_a_done_normal_run(user: Api, web: WebWorld) -> None:
    items = [web.sites[0].row()]
    without_source = user.http.post("/api/jobs/emails", json={"items": items, "mode": "deep"})
    assert (without_source.status_code, without_source.json()) == (400, DEEP_REFUSED)

    socials = user.wait(user.create("socials", items=items)["id"])
    on_socials = user.http.post("/api/jobs/emails", json={"source_job_id": socials["id"], "mode": "deep"})
    assert (on_socials.status_code, on_socials.json()) == (400, DEEP_REFUSED)


def test_an_unknown_mode_is_refused(user: Api, web: WebWorld) -> None:
    response = user.http.post("/api/jobs/emails", json={"items": [web.sites[0].row()], "mode": "turbo"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Mode email invalide : turbo (attendu: normal | deep)"}
