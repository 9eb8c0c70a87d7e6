"""An HTTPS server on 127.0.0.1 that speaks HTTP/2 when ALPN picks it, HTTP/1.1 otherwise.

Just enough to prove a transport negotiated HTTP/2: every request is answered
200 with JSON naming the protocol it came over and its path.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import tempfile
from types import TracebackType

import h2.config
import h2.connection
import h2.events
import trustme

from ._loopback import LoopbackServer

__all__ = ["H2Server"]


def _answer(protocol: str, path: str) -> bytes:
    return json.dumps({"protocol": protocol, "path": path}).encode()


class H2Server(LoopbackServer):
    """``url`` serves HTTP/2 or HTTP/1.1 over TLS from a private CA (``ca_path``)."""

    def __init__(self) -> None:
        super().__init__()
        ca = trustme.CA()
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(self._context)
        self._context.set_alpn_protocols(["h2", "http/1.1"])
        self._files = tempfile.TemporaryDirectory()
        self.ca_path = os.path.join(self._files.name, "ca.pem")
        ca.cert_pem.write_to_path(self.ca_path)

    @property
    def url(self) -> str:
        """https://127.0.0.1:PORT"""
        return f"https://127.0.0.1:{self.port}"

    def serve(self, sock: socket.socket) -> None:
        """TLS, then HTTP/2 if ALPN chose it, else HTTP/1.1."""
        sock.settimeout(5)
        try:
            with self._context.wrap_socket(sock, server_side=True) as conn:
                if conn.selected_alpn_protocol() == "h2":
                    self._serve_h2(conn)
                else:
                    self._serve_http11(conn)
        except ssl.SSLError:
            pass  # a client that refused our certificate

    @staticmethod
    def _serve_http11(conn: ssl.SSLSocket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(65536)
            if not chunk:
                return
            head += chunk
        path = head.split(b" ", 2)[1].decode()
        body = _answer("HTTP/1.1", path)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )

    @staticmethod
    def _serve_h2(conn: ssl.SSLSocket) -> None:
        config = h2.config.H2Configuration(client_side=False)
        h2conn = h2.connection.H2Connection(config=config)
        h2conn.initiate_connection()
        conn.sendall(h2conn.data_to_send())
        while True:
            data = conn.recv(65536)
            if not data:
                return
            for event in h2conn.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    path = next((v.decode() for k, v in event.headers or () if k == b":path"), "")
                    body = _answer("HTTP/2", path)
                    h2conn.send_headers(
                        event.stream_id,
                        [
                            (":status", "200"),
                            ("content-type", "application/json"),
                            ("content-length", str(len(body))),
                        ],
                    )
                    h2conn.send_data(event.stream_id, body, end_stream=True)
                elif isinstance(event, h2.events.ConnectionTerminated):
                    conn.sendall(h2conn.data_to_send())
                    return
            conn.sendall(h2conn.data_to_send())

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        super().__exit__(exc_type, exc, tb)
        self._files.cleanup()
