"""A threaded HTTP/1.1 echo server on 127.0.0.1 for the tests, the tour and the docs.

Only the standard library is used, so it runs before anything else is installed::

    python examples/echo_server.py --port 8080

In code, start it with a ``with`` block and build URLs from ``srv.url``::

    with EchoServer() as srv:
        ...  # e.g. GET f"{srv.url}/get?a=1"

Every request is recorded (``srv.requests``, ``srv.hits``) and the server counts
accepted connections and connections the client abandoned mid-request, so tests can
check keep-alive, retries and cancellation against a real socket.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import email.parser
import email.policy
import email.utils
import gzip
import json
import random
import selectors
import socket
import struct
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from types import TracebackType
from typing import Any, NoReturn
from urllib.parse import parse_qsl, urlsplit

__all__ = ["EchoServer", "RecordedRequest", "main", "refusing_port"]

_POLL_INTERVAL = 0.02  # seconds between checks that the client is still there
_MAX_DELAY = 30.0  # longest /delay and /drip duration, in seconds
_WRITE_BLOCK = 64 * 1024  # size of one write for /large
_MAX_GENERATED = 16 * 1024 * 1024  # cap for /bytes and /stream-bytes (held in memory)
_MAX_LARGE = 1024 * 1024 * 1024  # cap for /large (streamed, never held in memory)
_MAX_LINES = 100_000  # cap for /stream
_MAX_DRIP = 1024 * 1024  # cap for /drip
_NO_BODY_STATUSES = frozenset({204, 304})
# Byte i of every /large body is i % 256; a 64 KiB block of that pattern repeats exactly.
_LARGE_BLOCK = bytes(range(256)) * (_WRITE_BLOCK // 256)
_FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding"})

_SLIDESHOW: dict[str, Any] = {
    "slideshow": {
        "title": "A Tour of the Echo Server",
        "author": "axios-python",
        "date": "2024-01-01",
        "slides": [
            {"type": "title", "title": "Hello from 127.0.0.1"},
            {
                "type": "list",
                "title": "What it does",
                "items": ["echoes requests", "fails on purpose", "streams slowly"],
            },
        ],
    }
}

_HTML = (
    '<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"><title>Echo server</title></head>\n'
    "<body><h1>Echo server</h1><p>A small page for tests.</p></body>\n</html>\n"
)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it (body already de-chunked)."""

    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    client_port: int

    def header(self, name: str) -> str | None:
        """Return the last value sent for header ``name`` (any case), or None."""
        wanted = name.lower()
        found: str | None = None
        for key, value in self.headers:
            if key.lower() == wanted:
                found = value
        return found


class _ClientGone(Exception):
    """The client closed or reset the connection before the response was done."""


class _BadRequest(Exception):
    """The request cannot be served as asked; the message says why."""


def refusing_port() -> int:
    """Return a port on 127.0.0.1 with nothing listening on it (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _decode(data: bytes) -> str:
    """Decode bytes as UTF-8, falling back to latin-1 (which never fails)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _pseudo_random(size: int, seed: int) -> bytes:
    """Return ``size`` deterministic random-looking bytes for ``seed``."""
    return random.Random(seed).randbytes(size)


def _int_param(value: str | None, default: int, name: str, low: int, high: int) -> int:
    """Parse an integer parameter in ``[low, high]``, or raise _BadRequest."""
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise _BadRequest(f"{name} must be an integer, got {value!r}") from None
    if not low <= number <= high:
        raise _BadRequest(f"{name} must be between {low} and {high}, got {number}")
    return number


def _float_param(value: str | None, default: float, name: str) -> float:
    """Parse a non-negative float parameter capped at the longest allowed wait."""
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise _BadRequest(f"{name} must be a number, got {value!r}") from None
    if not number >= 0:  # also rejects NaN
        raise _BadRequest(f"{name} must be >= 0, got {value!r}")
    return min(number, _MAX_DELAY)


