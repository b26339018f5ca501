"""A fake of hCaptcha's ``siteverify`` API, answering as the published API does.

``POST /siteverify`` with the form fields ``secret``, ``response``, ``remoteip`` and ``sitekey``.
With :data:`SECRET`, the token :data:`PASSING_TOKEN` passes (like hCaptcha's test keys); any
other token fails with ``invalid-input-response``, a missing one with ``missing-input-response``,
a wrong secret with ``invalid-input-secret``. Requests are kept for tests to inspect.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

SECRET = "0x0000000000000000000000000000000000000000"
SITEKEY = "10000000-ffff-ffff-ffff-000000000001"
PASSING_TOKEN = "10000000-aaaa-bbbb-cccc-000000000001"


def siteverify(form: dict[str, str]) -> dict[str, object]:
    if form.get("secret") != SECRET:
        return {"success": False, "error-codes": ["invalid-input-secret"]}
    if not form.get("response"):
        return {"success": False, "error-codes": ["missing-input-response"]}
    if form.get("sitekey") not in (None, SITEKEY):
        return {"success": False, "error-codes": ["sitekey-secret-mismatch"]}
    if form["response"] != PASSING_TOKEN:
        return {"success": False, "error-codes": ["invalid-input-response"]}
    return {"success": True, "challenge_ts": "2026-05-27T09:14:00.000Z", "hostname": "outsend.test", "credit": False}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        if self.path != "/siteverify":
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length") or 0)
        form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
        self.server.owner.record(form)
        body = json.dumps(siteverify(form)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    owner: HCaptchaServer


class HCaptchaServer:
    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/siteverify"
        self._lock = threading.Lock()
        self.requests: list[dict[str, str]] = []

    def start(self) -> dict[str, str]:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return {"OUTSEND_HCAPTCHA_VERIFY_URL": self.url}

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def record(self, form: dict[str, str]) -> None:
        with self._lock:
            self.requests.append(form)
