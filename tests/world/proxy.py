"""An outbound HTTP proxy on loopback: what ``OUTSEND_PROXY_URLS`` points at in tests.

It speaks both forms a browser uses with an HTTP proxy — absolute-form requests
(``GET http://host/path HTTP/1.1``) for plain HTTP and ``CONNECT host:port`` tunnels for HTTPS —
asks for credentials like a commercial proxy pool (``407`` with ``Proxy-Authenticate: Basic``),
and records every exchange, so a test can tell what went out, through which account.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import select
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
    "trailer", "transfer-encoding", "upgrade",
}  # fmt: skip
VIA = "1.1 outsend-test-proxy"


@dataclass(frozen=True)
class Exchange:
    account: str | None
    """The proxy account that sent it; ``None`` when it was refused for want of credentials."""
    method: str
    target: str
    """The absolute URL, or ``host:port`` for a tunnel."""
    status: int


class ProxyServer:
    """A world server: ``start()`` gives ``OUTSEND_PROXY_URLS``, one URL per account."""

    def __init__(self, accounts: dict[str, str]) -> None:
        self.accounts = accounts
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]

    def url(self, account: str, password: str | None = None) -> str:
        return f"http://{account}:{password or self.accounts[account]}@127.0.0.1:{self.port}"

    def start(self) -> dict[str, str]:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return {"OUTSEND_PROXY_URLS": ",".join(self.url(account) for account in self.accounts)}

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def record(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    def account_of(self, header: str | None) -> str | None:
        scheme, _, encoded = (header or "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            account, _, password = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return account if self.accounts.get(account) == password else None


def _handler(proxy: ProxyServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_CONNECT(self) -> None:
            account = self._authenticated()
            if account is None:
                return
            host, _, port = self.path.rpartition(":")
            try:
                upstream = socket.create_connection((host, int(port)), timeout=30)
            except (OSError, ValueError):
                self._refuse(account, 502)
                return
            proxy.record(Exchange(account, "CONNECT", self.path, 200))
            self.send_response(200, "Connection established")
            self.end_headers()
            self.close_connection = True
            _relay(self.connection, upstream)

        def do_GET(self) -> None:
            self._forward()

        def do_HEAD(self) -> None:
            self._forward()

        def do_POST(self) -> None:
            self._forward()

        def _forward(self) -> None:
            account = self._authenticated()
            if account is None:
                return
            url = urlsplit(self.path)
            if url.scheme != "http" or not url.hostname:
                self._refuse(account, 400)
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {key: value for key, value in self.headers.items() if key.lower() not in HOP_BY_HOP}
            headers["Via"] = VIA
            upstream = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=60)
            try:
                upstream.request(self.command, url.path + (f"?{url.query}" if url.query else ""), body, headers)
                response = upstream.getresponse()
                data = response.read()
            except OSError:
                self._refuse(account, 502)
                return
            finally:
                upstream.close()
            proxy.record(Exchange(account, self.command, self.path, response.status))
            self.send_response_only(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Via", VIA)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _authenticated(self) -> str | None:
            account = proxy.account_of(self.headers.get("Proxy-Authorization"))
            if account is None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                proxy.record(Exchange(None, self.command, self.path, 407))
                self.send_response_only(407, "Proxy Authentication Required")
                self.send_header("Proxy-Authenticate", 'Basic realm="outsend-test"')
                self.send_header("Content-Length", "0")
                self.end_headers()
            return account

        def _refuse(self, account: str, status: int) -> None:
            proxy.record(Exchange(account, self.command, self.path, status))
            self.send_response_only(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    return Handler


def _relay(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes both ways until either side closes (a CONNECT tunnel)."""
    sockets = [client, upstream]
    try:
        while True:
            readable, _, failed = select.select(sockets, [], sockets, 60)
            if failed or not readable:
                return
            for source in readable:
                data = source.recv(65536)
                if not data:
                    return
                (upstream if source is client else client).sendall(data)
    except OSError:
        return
    finally:
        upstream.close()
