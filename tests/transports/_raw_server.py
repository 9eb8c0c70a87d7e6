"""A raw-socket HTTP server on 127.0.0.1 that answers with exactly the bytes a test gives it.

Hostile cases (bad framing, malformed header lines, stray bytes after a 204, 1xx
interim responses...) need bytes no well-behaved server library would send::

    with RawServer(b"HTTP/1.1 200 OK\\r\\nContent-Length: abc\\r\\n\\r\\nhello") as raw:
        api.get(raw.url("/x"))

Each request gets the next reply in order (the last one repeats). After a reply
the connection is closed, unless the reply is a ``Reply(..., keep_open=True)``:
then the server reads the next request on the same connection. The server records
the head of every request (``heads``) and counts connections (``connections``).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Union

__all__ = ["RawServer", "Reply"]

_MAX_HEAD = 64 * 1024


@dataclass(frozen=True)
class Reply:
    """Bytes to send for one request, and whether the connection stays open afterwards."""

    data: bytes
    keep_open: bool = False


class RawServer:
    """Serves scripted replies on its own port; use as a context manager."""

    def __init__(self, *replies: Union[bytes, Reply]) -> None:
        if not replies:
            raise ValueError("RawServer needs at least one reply")
        self._replies = [r if isinstance(r, Reply) else Reply(r) for r in replies]
        self._lock = threading.Lock()
        self._served = 0
        self.heads: list[bytes] = []
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._open: set[socket.socket] = set()
        self._stopping = False
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    def url(self, path: str = "/") -> str:
        """An absolute URL on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def targets(self) -> list[str]:
        """The request target of every request received (``/path?query``), as sent."""
        return [head.split(b" ", 2)[1].decode("latin-1") for head in self.heads]

    def __enter__(self) -> RawServer:
        self._acceptor.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopping = True
        with contextlib.suppress(OSError):  # wakes accept(); close() alone does not on Linux
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            for conn in list(self._open):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        self._acceptor.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)

    def _accept(self) -> None:
        while not self._stopping:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._open.add(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _next_reply(self, head: bytes) -> Reply:
        with self._lock:
            self.heads.append(head)
            reply = self._replies[min(self._served, len(self._replies) - 1)]
            self._served += 1
        return reply

    def _serve(self, conn: socket.socket) -> None:
        buffer = b""
        try:
            while True:
                while b"\r\n\r\n" not in buffer:
                    if len(buffer) > _MAX_HEAD:
                        return
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                buffer = self._skip_body(conn, head, buffer)
                reply = self._next_reply(head)
                conn.sendall(reply.data)
                if not reply.keep_open:
                    return
        except OSError:
            return
        finally:
            with self._lock:
                self._open.discard(conn)
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    @staticmethod
    def _skip_body(conn: socket.socket, head: bytes, buffer: bytes) -> bytes:
        """Consume a Content-Length request body (the tests send no chunked bodies)."""
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(buffer) < length:
            data = conn.recv(65536)
            if not data:
                break
            buffer += data
        return buffer[length:]
