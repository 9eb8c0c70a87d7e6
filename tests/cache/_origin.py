"""A scriptable origin for the cache tests: a real HTTP/1.1 server on 127.0.0.1.

Each path answers with what the test set for it: status, exact headers (Date,
Age, Expires, Connection...), body, a delay, or a dropped connection. The
origin counts hits per path, keeps the requests it saw and the most requests
it ever had in progress at once.
"""

from __future__ import annotations

import collections
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = ["Origin", "Reply", "Seen"]


@dataclass
class Reply:
    """One answer; ``date`` adds ``Date: now`` unless ``headers`` has one, ``drop`` hangs up."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b"body"
    delay: float = 0.0
    drop: bool = False
    date: bool = True


@dataclass(frozen=True)
class Seen:
    """A request the origin received: method, path with query, headers (lower-cased names)."""

    method: str
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() when it arrived

    def header(self, name: str) -> str | None:
        """The value of ``name`` (any case), or None."""
        return self.headers.get(name.lower())


Route = Callable[[Seen], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # listen() backlog: the default 5 drops the SYNs of 32 threads connecting at once,
    # and each dropped one costs a 1 s retransmission.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet about a client that hung up first (a timeout test); report anything else."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class Origin:
    """The server: ``route(path, reply)`` sets what ``path`` answers; ``hits[path]`` counts."""

    def __init__(self) -> None:
        self._routes: dict[str, Reply | Route] = {}
        self._lock = threading.Lock()
        self.hits: collections.Counter[str] = collections.Counter()
        self.seen: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, path: str, reply: Reply | Route) -> str:
        """Answer ``path`` (query ignored) with ``reply`` or ``reply(seen)``; the full URL."""
        with self._lock:
            self._routes[path] = reply
        return self.url + path

    def requests_to(self, path: str) -> list[Seen]:
        """The requests seen for ``path`` (query ignored), in arrival order."""
        with self._lock:
            return [seen for seen in self.seen if seen.path.partition("?")[0] == path]

    def wait_for_hits(self, path: str, count: int, timeout: float = 5.0) -> bool:
        """Block until ``path`` got ``count`` hits (True) or ``timeout`` passed (False)."""
        deadline = time.monotonic() + timeout
        while self.hits[path] < count:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def __enter__(self) -> Origin:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.partition("?")[0]
        headers = {name.lower(): value for name, value in handler.headers.items()}
        seen = Seen(handler.command, handler.path, headers, time.monotonic())
        length = int(headers.get("content-length") or 0)
        if length:
            handler.rfile.read(length)
        with self._lock:
            self.seen.append(seen)
            self.hits[path] += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            route = self._routes.get(path)
        try:
            reply = Reply(404, body=b"no route") if route is None else route
            if not isinstance(reply, Reply):
                reply = reply(seen)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.drop:
                handler.close_connection = True
                return
            _write(handler, reply)
        finally:
            with self._lock:
                self.in_flight -= 1


def _write(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
    handler.send_response_only(reply.status)
    names = {name.lower() for name, _ in reply.headers}
    if reply.date and "date" not in names:
        handler.send_header("Date", formatdate(time.time(), usegmt=True))
    for name, value in reply.headers:
        handler.send_header(name, value)
    bodiless = reply.status in (204, 304) or handler.command == "HEAD"
    if not bodiless:
        handler.send_header("Content-Length", str(len(reply.body)))
    handler.end_headers()
    if not bodiless:
        handler.wfile.write(reply.body)


def _handler_for(origin: Origin) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes: without this, Nagle's algorithm
            # and the client's delayed ACK add 40 ms to every keep-alive response.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

        def __getattr__(self, name: str) -> Any:
            if name.startswith("do_"):  # any method token: GET, POST, M-SEARCH...
                return lambda: origin._answer(self)
            raise AttributeError(name)

    return Handler
