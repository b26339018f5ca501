"""A user of the API, as tests drive it: sign up, read mail, create jobs, wait, download."""

from __future__ import annotations

import email
import secrets
import time
import uuid
from collections.abc import Iterator
from email import policy
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from outsend_deploy.local import LocalPlatform
from tests.support.platform import INVITE_CODE
from tests.world.mail_relay import MailRelay

PASSWORD = "lovelace-1843"
TERMINAL = {"done", "failed", "cancelled", "expired"}


def read_mails(platform: LocalPlatform, to: str) -> list[email.message.EmailMessage]:
    """The mail received by ``to``: at the test world's SMTP relay, or in the outbox without one."""
    relay = MailRelay.serving(platform.extra_env.get("OUTSEND_SMTP_URL"))
    if relay is not None:
        return relay.messages_to(to)
    outbox = platform.data_dir / "outbox"
    mails = []
    for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime) if outbox.exists() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == to:
            mails.append(message)  # type: ignore[arg-type]
    return mails


def wait_for_mail(platform: LocalPlatform, to: str, count: int = 1, timeout: float = 10) -> email.message.EmailMessage:
    """The latest mail of ``to`` once it has received ``count`` (mail leaves in the background)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mails = read_mails(platform, to)
        if len(mails) >= count:
            return mails[-1]
        time.sleep(0.1)
    raise AssertionError(f"no mail for {to}")


def link_token(message: email.message.EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    for word in body.get_content().split():
        if "token=" in word:
            return parse_qs(urlsplit(word).query)["token"][0]
    raise AssertionError("no link with a token in the mail")


class Api:
    def __init__(self, platform: LocalPlatform) -> None:
        self.platform = platform
        self.address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
        """This user's own client address, passed on as a reverse proxy does (per-IP limits)."""
        self.http = httpx.Client(base_url=platform.base_url, timeout=60, headers={"X-Forwarded-For": self.address})
        self.email = ""
        self.user: dict[str, Any] = {}

    # --- accounts ------------------------------------------------------------------------------
    def signup(self, *, verify: bool = True, email_address: str | None = None) -> Api:
        self.email = email_address or f"user-{uuid.uuid4().hex[:10]}@example.com"
        response = self.http.post(
            "/api/auth/signup",
            json={
                "email": self.email,
                "password": PASSWORD,
                "invitation_code": INVITE_CODE,
                "accept_responsibility": True,
            },
        )
        assert response.status_code == 200, response.text
        self.user = response.json()["user"]
        if verify:
            self.verify_email()
        return self

    def verify_email(self) -> None:
        token = link_token(self.wait_mail())
        response = self.http.post("/api/auth/email/verify", json={"token": token})
        assert response.status_code == 200, response.text

    def wait_mail(self, count: int = 1, timeout: float = 10) -> email.message.EmailMessage:
        return wait_for_mail(self.platform, self.email, count, timeout)

    # --- jobs ----------------------------------------------------------------------------------
    def create(self, module: str, **body: Any) -> dict[str, Any]:
        path = "/api/jobs" if module == "scrap" else f"/api/jobs/{module.replace('_', '-')}"
        response = self.http.post(path, json=body)
        assert response.status_code == 200, response.text
        job: dict[str, Any] = response.json()
        return job

    def job(self, job_id: str) -> dict[str, Any]:
        response = self.http.get(f"/api/jobs/{job_id}")
        assert response.status_code == 200, response.text
        job: dict[str, Any] = response.json()
        return job

    def wait(self, job_id: str, timeout: float = 120, until: set[str] = TERMINAL) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.job(job_id)
            if job["status"] in until:
                return job
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} still {job['status']} after {timeout} s")

    def items(self, job_id: str, **params: Any) -> dict[str, Any]:
        response = self.http.get(f"/api/jobs/{job_id}/items", params=params)
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    def all_items(self, job_id: str) -> list[dict[str, str]]:
        rows: list[dict[str, str]] = []
        while True:
            page = self.items(job_id, offset=len(rows), limit=1000)
            rows += page["items"]
            if len(rows) >= page["count"]:
                return rows

    def stream(self, job_id: str, headers: dict[str, str] | None = None, **params: Any) -> Iterator[dict[str, Any]]:
        """Server-sent events of a job, parsed: ``{"id", "event", "data"}``."""
        import json

        with self.http.stream("GET", f"/api/jobs/{job_id}/stream", params=params, headers=headers) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            event: dict[str, Any] = {}
            for line in response.iter_lines():
                if not line:
                    if "event" in event:
                        yield event
                    event = {}
                elif line.startswith("id: "):
                    event["id"] = int(line[4:])
                elif line.startswith("event: "):
                    event["event"] = line[7:]
                elif line.startswith("data: "):
                    event["data"] = json.loads(line[6:])


def data_dir(api: Api) -> Path:
    return api.platform.data_dir
