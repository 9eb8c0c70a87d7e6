"""A raw-socket HTTP/1.1 server on 127.0.0.1 whose every answer is a function of the test.

For what a polite server never does: trickle a body one byte at a time, send a
gzip bomb, read a request and hang up without answering, close a kept-alive
connection as the next request arrives. The test's ``answer(conn, index)`` is
called for each request head read on a connection (``index`` counts requests
on that connection from 0) and writes whatever it likes; it returns True to
keep the connection for another request::

    def answer(conn: Conn, index: int) -> bool:
        conn.send_head(200, [("Content-Length", "5")])
        conn.trickle(b"hello", pause=0.2)
        return True

    with HostileServer(answer) as srv:
        api.get(srv.url("/x"))
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterable

from ._loopback import LoopbackServer

__all__ = ["Conn", "HostileServer"]

_MAX_HEAD = 64 * 1024


class Conn:
    """One accepted connection as the answer function sees it."""

    def __init__(self, sock: socket.socket, server: HostileServer) -> None:
        self.sock = sock
        self.server = server
        self.head = b""  # the request head being answered (request line and headers)
        self.body = b""  # its Content-Length body
        self._buffer = b""

    @property
    def target(self) -> str:
        """The request target of the request being answered (``/path?query``)."""
        return self.head.split(b" ", 2)[1].decode("latin-1")

    @property
    def method(self) -> str:
        """The method of the request being answered."""
        return self.head.split(b" ", 1)[0].decode("latin-1")

    def header(self, name: str) -> str | None:
        """A header of the request being answered, or None."""
        wanted = name.lower().encode("latin-1")
        for line in self.head.split(b"\r\n")[1:]:
            key, _, value = line.partition(b":")
            if key.strip().lower() == wanted:
                return value.strip().decode("latin-1")
        return None

    def read_request(self) -> bool:
        """Read the next request head and its Content-Length body; False when the client left."""
        while b"\r\n\r\n" not in self._buffer:
            if len(self._buffer) > _MAX_HEAD:
                return False
            data = self.sock.recv(65536)
            if not data:
                return False
            self._buffer += data
        self.head, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        length = int(self.header("content-length") or 0)
        while len(self._buffer) < length:
            data = self.sock.recv(65536)
            if not data:
                return False
            self._buffer += data
        self.body, self._buffer = self._buffer[:length], self._buffer[length:]
        return True

    def send_head(self, status: int, headers: Iterable[tuple[str, str]] = ()) -> None:
        """Send a status line and headers (the caller sends the body and frames it)."""
        lines = [f"HTTP/1.1 {status} X"] + [f"{name}: {value}" for name, value in headers]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def send(self, data: bytes) -> None:
        """Send raw bytes."""
        self.sock.sendall(data)

    def trickle(self, data: bytes, pause: float, size: int = 1) -> None:
        """Send ``data`` ``size`` bytes at a time with ``pause`` seconds between sends."""
        for start in range(0, len(data), size):
            if self.server.stopping.is_set():
                return
            self.sock.sendall(data[start : start + size])
            time.sleep(pause)

    def reset(self) -> None:
        """Hang up with a TCP reset (SO_LINGER 0), whatever the client sent."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
        self.sock.close()


Answer = Callable[[Conn, int], bool]


class HostileServer(LoopbackServer):
    """Serves every connection with ``answer``; counts connections and requests."""

    def __init__(self, answer: Answer) -> None:
        super().__init__()
        self._answer = answer
        self.requests: list[str] = []  # "METHOD target" of every request read

    def url(self, path: str = "/") -> str:
        """An absolute URL on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, sock: socket.socket) -> None:
        """Read requests on ``sock`` and answer each until the answer says stop."""
        conn = Conn(sock, self)
        index = 0
        while conn.read_request():
            with self._lock:
                self.requests.append(f"{conn.method} {conn.target}")
            if not self._answer(conn, index):
                return
            index += 1
