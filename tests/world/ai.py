"""AI providers of the test world: the Anthropic Messages API and OpenAI's chat-completions API.

One server answers for every provider host outsend knows (``api.anthropic.com``,
``api.openai.com``, ``generativelanguage.googleapis.com``, ``api.mistral.ai``, ``api.groq.com``,
``api.deepseek.com``, ``api.x.ai``) over HTTPS, with a certificate from the web world's CA, and
for :data:`CUSTOM_HOST` (an OpenAI-compatible endpoint such as a local Ollama) over plain HTTP.
The path tells the API: ``…/messages`` (Anthropic), ``…/chat/completions`` (OpenAI and the
compatible ones), ``…/models`` (either list, by host). Streaming (``"stream": true``) answers
in server-sent events exactly as each provider does, usage included.

Answers are scripted: :meth:`AiServer.script` ties a marker to a reply (text and token usage);
the first marker found in the prompt picks it, otherwise the reply is :data:`DEFAULT_REPLY` and
the usage is counted roughly (four characters a token). Markers also make the provider fail the
way real ones do: ``[[429]]`` (rate limited), ``[[500]]``, ``[[too-long]]`` (context window
exceeded); a key containing ``invalid`` is refused with 401. Every request is kept (host, path,
key, body) so tests can check what was sent where.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import trustme

ANTHROPIC_HOST = "api.anthropic.com"
CUSTOM_HOST = "llm.world.test"
HTTPS_HOSTS = (
    ANTHROPIC_HOST,
    "api.openai.com",
    "generativelanguage.googleapis.com",
    "api.mistral.ai",
    "api.groq.com",
    "api.deepseek.com",
    "api.x.ai",
)
MODELS: dict[str, list[str]] = {
    ANTHROPIC_HOST: ["claude-sonnet-4-5", "claude-haiku-4-5"],
    "api.openai.com": ["gpt-4o-mini", "gpt-4o", "o3-mini"],
    "generativelanguage.googleapis.com": ["models/gemini-2.5-flash", "models/gemini-2.5-pro"],
    "api.mistral.ai": ["mistral-small-latest", "mistral-large-latest"],
    "api.groq.com": ["llama-3.3-70b-versatile"],
    "api.deepseek.com": ["deepseek-chat", "deepseek-reasoner"],
    "api.x.ai": ["grok-4"],
    CUSTOM_HOST: ["llama3.1:8b"],
}
DEFAULT_REPLY = "Bonjour, je suis un modèle de test."


@dataclass(frozen=True)
class Reply:
    text: str
    input_tokens: int | None = None
    """Usage reported; ``None`` counts the prompt (four characters a token)."""
    output_tokens: int | None = None
    delay: float = 0.0


@dataclass
class Seen:
    host: str
    path: str
    key: str
    body: dict[str, Any]


@dataclass
class _State:
    scripts: dict[str, Reply] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _prompt_text(body: dict[str, Any]) -> str:
    parts = [str(body.get("system") or "")]
    for message in body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, list):
            parts += [str(block.get("text", "")) for block in content if isinstance(block, dict)]
        else:
            parts.append(str(content or ""))
    return "\n".join(parts)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    @property
    def host(self) -> str:
        return (self.headers.get("Host") or "").split(":", 1)[0].lower()

    @property
    def anthropic(self) -> bool:
        return self.host == ANTHROPIC_HOST

    def _key(self) -> str:
        if self.anthropic:
            return self.headers.get("x-api-key") or ""
        return (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip()

    def do_GET(self) -> None:
        self._record({})
        if not self._authorised():
            return
        if not self.path.split("?", 1)[0].endswith("/models"):
            self._error(404, "not_found_error", "Not found")
            return
        models = MODELS.get(self.host, [])
        if self.anthropic:
            data = [{"type": "model", "id": m, "display_name": m, "created_at": "2025-09-29T00:00:00Z"} for m in models]
            self._json(200, {"data": data, "has_more": False, "first_id": models[0], "last_id": models[-1]})
        else:
            data = [{"id": m, "object": "model", "created": 1_727_000_000, "owned_by": self.host} for m in models]
            self._json(200, {"object": "list", "data": data})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self._record(body)
        if not self._authorised():
            return
        path = self.path.split("?", 1)[0]
        if not (path.endswith("/messages") if self.anthropic else path.endswith("/chat/completions")):
            self._error(404, "not_found_error", "Not found")
            return
        prompt = _prompt_text(body)
        if "[[429]]" in prompt:
            self._error(429, "rate_limit_error", "Rate limit reached", retry_after="1")
        elif "[[500]]" in prompt:
            self._error(500, "api_error", "Internal server error")
        elif "[[too-long]]" in prompt:
            self._error(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum")
        else:
            self._answer(body, prompt, self.server.reply_for(prompt))

    def _answer(self, body: dict[str, Any], prompt: str, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        usage = (
            reply.input_tokens if reply.input_tokens is not None else max(1, len(prompt) // 4),
            reply.output_tokens if reply.output_tokens is not None else max(1, len(reply.text) // 4),
        )
        model = str(body.get("model", ""))
        if body.get("stream"):
            events = (
                _anthropic_events(model, reply.text, usage)
                if self.anthropic
                else _openai_events(model, reply.text, usage)
            )
            self._stream(events)
        elif self.anthropic:
            self._json(200, _anthropic_message(model, reply.text, usage))
        else:
            self._json(200, _openai_completion(model, reply.text, usage))

    # --- answering -------------------------------------------------------------------------------
    def _authorised(self) -> bool:
        key = self._key()
        if not key or "invalid" in key:
            self._error(401, "authentication_error", "invalid x-api-key" if self.anthropic else "Incorrect API key")
            return False
        return True

    def _error(self, status: int, kind: str, message: str, retry_after: str | None = None) -> None:
        if self.anthropic:
            payload: dict[str, Any] = {"type": "error", "error": {"type": kind, "message": message}}
        else:
            payload = {"error": {"message": message, "type": kind, "code": None}}
        self._json(status, payload, {"retry-after": retry_after} if retry_after else {})

    def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, events: list[str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        for event in events:
            self.wfile.write(event.encode())
            self.wfile.flush()
        self.close_connection = True

    def _record(self, body: dict[str, Any]) -> None:
        with self.server.state.lock:
            self.server.state.requests.append(Seen(self.host, self.path, self._key(), body))

    def log_message(self, *_: object) -> None:
        pass


def _chunks(text: str, size: int = 12) -> list[str]:
    return [text[start : start + size] for start in range(0, len(text), size)] or [""]


def _anthropic_message(model: str, text: str, usage: tuple[int, int]) -> dict[str, Any]:
    return {
        "id": "msg_world",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
    }


def _sse(event: str | None, data: dict[str, Any] | str) -> str:
    payload = data if isinstance(data, str) else json.dumps(data)
    return (f"event: {event}\n" if event else "") + f"data: {payload}\n\n"


def _anthropic_events(model: str, text: str, usage: tuple[int, int]) -> list[str]:
    start = _anthropic_message(model, "", (usage[0], 1))
    start["content"] = []
    events = [
        _sse("message_start", {"type": "message_start", "message": start}),
        _sse(
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        ),
        _sse("ping", {"type": "ping"}),
    ]
    events += [
        _sse(
            "content_block_delta",
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": part}},
        )
        for part in _chunks(text)
    ]
    return [
        *events,
        _sse("content_block_stop", {"type": "content_block_stop", "index": 0}),
        _sse(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": usage[1]},
            },
        ),
        _sse("message_stop", {"type": "message_stop"}),
    ]


def _openai_usage(usage: tuple[int, int]) -> dict[str, int]:
    return {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}


def _openai_completion(model: str, text: str, usage: tuple[int, int]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-world",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": _openai_usage(usage),
    }


def _openai_events(model: str, text: str, usage: tuple[int, int]) -> list[str]:
    def chunk(delta: dict[str, str], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return {
            "id": "chatcmpl-world",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": model,
            "choices": [choice],
        }

    events = [_sse(None, chunk({"role": "assistant", "content": ""}))]
    events += [_sse(None, chunk({"content": part})) for part in _chunks(text)]
    events.append(_sse(None, chunk({}, "stop")))
    final = {"id": "chatcmpl-world", "object": "chat.completion.chunk", "created": 0, "model": model, "choices": []}
    events.append(_sse(None, {**final, "usage": _openai_usage(usage)}))
    return [*events, _sse(None, "[DONE]")]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State

    def reply_for(self, prompt: str) -> Reply:
        with self.state.lock:
            for marker, reply in self.state.scripts.items():
                if marker in prompt:
                    return reply
        return Reply(DEFAULT_REPLY)


class AiServer:
    """The providers on two loopback ports: HTTPS (certificate from ``ca``) and plain HTTP."""

    def __init__(self, ca: trustme.CA) -> None:
        self._state = _State()
        self._secure = _Server(("127.0.0.1", 0), _Handler)
        self._plain = _Server(("127.0.0.1", 0), _Handler)
        for server in (self._secure, self._plain):
            server.state = self._state
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.set_alpn_protocols(["http/1.1"])
        ca.issue_cert(*HTTPS_HOSTS).configure_cert(context)
        self._secure.socket = context.wrap_socket(self._secure.socket, server_side=True)
        self.https_port = self._secure.server_address[1]
        self.http_port = self._plain.server_address[1]

    def start(self) -> dict[str, str]:
        for server in (self._secure, self._plain):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        rules = [f"{host}:443:127.0.0.1:{self.https_port}" for host in HTTPS_HOSTS]
        rules.append(f"{CUSTOM_HOST}:80:127.0.0.1:{self.http_port}")
        return {"OUTSEND_CONNECT_TO": ",".join(rules)}

    def stop(self) -> None:
        for server in (self._secure, self._plain):
            server.shutdown()
            server.server_close()

    def script(self, marker: str, reply: Reply) -> None:
        with self._state.lock:
            self._state.scripts[marker] = reply

    def requests(self, marker: str | None = None) -> list[Seen]:
        """What reached the providers (those whose prompt holds ``marker``, if given)."""
        with self._state.lock:
            seen = list(self._state.requests)
        return [s for s in seen if marker is None or marker in _prompt_text(s.body)]

    def requests_with_key(self, key: str) -> list[Seen]:
        with self._state.lock:
            return [seen for seen in self._state.requests if seen.key == key]
