"""A real HTTP/1.1 server on 127.0.0.1 for tests: routes, canned replies, a request log.

    with serve_http() as server:
        server.route("/feed", Reply(body=b"<rss/>", headers={"Content-Type": "application/rss+xml"}))
        server.route("/echo", lambda request: Reply(body=request.header("user-agent").encode()))
        fetch(server.url("/feed"))
        assert server.paths() == ["/feed"]

A route maps a path (without the query) to a ``Reply`` or to a callable taking the
``RecordedRequest`` and returning one.  Unknown paths answer 404.  Replies can be
gzip-compressed on the fly, sent as raw pre-encoded bytes (set Content-Encoding
yourself), chunked, delayed, or dripped slowly byte by byte.  The server records every
request, counts TCP connections, and tracks how many requests were in flight at once.
Use the ``http_server`` fixture (``from tests.support.httpserver import http_server``, or
``pytest_plugins = ["tests.support.httpserver"]`` in a conftest) or ``serve_http()``.
"""

from __future__ import annotations

import gzip as gzip_module
import ssl
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

__all__ = ["HTTPTestServer", "RecordedRequest", "Reply", "http_server", "serve_http"]


@dataclass(frozen=True, slots=True)
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: Mapping[str, str] | Sequence[tuple[str, str]] = ()
    gzip: bool = False  # compress the body and send Content-Encoding: gzip
    chunked: bool = False  # Transfer-Encoding: chunked instead of Content-Length
    content_length: int | None = None  # declare this length instead of the real one
    delay: float = 0.0  # seconds to wait before answering (the request stays in flight)
    drip_delay: float = 0.0  # seconds to wait before each byte of the body


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    target: str  # path and query as sent
    headers: tuple[tuple[str, str], ...]
    body: bytes
    client: tuple[str, int]

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


Handler = Callable[[RecordedRequest], Reply]


@dataclass
class HTTPTestServer:
    host: str
    port: int
    scheme: str = "http"
    routes: dict[str, Reply | Handler] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    connections: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def route(self, path: str, reply: Reply | Handler) -> None:
        self.routes[path] = reply

    def paths(self) -> list[str]:
        with self.lock:
            return [r.path for r in self.requests]

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def _answer(self, request: RecordedRequest) -> Reply:
        with self.lock:
            self.requests.append(request)
        route = self.routes.get(request.path)
        if route is None:
            return Reply(status=404, body=b"not found", headers={"Content-Type": "text/plain"})
        return route if isinstance(route, Reply) else route(request)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    state: HTTPTestServer
    tls: ssl.SSLContext | None = None

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is not None:  # handshake in the connection's own thread
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up early (as fetch limits make it do) is not news


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.state.lock:
            self.server.state.connections += 1

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_GET

    def _handle(self) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        request = RecordedRequest(
            method=self.command,
            target=self.path,
            headers=tuple(self.headers.items()),
            body=self.rfile.read(length) if length else b"",
            client=(self.client_address[0], self.client_address[1]),
        )
        with state.lock:
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            try:
                reply = state._answer(request)
            except Exception as exc:  # a broken test handler: say so to the client
                reply = Reply(status=500, body=f"handler failed: {exc!r}".encode())
            if reply.delay and state.stopping.wait(reply.delay):
                return
            self._send(reply)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            with state.lock:
                state.in_flight -= 1

    def _send(self, reply: Reply) -> None:
        body = reply.body if isinstance(reply.body, bytes) else b"".join(reply.body)
        headers = list(reply.headers.items() if isinstance(reply.headers, Mapping) else reply.headers)
        if reply.gzip:
            body = gzip_module.compress(body)
            headers.append(("Content-Encoding", "gzip"))
        self.send_response(reply.status)
        for name, value in headers:
            self.send_header(name, value)
        if reply.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            length = len(body) if reply.content_length is None else reply.content_length
            self.send_header("Content-Length", str(length))
        self.end_headers()
        if self.command == "HEAD" or reply.status in (204, 304):
            return
        self._write_body(body, reply)

    def _write_body(self, body: bytes, reply: Reply) -> None:
        stopping = self.server.state.stopping
        step = 1 if reply.drip_delay else 64 * 1024
        for start in range(0, len(body), step):
            if reply.drip_delay and stopping.wait(reply.drip_delay):
                self.close_connection = True
                return
            piece = body[start : start + step]
            if reply.chunked:
                piece = b"%x\r\n%s\r\n" % (len(piece), piece)
            self.wfile.write(piece)
            self.wfile.flush()
        if reply.chunked:
            self.wfile.write(b"0\r\n\r\n")


@contextmanager
def serve_http(host: str = "127.0.0.1", *, tls: ssl.SSLContext | None = None) -> Iterator[HTTPTestServer]:
    """Start a server on a free port of ``host`` in a thread; stop it on exit.

    With ``tls`` (a server-side context holding a certificate) it speaks HTTPS.
    """
    server = _Server((host, 0), _RequestHandler)
    state = HTTPTestServer(host=host, port=server.server_address[1], scheme="https" if tls else "http")
    server.state = state
    server.tls = tls
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def http_server() -> Iterator[HTTPTestServer]:
    """A running ``HTTPTestServer`` on 127.0.0.1, stopped after the test."""
    with serve_http() as server:
        yield server
