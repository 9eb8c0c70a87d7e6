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

import select
import socket
import threading
from urllib.parse import urlsplit

from ._loopback import LoopbackServer

__all__ = ["Proxy"]


class Proxy(LoopbackServer):
    """Tunnels and forwards; ``seen`` lists (method, target, Proxy-Authorization) per request."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str, str | None]] = []

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self.port}"

    def url_with(self, user: str, password: str) -> str:
        """The proxy URL with credentials in it."""
        return f"http://{user}:{password}@127.0.0.1:{self.port}"

    def serve(self, sock: socket.socket) -> None:
        """One proxied request: a CONNECT tunnel, or one forwarded request and its answer."""
        head, rest = _read_head(sock)
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
            upstream = self.track(socket.create_connection((host, int(port)), timeout=5))
            sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:
                upstream.sendall(rest)
        else:
            parts = urlsplit(target)
            upstream = self.track(
                socket.create_connection((parts.hostname, parts.port or 80), timeout=5)
            )
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            kept = [
                f"{k}:{v}"
                for k, v in headers
                if k.lower() not in ("proxy-authorization", "proxy-connection", "connection")
            ]
            forwarded = "\r\n".join([f"{method} {path} {version}", *kept, "Connection: close"])
            upstream.sendall(forwarded.encode("latin-1") + b"\r\n\r\n" + rest)
        with upstream:
            _pipe(sock, upstream, self.stopping)


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
