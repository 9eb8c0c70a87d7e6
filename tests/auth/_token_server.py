"""A tiny server that accepts only the Authorization values it is told to (401 otherwise).

It is the second half of a token refresh: the tests rotate ``valid`` the way an
identity provider would, and ``hold`` makes every 401 wait until N requests got
one, so that concurrent failures are concurrent for sure.
"""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = ["TokenServer"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def do_GET(self) -> None:
        """Answer 200 with the credential seen, or 401 when it is not (or no longer) valid."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        owner = self.server.owner
        seen = self.headers.get("Authorization")
        ok = owner.record(seen, body)
        if not ok and owner.hold is not None:
            # Answer anyway if the party never fills up; the test's counts then tell.
            with contextlib.suppress(threading.BrokenBarrierError):
                owner.hold.wait(timeout=10)
        payload = json.dumps({"authorization": seen, "body": body.decode()}).encode()
        self.send_response(200 if ok else 401)
        if not ok:
            self.send_header("WWW-Authenticate", 'Bearer realm="tests"')
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_POST = do_GET


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, owner: TokenServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)


class TokenServer:
    """Counts 200s and 401s; ``valid`` holds the accepted Authorization values."""

    def __init__(self, *valid: str) -> None:
        self.valid = set(valid)
        self.hold: threading.Barrier | None = None
        self.seen: list[str | None] = []
        self.bodies: list[bytes] = []
        self.ok = 0
        self.refused = 0
        self._lock = threading.Lock()
        self._httpd = _Server(self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def record(self, authorization: str | None, body: bytes) -> bool:
        """Remember one request; True when its credential is accepted."""
        with self._lock:
            self.seen.append(authorization)
            self.bodies.append(body)
            ok = authorization in self.valid
            if ok:
                self.ok += 1
            else:
                self.refused += 1
            return ok

    def __enter__(self) -> TokenServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
