"""A small HTTP proxy on 127.0.0.1 for the tests: CONNECT tunnels and plain forwarding.

``CONNECT host:port`` opens a tunnel (what HTTPS through a proxy uses);
``GET http://host/path`` (absolute form) is forwarded to the origin with
``Connection: close``, and its answer relayed back. Every request is recorded
with its Proxy-Authorization header, so tests can check what reached the proxy::

    with Proxy() as proxy:
        api = axios_python.create({"proxy": proxy.url})
        api.get(f"{server.url}/get")
        assert proxy.seen == [("GET", f"{server.url}/get", None)]
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from types import TracebackType
from urllib.parse import urlsplit

__all__ = ["Proxy"]


class Proxy:
    """Tunnels and forwards; ``seen`` lists (method, target, Proxy-Authorization) per request."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self.seen: list[tuple[str, str, str | None]] = []
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: set[socket.socket] = set()

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self.port}"

    def url_with(self, user: str, password: str) -> str:
        """The proxy URL with credentials in it."""
        return f"http://{user}:{password}@127.0.0.1:{self.port}"

    def __enter__(self) -> Proxy:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            for sock in list(self._sockets):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        for thread in list(self._threads):
            thread.join(timeout=5)

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _track(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.add(sock)
        return sock

    def _serve(self, client: socket.socket) -> None:
        self._track(client)
        upstream: socket.socket | None = None
        try:
            head, rest = _read_head(client)
            if head is None:
                return
            lines = head.decode("latin-1").split("\r\n")
            method, target, version = lines[0].split(" ", 2)
            headers = [line.split(":", 1) for line in lines[1:] if ":" in line]
            auth = next((v.strip() for k, v in headers if k.lower() == "proxy-authorization"), None)
            with self._lock:
                self.seen.append((method, target, auth))
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                upstream = self._track(socket.create_connection((host, int(port)), timeout=5))
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                if rest:
                    upstream.sendall(rest)
            else:
                parts = urlsplit(target)
                upstream = self._track(
                    socket.create_connection((parts.hostname, parts.port or 80), timeout=5)
                )
                path = parts.path or "/"
                if parts.query:
                    path += "?" + parts.query
                kept = [
                    f"{k}:{v}"
                    for k, v in headers
                    if k.lower() not in ("proxy-authorization", "proxy-connection", "connection")
                ]
                forwarded = "\r\n".join([f"{method} {path} {version}", *kept, "Connection: close"])
                upstream.sendall(forwarded.encode("latin-1") + b"\r\n\r\n" + rest)
            _pipe(client, upstream, self._stopping)
        except OSError:
            return
        finally:
            for sock in (client, upstream):
                if sock is not None:
                    with self._lock:
                        self._sockets.discard(sock)
                    with contextlib.suppress(OSError):
                        sock.close()


def _read_head(sock: socket.socket) -> tuple[bytes | None, bytes]:
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        data = sock.recv(65536)
        if not data:
            return None, b""
        buffer += data
    head, _, rest = buffer.partition(b"\r\n\r\n")
    return head, rest


def _pipe(one: socket.socket, other: socket.socket, stopping: threading.Event) -> None:
    """Copy bytes both ways until either side closes."""
    peers = {one: other, other: one}
    while not stopping.is_set():
        readable, _, _ = select.select(list(peers), [], [], 0.2)
        for sock in readable:
            data = sock.recv(65536)
            if not data:
                return
            peers[sock].sendall(data)