def _parse_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Split a multipart/form-data body into plain fields and file fields."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    form: dict[str, str] = {}
    files: dict[str, dict[str, str]] = {}
    if not message.is_multipart():
        return form, files
    for part in message.iter_parts():
        raw_name = part.get_param("name", header="content-disposition")
        if isinstance(raw_name, tuple):
            raw_name = email.utils.collapse_rfc2231_value(raw_name)
        if not raw_name:
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            form[raw_name] = _decode(content)
        else:
            files[raw_name] = {
                "filename": filename,
                "content_type": part.get_content_type(),
                "content": _decode(content),
            }
    return form, files


def _header_dict(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Map header names (case as sent) to values, joining repeats with ", "."""
    result: dict[str, str] = {}
    for key, value in pairs:
        result[key] = f"{result[key]}, {value}" if key in result else value
    return result


_Endpoint = Callable[["_Handler", RecordedRequest, list[str]], None]


class _Handler(BaseHTTPRequestHandler):
    """Serves one connection: reads requests, records them and routes to an endpoint."""

    protocol_version = "HTTP/1.1"
    server_version = "EchoServer/1.0"
    disable_nagle_algorithm = True

    def setup(self) -> None:
        """Prepare per-connection state."""
        super().setup()
        self._gone = False
        self._headers_sent = False
        self._in_flight = False

    @property
    def _http_server(self) -> _HTTPServer:
        """The listening server this connection belongs to."""
        server = self.server
        assert isinstance(server, _HTTPServer)
        return server

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests read the recorded requests instead of a log."""

    def do_GET(self) -> None:
        """Serve any method the same way: the endpoint decides what to do."""
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_TRACE = do_GET

    def __getattr__(self, name: str) -> Any:
        """Serve any other method token too (``M-SEARCH``, ``PROPFIND``): the same way."""
        if name.startswith("do_"):
            return self.do_GET
        raise AttributeError(name)

    # -- request side -------------------------------------------------------------

    def _dispatch(self) -> None:
        """Read the body, record the request, run the endpoint and map failures."""
        self._headers_sent = False
        try:
            body = self._read_body()
        except _ClientGone:
            return
        except _BadRequest as exc:
            self.close_connection = True  # the rest of the stream cannot be trusted
            self._answer_error(400, str(exc))
            return
        split = urlsplit(self.path)
        record = RecordedRequest(
            method=self.command,
            path=split.path or "/",
            query=split.query,
            headers=[(str(key), str(value)) for key, value in self.headers.items()],
            body=body,
            client_port=int(self.client_address[1]),
        )
        owner = self._http_server.owner
        owner._record(record)
        parts = [segment for segment in record.path.split("/") if segment]
        name = parts[0] if parts else ""
        arity, endpoint = _ROUTES.get(name, (None, _Handler._not_found))
        owner._begin_request()
        self._in_flight = True
        try:
            if arity is not None and len(parts) - 1 != arity:
                endpoint = _Handler._not_found
            endpoint(self, record, parts[1:])
        except _ClientGone:
            return
        except _BadRequest as exc:
            self._answer_error(400, str(exc))
        except Exception:
            self._answer_error(500, traceback.format_exc())
        finally:
            self._answered()

    def _answered(self) -> None:
        """Count this request answered, once, just before its last bytes are written.

        A client that has read a whole response then never finds it still in flight
        (for peak_in_flight); a response that ends otherwise is counted on return.
        """
        if self._in_flight:
            self._in_flight = False
            self._http_server.owner._end_request()

    def _answer_error(self, status: int, message: str) -> None:
        """Send a JSON error if nothing was sent yet, otherwise drop the connection."""
        if self._headers_sent:
            self.close_connection = True
            return
        with contextlib.suppress(_ClientGone):
            self._send_json({"error": message}, status=status)

    def _read_body(self) -> bytes:
        """Read the request body framed by Content-Length or chunked encoding."""
        encoding = self.headers.get("Transfer-Encoding", "")
        if "chunked" in encoding.lower():
            return self._read_chunked()
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            return b""
        try:
            length = int(length_text)
        except ValueError:
            raise _BadRequest(f"bad Content-Length {length_text!r}") from None
        if length < 0:
            raise _BadRequest(f"bad Content-Length {length_text!r}")
        return self._read_exact(length)

    def _read_chunked(self) -> bytes:
        """Read a chunked request body, discarding any trailers."""
        pieces: list[bytes] = []
        while True:
            size_text = self._read_line().split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise _BadRequest(f"bad chunk size {size_text!r}") from None
            if size < 0:
                raise _BadRequest(f"bad chunk size {size_text!r}")
            if size == 0:
                break
            pieces.append(self._read_exact(size))
            if self._read_line():
                raise _BadRequest("chunk data not followed by CRLF")
        while self._read_line():
            pass  # trailer fields are allowed and ignored
        return b"".join(pieces)

    def _read_line(self) -> bytes:
        """Read one CRLF-terminated line without its line ending."""
        try:
            line = self.rfile.readline(65537)
        except OSError:
            line = b""
        if not line:
            self._client_went_away()
        if not line.endswith(b"\n"):
            raise _BadRequest("line too long in chunked body")
        return line.rstrip(b"\r\n")

    def _read_exact(self, size: int) -> bytes:
        """Read exactly ``size`` body bytes or notice that the client went away."""
        try:
            data = self.rfile.read(size)
        except OSError:
            data = b""
        if len(data) < size:
            self._client_went_away()
        return data

    # -- response side ------------------------------------------------------------

    def _client_went_away(self) -> NoReturn:
        """Count this connection as abandoned by the client (once) and unwind."""
        self.close_connection = True
        if not self._gone:
            self._gone = True
            server = self._http_server
            if not server.stopping:
                server.owner._count_client_gone()
        raise _ClientGone

    def _write(self, data: bytes) -> None:
        """Write to the socket, turning a broken connection into _ClientGone."""
        try:
            self.wfile.write(data)
        except OSError:
            self._client_went_away()

    def _wait(self, seconds: float) -> None:
        """Sleep ``seconds`` while watching for the client to close the connection."""
        deadline = time.monotonic() + seconds
        sock: socket.socket = self.connection
        with selectors.DefaultSelector() as selector:
            try:
                selector.register(sock, selectors.EVENT_READ)
            except (OSError, ValueError):
                self._client_went_away()
            while (remaining := deadline - time.monotonic()) > 0:
                step = min(_POLL_INTERVAL, remaining)
                try:
                    ready = selector.select(step)
                    peeked = sock.recv(1, socket.MSG_PEEK) if ready else None
                except (OSError, ValueError):
                    peeked = b""
                if peeked == b"":
                    self._client_went_away()
                if peeked:
                    time.sleep(step)  # a pipelined request waits; nothing to learn yet

    def _start(self, status: int, headers: Iterable[tuple[str, str]]) -> None:
        """Send the status line and headers."""
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self._headers_sent = True
        try:
            self.end_headers()
        except OSError:
            self._client_went_away()

    def _send(
        self,
        body: bytes,
        *,
        status: int = 200,
        content_type: str | None = None,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Send a complete response framed by Content-Length."""
        all_headers = list(headers)
        names = {key.lower() for key, _ in all_headers}
        if content_type is not None and "content-type" not in names:
            all_headers.insert(0, ("Content-Type", content_type))
        has_body = status not in _NO_BODY_STATUSES
        if has_body:
            all_headers.append(("Content-Length", str(len(body))))
        last_is_body = has_body and body and self.command != "HEAD"
        if not last_is_body:
            self._answered()  # the headers are the whole response
        self._start(status, all_headers)
        if last_is_body:
            self._answered()
            self._write(body)

    def _send_json(
        self, payload: Any, *, status: int = 200, headers: Iterable[tuple[str, str]] = ()
    ) -> None:
        """Send ``payload`` as a JSON response."""
        body = json.dumps(payload).encode("utf-8")
        self._send(body, status=status, content_type="application/json", headers=headers)

    def _send_chunked(
        self,
        chunks: Iterable[bytes],
        *,
        content_type: str,
        headers: Iterable[tuple[str, str]] = (),
        status: int = 200,
    ) -> None:
        """Send a streamed response with chunked encoding (close-delimited for HTTP/1.0)."""
        all_headers = [("Content-Type", content_type), *headers]
        chunked = self.request_version != "HTTP/1.0"
        if chunked:
            all_headers.append(("Transfer-Encoding", "chunked"))
        else:
            all_headers.append(("Connection", "close"))
        if self.command == "HEAD":
            self._answered()
            self._start(status, all_headers)
            return
        self._start(status, all_headers)
        for chunk in chunks:
            if chunk:
                self._write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
        if chunked:
            self._answered()
            self._write(b"0\r\n\r\n")

    # -- endpoints ----------------------------------------------------------------

    def _echo_payload(self, req: RecordedRequest) -> dict[str, Any]:
        """Describe the request the way the echo endpoints answer it."""
        args_multi: dict[str, list[str]] = {}
        for key, value in parse_qsl(req.query, keep_blank_values=True):
            args_multi.setdefault(key, []).append(value)
        content_type = req.header("Content-Type") or ""
        mime = content_type.split(";", 1)[0].strip().lower()
        parsed_json: Any = None
        if req.body:
            try:
                parsed_json = json.loads(req.body)
            except (ValueError, RecursionError):
                parsed_json = None
        form: dict[str, str] = {}
        files: dict[str, dict[str, str]] = {}
        if mime == "application/x-www-form-urlencoded":
            form = dict(parse_qsl(_decode(req.body), keep_blank_values=True))
        elif mime == "multipart/form-data":
            form, files = _parse_multipart(content_type, req.body)
        return {
            "method": req.method,
            "path": req.path,
            "url": self._base_url() + req.path + (f"?{req.query}" if req.query else ""),
            "args": {key: values[-1] for key, values in args_multi.items()},
            "args_multi": args_multi,
            "headers": _header_dict(req.headers),
            "body": _decode(req.body),
            "json": parsed_json,
            "form": form,
            "files": files,
            "client_port": req.client_port,
        }

    def _base_url(self) -> str:
        """Return scheme and authority as the client addressed this server."""
        host = self.headers.get("Host")
        if not host:
            address = self._http_server.server_address
            host = f"{address[0]!s}:{address[1]!s}"
        return f"http://{host}"

    def _query(self, req: RecordedRequest) -> dict[str, str]:
        """Return the query parameters, the last value winning."""
        return dict(parse_qsl(req.query, keep_blank_values=True))

    def _echo(self, req: RecordedRequest, rest: list[str]) -> None:
        """Echo the request as JSON."""
        self._send_json(self._echo_payload(req))

    def _not_found(self, req: RecordedRequest, rest: list[str]) -> None:
        """Answer 404 for paths the server does not know."""
        self._send_json({"error": "not found", "path": req.path}, status=404)

    def _status(self, req: RecordedRequest, rest: list[str]) -> None:
        """Answer an empty body with the status from the path (and optional Retry-After)."""
        status = _int_param(rest[0], 200, "status", 200, 599)
        retry_after = self._query(req).get("retry_after")
        headers = [("Retry-After", retry_after)] if retry_after is not None else []
        self._send(b"", status=status, headers=headers)

    def _json(self, req: RecordedRequest, rest: list[str]) -> None:
        """Answer a fixed JSON document."""
        self._send_json(_SLIDESHOW)

    def _text(self, req: RecordedRequest, rest: list[str]) -> None:
        """Answer "hello world" as UTF-8 text."""
        self._send(b"hello world", content_type="text/plain; charset=utf-8")

    def _html(self, req: RecordedRequest, rest: list[str]) -> None:
        """Answer a small HTML page."""
        self._send(_HTML.encode("utf-8"), content_type="text/html; charset=utf-8")

    def _bytes(self, req: RecordedRequest, rest: list[str]) -> None:
        """Answer n deterministic pseudo-random bytes (``?seed=`` picks another sequence)."""
        size = _int_param(rest[0], 0, "n", 0, _MAX_GENERATED)
        seed = _int_param(self._query(req).get("seed"), 0, "seed", 0, 2**31)
        self._send(_pseudo_random(size, seed), content_type="application/octet-stream")

    def _headers(self, req: RecordedRequest, rest: list[str]) -> None:
        """Answer the request headers."""
        self._send_json({"headers": _header_dict(req.headers)})

    def _ip(self, req: RecordedRequest, rest: list[str]) -> None:
        """Answer the client's address."""
        self._send_json({"origin": str(self.client_address[0])})

    def _user_agent(self, req: RecordedRequest, rest: list[str]) -> None:
        """Answer the User-Agent header."""
        self._send_json({"user-agent": req.header("User-Agent")})

    def _delay(self, req: RecordedRequest, rest: list[str]) -> None:
        """Wait (at most 30 s, stopping early if the client leaves), then echo."""
        self._wait(_float_param(rest[0], 0.0, "seconds"))
        self._send_json(self._echo_payload(req))

    def _stream_bytes(self, req: RecordedRequest, rest: list[str]) -> None:
        """Stream the bytes of /bytes/{n} in chunks of ``?chunk_size=`` (default 128)."""
        size = _int_param(rest[0], 0, "n", 0, _MAX_GENERATED)
        query = self._query(req)
        chunk_size = _int_param(query.get("chunk_size"), 128, "chunk_size", 1, _MAX_GENERATED)
        data = _pseudo_random(size, _int_param(query.get("seed"), 0, "seed", 0, 2**31))
        chunks = (data[i : i + chunk_size] for i in range(0, size, chunk_size))
        self._send_chunked(chunks, content_type="application/octet-stream")

    def _stream(self, req: RecordedRequest, rest: list[str]) -> None:
        """Stream n newline-delimited JSON objects, one chunk each."""
        count = _int_param(rest[0], 0, "n", 0, _MAX_LINES)
        args = self._query(req)
        lines = (
            json.dumps({"id": i, "path": req.path, "args": args}).encode("utf-8") + b"\n"
            for i in range(count)
        )
        self._send_chunked(lines, content_type="application/x-ndjson")

    def _drip(self, req: RecordedRequest, rest: list[str]) -> None:
        """Send ``numbytes`` bytes spread over ``duration`` seconds after ``delay``."""
        query = self._query(req)
        numbytes = _int_param(query.get("numbytes"), 10, "numbytes", 0, _MAX_DRIP)
        duration = _float_param(query.get("duration"), 2.0, "duration")
        status = _int_param(query.get("code"), 200, "code", 200, 599)
        self._wait(_float_param(query.get("delay"), 0.0, "delay"))
        steps = max(1, min(numbytes, int(duration / 0.01))) if numbytes else 0

        def chunks() -> Iterator[bytes]:
            """Yield the body in evenly spaced pieces."""
            sent = 0
            for step in range(steps):
                self._wait(duration / steps)
                target = numbytes * (step + 1) // steps
                yield b"*" * (target - sent)
                sent = target

        self._send_chunked(chunks(), content_type="application/octet-stream", status=status)

    def _redirect_response(self, location: str, status: int) -> None:
        """Send an empty redirect response."""
        self._send(b"", status=status, headers=[("Location", location)])

    def _redirect_status(self, req: RecordedRequest) -> int:
        """Return ``?status_code=`` (default 302) for redirect endpoints."""
        return _int_param(self._query(req).get("status_code"), 302, "status_code", 300, 399)

    def _redirect_to(self, req: RecordedRequest, rest: list[str]) -> None:
        """Redirect to ``?url=`` with ``?status_code=`` (default 302)."""
        url = self._query(req).get("url")
        if not url:
            raise _BadRequest("redirect-to needs ?url=")
        self._redirect_response(url, self._redirect_status(req))

    def _redirect(self, req: RecordedRequest, rest: list[str]) -> None:
        """Redirect n times with relative Locations, ending at /get."""
        self._redirect_chain(req, rest, absolute=False)

    def _absolute_redirect(self, req: RecordedRequest, rest: list[str]) -> None:
        """Redirect n times with absolute Locations, ending at /get."""
        self._redirect_chain(req, rest, absolute=True)

    def _redirect_chain(self, req: RecordedRequest, rest: list[str], *, absolute: bool) -> None:
        """Send one hop of an n-step redirect chain (the query string is kept)."""
        hops = _int_param(rest[0], 1, "n", 1, 100)
        name = "absolute-redirect" if absolute else "redirect"
        target = "/get" if hops == 1 else f"/{name}/{hops - 1}"
        if req.query:
            target += f"?{req.query}"
        if absolute:
            target = self._base_url() + target
        self._redirect_response(target, self._redirect_status(req))

    def _cookies(self, req: RecordedRequest, rest: list[str]) -> None:
        """Echo cookies (/cookies), set them (/cookies/set) or delete them (/cookies/delete)."""
        action = rest[0] if rest else ""
        if len(rest) > 1 or action not in {"", "set", "delete"}:
            self._not_found(req, rest)
            return
        if not action:
            cookies: dict[str, str] = {}
            for key, value in req.headers:
                if key.lower() != "cookie":
                    continue
                for item in value.split(";"):
                    name, sep, cookie_value = item.strip().partition("=")
                    if name and sep:
                        cookies[name] = cookie_value
            self._send_json({"cookies": cookies})
            return
        headers: list[tuple[str, str]] = []
        for name, value in parse_qsl(req.query, keep_blank_values=True):
            if action == "set":
                headers.append(("Set-Cookie", f"{name}={value}; Path=/"))
            else:
                expired = "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"
                headers.append(("Set-Cookie", f"{name}=; {expired}; Path=/"))
        headers.append(("Location", "/cookies"))
        self._send(b"", status=302, headers=headers)

    def _flaky(self, req: RecordedRequest, rest: list[str]) -> None:
        """Fail the first n requests per key with ``?status=`` (503), then answer 200."""
        key = rest[0]
        failures = _int_param(rest[1], 0, "n", 0, 1_000_000)
        query = self._query(req)
        status = _int_param(query.get("status"), 503, "status", 200, 599)
        attempt = self._http_server.owner._flaky_hit(key)
        if attempt > failures:
            self._send_json({"key": key, "attempt": attempt})
            return
        retry_after = query.get("retry_after")
        headers = [("Retry-After", retry_after)] if retry_after is not None else []
        payload = {"key": key, "attempt": attempt, "status": status}
        self._send_json(payload, status=status, headers=headers)

    def _gzip(self, req: RecordedRequest, rest: list[str]) -> None:
        """Answer gzip-compressed JSON with Content-Encoding: gzip."""
        payload = {
            "gzipped": True,
            "method": req.method,
            "headers": _header_dict(req.headers),
        }
        body = gzip.compress(json.dumps(payload).encode("utf-8"), mtime=0)
        self._send(body, content_type="application/json", headers=[("Content-Encoding", "gzip")])

    def _etag(self, req: RecordedRequest, rest: list[str]) -> None:
        """Answer with an ETag; 304 for a matching If-None-Match, 412 for a failed If-Match."""
        tag = f'"{rest[0]}"'
        headers = [("ETag", tag)]
        if_none_match = req.header("If-None-Match")
        if if_none_match is not None:
            tags = {item.strip().removeprefix("W/") for item in if_none_match.split(",")}
            if "*" in tags or tag in tags:
                self._send(b"", status=304, headers=headers)
                return
        if_match = req.header("If-Match")
        if if_match is not None:
            tags = {item.strip() for item in if_match.split(",")}
            if "*" not in tags and tag not in tags:
                self._send(b"", status=412)
                return
        self._send_json(self._echo_payload(req), headers=headers)

    def _cache(self, req: RecordedRequest, rest: list[str]) -> None:
        """Answer with Cache-Control: max-age and a counter of hits on this path."""
        seconds = _int_param(rest[0], 0, "seconds", 0, 10**9)
        counter = self._http_server.owner.hits[req.path]
        headers = [("Cache-Control", f"public, max-age={seconds}")]
        self._send_json({"counter": counter, "max_age": seconds}, headers=headers)

    def _response_headers(self, req: RecordedRequest, rest: list[str]) -> None:
        """Set the response headers named in the query and echo them as JSON."""
        headers: list[tuple[str, str]] = []
        echoed: dict[str, str | list[str]] = {}
        for name, value in parse_qsl(req.query, keep_blank_values=True):
            if name.lower() in _FRAMING_HEADERS:
                continue  # the server owns the message framing
            headers.append((name, value))
            previous = echoed.get(name)
            if previous is None:
                echoed[name] = value
            elif isinstance(previous, list):
                previous.append(value)
            else:
                echoed[name] = [previous, value]
        body = json.dumps(echoed).encode("utf-8")
        self._send(body, content_type="application/json", headers=headers)

    def _reset(self, req: RecordedRequest, rest: list[str]) -> None:
        """Drop the connection with a TCP reset and no response at all."""
        sock: socket.socket = self.connection
        self._http_server.owner._forget(sock)
        self.close_connection = True
        self._headers_sent = True
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        finally:
            self.rfile.close()  # drop the file's reference so close() really closes
            sock.close()

    def _large(self, req: RecordedRequest, rest: list[str]) -> None:
        """Send n bytes (byte i is i % 256) with Content-Length, in 64 KiB writes."""
        size = _int_param(rest[0], 0, "n", 0, _MAX_LARGE)
        headers = [("Content-Type", "application/octet-stream"), ("Content-Length", str(size))]
        self._start(200, headers)
        if self.command == "HEAD":
            return
        remaining = size
        while remaining >= _WRITE_BLOCK:
            self._write(_LARGE_BLOCK)
            remaining -= _WRITE_BLOCK
        if remaining:
            self._write(_LARGE_BLOCK[:remaining])


# First path segment -> (number of further segments, or None for any; endpoint).
_ROUTES: dict[str, tuple[int | None, _Endpoint]] = {
    "get": (0, _Handler._echo),
    "post": (0, _Handler._echo),
    "put": (0, _Handler._echo),
    "patch": (0, _Handler._echo),
    "delete": (0, _Handler._echo),
    "echo": (0, _Handler._echo),
    "anything": (None, _Handler._echo),
    "status": (1, _Handler._status),
    "json": (0, _Handler._json),
    "text": (0, _Handler._text),
    "html": (0, _Handler._html),
    "bytes": (1, _Handler._bytes),
    "headers": (0, _Handler._headers),
    "ip": (0, _Handler._ip),
    "user-agent": (0, _Handler._user_agent),
    "delay": (1, _Handler._delay),
    "stream-bytes": (1, _Handler._stream_bytes),
    "stream": (1, _Handler._stream),
    "drip": (0, _Handler._drip),
    "redirect-to": (0, _Handler._redirect_to),
    "redirect": (1, _Handler._redirect),
    "absolute-redirect": (1, _Handler._absolute_redirect),
    "cookies": (None, _Handler._cookies),
    "flaky": (2, _Handler._flaky),
    "gzip": (0, _Handler._gzip),
    "etag": (1, _Handler._etag),
    "cache": (1, _Handler._cache),
    "response-headers": (0, _Handler._response_headers),
    "reset": (0, _Handler._reset),
    "large": (1, _Handler._large),
}


class _HTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that reports accepted and finished connections to its owner."""

    daemon_threads = True
    request_queue_size = 128  # load tests open many connections at once

    def __init__(self, owner: EchoServer, address: tuple[str, int]) -> None:
        self.owner = owner
        self.stopping = False
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup, which can be slow."""
        TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def get_request(self) -> tuple[Any, Any]:
        """Accept a connection and register it as live."""
        sock, address = super().get_request()
        self.owner._track(sock)
        return sock, address

    def shutdown_request(self, request: Any) -> None:
        """Forget the connection, then close it."""
        self.owner._forget(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: a client dropping a connection is normal in these tests."""


class EchoServer:
    """A real HTTP/1.1 server on 127.0.0.1 that echoes, fails and streams on request."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Configure the address; nothing is bound until start()."""
        self._host = host
        self._requested_port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._live: set[socket.socket] = set()
        self._hits: collections.Counter[str] = collections.Counter()
        self._requests: list[RecordedRequest] = []
        self._flaky: collections.Counter[str] = collections.Counter()
        self._opened = 0
        self._closed_by_client = 0
        self._in_flight = 0
        self._peak_in_flight = 0

    def __repr__(self) -> str:
        """Show the address and whether the server runs."""
        where = self.url if self._httpd is not None else "not started"
        return f"<EchoServer {where}>"

    # -- lifecycle ----------------------------------------------------------------

    def start(self) -> EchoServer:
        """Bind and serve in a daemon thread; return self (no-op if already running)."""
        if self._httpd is not None:
            return self
        httpd = _HTTPServer(self, (self._host, self._requested_port))
        thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"EchoServer:{httpd.server_address[1]}",
            daemon=True,
        )
        self._httpd, self._thread = httpd, thread
        thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, shut down live connections and close the listening socket."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        httpd.stopping = True
        httpd.shutdown()
        with self._lock:  # held so no handler closes a socket while we shut it down
            for sock in self._live:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> EchoServer:
        """Start the server."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server."""
        self.stop()

    # -- address ------------------------------------------------------------------

    @property
    def host(self) -> str:
        """The host the server binds to."""
        return self._host

    @property
    def port(self) -> int:
        """The bound port (raises RuntimeError before start())."""
        if self._httpd is None:
            raise RuntimeError("EchoServer is not running; call start() first")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base URL such as http://127.0.0.1:PORT, without a trailing slash."""
        return f"http://{self._host}:{self.port}"

    # -- observability ------------------------------------------------------------

    @property
    def hits(self) -> collections.Counter[str]:
        """Requests per path (query excluded), as a snapshot; unknown paths count 0."""
        with self._lock:
            return collections.Counter(self._hits)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received since the last reset, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def connections_opened(self) -> int:
        """TCP connections accepted since the last reset."""
        with self._lock:
            return self._opened

    @property
    def connections_closed_by_client(self) -> int:
        """Connections the client closed or reset in the middle of a request."""
        with self._lock:
            return self._closed_by_client

    @property
    def peak_in_flight(self) -> int:
        """Most requests the server was answering at one time since the last reset."""
        with self._lock:
            return self._peak_in_flight

    @property
    def open_connections(self) -> int:
        """TCP connections currently open (not reset by reset_counters())."""
        with self._lock:
            return len(self._live)

    def flaky_attempts(self, key: str) -> int:
        """How many requests /flaky/{key}/... has received since the last reset."""
        with self._lock:
            return self._flaky[key]

    def reset_counters(self) -> None:
        """Clear hits, recorded requests, connection counts, in-flight peak, flaky attempts."""
        with self._lock:
            self._hits.clear()
            self._requests.clear()
            self._flaky.clear()
            self._opened = 0
            self._closed_by_client = 0
            self._peak_in_flight = self._in_flight

    # -- called from the server threads -------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        """Remember a request."""
        with self._lock:
            self._hits[request.path] += 1
            self._requests.append(request)

    def _begin_request(self) -> None:
        """Count a request whose answer is being produced (for peak_in_flight)."""
        with self._lock:
            self._in_flight += 1
            self._peak_in_flight = max(self._peak_in_flight, self._in_flight)

    def _end_request(self) -> None:
        """Count a request answered (or abandoned)."""
        with self._lock:
            self._in_flight -= 1

    def _track(self, sock: socket.socket) -> None:
        """Register a newly accepted connection."""
        with self._lock:
            self._opened += 1
            self._live.add(sock)

    def _forget(self, sock: socket.socket) -> None:
        """Unregister a connection that is about to be closed."""
        with self._lock:
            self._live.discard(sock)

    def _count_client_gone(self) -> None:
        """Count a connection the client abandoned mid-request."""
        with self._lock:
            self._closed_by_client += 1

    def _flaky_hit(self, key: str) -> int:
        """Count one request for a flaky key and return its attempt number."""
        with self._lock:
            self._flaky[key] += 1
            return self._flaky[key]


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until Ctrl-C, printing the URL first."""
    parser = argparse.ArgumentParser(description="Run the axios-python echo server.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (0 picks a free one)")
    options = parser.parse_args(argv)
    with EchoServer(options.host, options.port) as server:
        print(f"echo server listening on {server.url} (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopping", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
