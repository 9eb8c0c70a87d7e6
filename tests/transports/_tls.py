"""A small HTTPS server on 127.0.0.1 with a throwaway CA (trustme), for the TLS tests."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import trustme
from cryptography.hazmat.primitives import serialization

__all__ = ["TLSServer"]


class _Handler(BaseHTTPRequestHandler):
    """``/slow`` answers after 3 s (or when the server stops); anything else answers at once."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def setup(self) -> None:
        """Count the connection."""
        super().setup()
        owner: TLSServer = self.server.owner  # type: ignore[attr-defined]
        owner.note_connection()

    def do_GET(self) -> None:
        """Answer JSON describing the request, after a wait for /slow; /whoami names the client.

        A Cookie header received is echoed as ``cookie``; ``/set-secure-cookie`` sets
        ``secure_id=1; Secure``.
        """
        if self.path.startswith("/slow"):
            owner: TLSServer = self.server.owner  # type: ignore[attr-defined]
            owner.stopping.wait(3)
        payload: dict[str, Any] = {"path": self.path, "tls": True}
        if self.path.startswith("/whoami"):
            peer = self.connection.getpeercert()
            names = [
                v for rdn in (peer or {}).get("subject", ()) for k, v in rdn if k == "commonName"
            ]
            payload = {"client": names[0] if names else None}
        cookie = self.headers.get("Cookie")
        if cookie is not None:
            payload["cookie"] = cookie
        body = json.dumps(payload).encode()
        self.send_response(200)
        if self.path.startswith("/set-secure-cookie"):
            self.send_header("Set-Cookie", "secure_id=1; Secure; HttpOnly; Path=/")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class TLSServer:
    """HTTPS on 127.0.0.1 with a certificate from its own CA; ``trust()`` gives a client context.

    With ``client_certs``, the handshake demands a client certificate issued by
    the same CA (``self.ca.issue_cert(...)`` makes one).
    """

    def __init__(self, *, client_certs: bool = False) -> None:
        self.ca = trustme.CA()
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1").configure_cert(server_context)
        # A client certificate is asked for, not required, and checked against the same CA.
        server_context.verify_mode = ssl.CERT_OPTIONAL
        self.ca.configure_trust(server_context)
        self._files = tempfile.TemporaryDirectory()
        self.ca_path = os.path.join(self._files.name, "ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_path)
        self.client_pem = os.path.join(self._files.name, "client.pem")
        client = self.ca.issue_cert("client@example.test", common_name="client@example.test")
        client.private_key_and_cert_chain_pem.write_to_path(self.client_pem)
        if client_certs:
            server_context.verify_mode = ssl.CERT_REQUIRED
            self.ca.configure_trust(server_context)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.socket = server_context.wrap_socket(self._httpd.socket, server_side=True)
        self._httpd.owner = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self.connections = 0

    @property
    def url(self) -> str:
        """https://127.0.0.1:PORT"""
        return f"https://127.0.0.1:{self._httpd.server_address[1]}"

    def trust(self) -> ssl.SSLContext:
        """A client SSL context that trusts this server's CA (and nothing else)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self.ca.configure_trust(context)
        return context

    def client_files(self, directory: str, password: bytes | None = None) -> tuple[str, ...]:
        """A client certificate as ``(cert file, key file)``, or with ``password`` as
        ``(cert file, encrypted key file, password)``: the ``cert`` forms besides one PEM."""
        issued = self.ca.issue_cert("files@example.test", common_name="files@example.test")
        cert = os.path.join(directory, "client-cert.pem")
        key = os.path.join(directory, "client-key.pem")
        issued.cert_chain_pems[0].write_to_path(cert)
        if password is None:
            issued.private_key_pem.write_to_path(key)
            return cert, key
        private = serialization.load_pem_private_key(issued.private_key_pem.bytes(), None)
        encrypted = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password),
        )
        with open(key, "wb") as file:
            file.write(encrypted)
        return cert, key, password.decode()

    def ca_directory(self, directory: str) -> str:
        """An OpenSSL CA directory (``openssl rehash``) holding this server's CA: ``verify=DIR``."""
        path = os.path.join(directory, "cas")
        os.mkdir(path)
        self.ca.cert_pem.write_to_path(os.path.join(path, "ca.pem"))
        subprocess.run(["openssl", "rehash", path], check=True, capture_output=True)
        return path

    def note_connection(self) -> None:
        """Count one accepted connection (a TLS handshake that succeeded)."""
        with self._lock:
            self.connections += 1

    def __enter__(self) -> TLSServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
        self._files.cleanup()
