"""Public spreadsheets served as CSV, as a Google Sheets export link answers.

Host ``sheets.world.test``. ``/sheet/<rows>.csv`` answers at once; ``/slow/<seconds>/<rows>.csv``
answers after the given delay, the way a large or distant spreadsheet does — which lets tests
hold a job in ``running`` for a known time. ``/flaky/<token>/<failures>/<rows>.csv`` answers
503 to its first ``failures`` requests, like a provider having an outage, then the sheet.
``/nul/<rows>.csv`` is a sheet whose header and cells hold NUL characters, as a badly exported
file does.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

HOST = "sheets.world.test"


def sheet(rows: int) -> str:
    lines = ["Name,Website,Phone,Rating"]
    lines += [
        f"Commerce {index},https://commerce-{index}.fr,01 23 45 67 {index % 100:02d},4.{index % 10}"
        for index in range(rows)
    ]
    return "\n".join(lines) + "\n"


def sheet_with_nul(rows: int) -> str:
    lines = sheet(rows).splitlines()
    lines = [lines[0] + ",Secteur\x00"] + [line + ",Boulan\x00gerie" for line in lines[1:]]
    return "\n".join(lines) + "\n"


class _Handler(BaseHTTPRequestHandler):
    requests_seen: ClassVar[Counter[str]] = Counter()
    lock: ClassVar[threading.Lock] = threading.Lock()

    def do_GET(self) -> None:
        flaky = re.fullmatch(r"/flaky/([\w-]+)/(\d+)/(\d+)\.csv", self.path)
        if flaky is not None:
            token, failures, rows = flaky.groups()
            with self.lock:
                self.requests_seen[token] += 1
                failing = self.requests_seen[token] <= int(failures)
            if failing:
                self.send_error(503)
                return
            self.path = f"/sheet/{rows}.csv"
        if (nul := re.fullmatch(r"/nul/(\d+)\.csv", self.path)) is not None:
            self._answer(sheet_with_nul(int(nul.group(1))))
            return
        match = re.fullmatch(r"/(?:slow/(\d+(?:\.\d+)?)/)?(?:sheet/)?(\d+)\.csv", self.path)
        if match is None:
            self.send_error(404)
            return
        delay, rows = match.groups()
        if delay:
            time.sleep(float(delay))
        self._answer(sheet(int(rows)))

    def _answer(self, text: str) -> None:
        body = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


class SheetsServer:
    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]

    def start(self) -> dict[str, str]:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return {"OUTSEND_CONNECT_TO": f"{HOST}:80:127.0.0.1:{self.port}"}

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @staticmethod
    def url(rows: int, delay: float | None = None) -> str:
        return f"http://{HOST}/slow/{delay}/{rows}.csv" if delay else f"http://{HOST}/sheet/{rows}.csv"

    @staticmethod
    def flaky_url(rows: int, failures: int = 1) -> str:
        """A sheet whose first ``failures`` downloads fail with 503 (a fresh one each call)."""
        return f"http://{HOST}/flaky/{uuid.uuid4().hex}/{failures}/{rows}.csv"

    @staticmethod
    def nul_url(rows: int) -> str:
        return f"http://{HOST}/nul/{rows}.csv"
