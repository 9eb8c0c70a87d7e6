"""A strict http.client response: urllib3 reads HTTP/1.1 the way the other transports do.

http.client, which urllib3 sits on, is lenient: it reads a body to EOF when
Content-Length is ``abc`` or ``-1``, takes ``0x5`` or ``-5`` for a chunk size,
tosses whatever two bytes follow a chunk, drops a header line without a colon,
splits a line at a bare CR, keeps a NUL in a value, and returns a ``103 Early
Hints`` as the response. Our connections use StrictResponse instead, which:

- reads the status and header lines itself and refuses malformed ones
  (MalformedResponse, which the transport raises as ProtocolError);
- skips 1xx interim responses (except 101) and returns the final one;
- accepts only ``1*DIGIT`` Content-Length values (repeats must agree);
- accepts only hex chunk sizes and requires CRLF after each chunk's data;
- closes, instead of pooling, a connection on which bytes follow a response that
  has no body (204, 304, HEAD): whatever they are, the stream is out of step;
- reads a body (or chunk) of announced length in bounded pieces, so a
  Content-Length the server never sends is not allocated up front (Python
  3.11's http.client asks for all of it at once: MemoryError, OverflowError).

The happy path costs about what http.client's own parsing does: the header
lines are parsed without the email parser http.client uses.
"""

from __future__ import annotations

import http.client
import re
import socket
from typing import Any

__all__ = ["MAX_HEADERS", "MAX_LINE", "MalformedResponse", "StrictResponse"]

MAX_LINE = 65536
"""Longest status, header or chunk-size line accepted, in bytes (http.client's limit)."""
MAX_HEADERS = 100
"""Most header lines accepted in one response head (http.client's limit)."""

# RFC 9110 5.1 and 5.5: token ":" then a value of visible characters, obs-text, SP and HTAB.
_FIELD = re.compile(rb"([!#$%&'*+\-.^_`|~0-9A-Za-z]+):([\t\x20-\x7e\x80-\xff]*)")
# RFC 9112 5.2: obs-fold, a line that continues the previous field's value.
_FOLD = re.compile(rb"[ \t][\t\x20-\x7e\x80-\xff]*")
_DIGITS = re.compile(r"[0-9]+")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")
_NO_BODY = frozenset({204, 304})
_PIECE = 1 << 20  # the most read at once for a body of announced length
_OWS = b" \t"


class MalformedResponse(http.client.HTTPException):
    """The response is not valid HTTP/1.1; the message says what was wrong."""


class StrictResponse(http.client.HTTPResponse):
    """http.client.HTTPResponse with strict parsing of the head and of chunked bodies."""

    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self._sock = sock

    def begin(self) -> None:
        """Read the status line and headers of the final response (after any 1xx)."""
        if getattr(self, "headers", None) is not None:
            return  # already begun
        while True:
            version, status, reason = self._read_status()  # type: ignore[attr-defined]
            fields = _read_fields(self.fp)
            if not (100 <= status < 200) or status == 101:
                break  # 100 Continue, 103 Early Hints...: interim, the final response follows
        self.code = self.status = status
        self.reason = reason.strip()
        if version in ("HTTP/1.0", "HTTP/0.9"):
            self.version = 10
        elif version.startswith("HTTP/1."):
            self.version = 11
        else:
            raise http.client.UnknownProtocol(version)
        message = http.client.HTTPMessage()
        # What ``message[name] = value`` stores under the compat32 policy HTTPMessage
        # uses, for all fields at once (a third of the cost, field by field).
        message._headers = fields  # type: ignore[attr-defined]
        self.headers = self.msg = message
        codings_list: list[str] = []
        lengths: list[str] = []
        for name, value in fields:
            lowered = name.lower()
            if lowered == "transfer-encoding":
                codings_list.append(value)
            elif lowered == "content-length":
                lengths.append(value)
        codings = ",".join(codings_list)
        # The body is chunked when chunked is the last coding; Transfer-Encoding wins
        # over Content-Length (RFC 9112 6.3), and other codings are read until close.
        self.chunked = codings.rsplit(",", 1)[-1].strip().lower() == "chunked"
        self.chunk_left = None
        self.will_close = self._check_close()  # type: ignore[attr-defined]
        self.length = None if codings else _content_length(lengths)
        if status in _NO_BODY or status < 200 or self._method == "HEAD":  # type: ignore[attr-defined]
            self.length = 0
            if _has_buffered_bytes(self._sock, self.fp):
                self.will_close = True  # bytes after a bodiless response: never reuse
        if not self.will_close and not self.chunked and self.length is None:
            self.will_close = True

    def _safe_read(self, amt: int) -> bytes:
        """Exactly ``amt`` bytes, or IncompleteRead; read in pieces of at most 1 MiB."""
        if amt <= _PIECE:
            data: bytes = self.fp.read(amt)
            if len(data) < amt:
                raise http.client.IncompleteRead(data, amt - len(data))
            return data
        pieces: list[bytes] = []
        left = amt
        while left:
            piece = self.fp.read(min(left, _PIECE))
            if not piece:
                raise http.client.IncompleteRead(b"".join(pieces), left)
            pieces.append(piece)
            left -= len(piece)
        return b"".join(pieces)

    def _read_next_chunk_size(self) -> int:
        """The next chunk's size: hex digits, optional extensions, CRLF; nothing else."""
        line = self.fp.readline(MAX_LINE + 1)
        if not line:
            raise http.client.IncompleteRead(b"")
        if len(line) > MAX_LINE:
            raise MalformedResponse("chunk size line too long")
        if not line.endswith(b"\n"):
            raise http.client.IncompleteRead(b"")
        size = line.partition(b";")[0].rstrip(b"\r\n").rstrip(b" \t")
        if _HEX.fullmatch(size) is None:
            raise MalformedResponse(f"invalid chunk size {size[:40]!r} (expected hex digits)")
        return int(size, 16)

    def _get_chunk_left(self) -> int | None:
        """Bytes left in the current chunk, reading the next chunk's size when it is done."""
        left: int | None = self.chunk_left
        if left:
            return left
        if left is not None:  # the end of a chunk's data: CRLF must follow
            end = self._safe_read(2)
            if end != b"\r\n":
                raise MalformedResponse(f"chunk data not followed by CRLF (got {end!r})")
        size = self._read_next_chunk_size()
        if size == 0:
            self._read_and_discard_trailer()  # type: ignore[attr-defined]
            self._close_conn()  # type: ignore[attr-defined]
            self.chunk_left = None
            return None
        self.chunk_left = size
        return size


def _read_fields(fp: Any) -> list[tuple[str, str]]:
    """The header fields up to the empty line, each line checked; obs-fold joined with SP."""
    fields: list[tuple[str, str]] = []
    for _ in range(MAX_HEADERS + 1):
        line = fp.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise MalformedResponse(f"header line longer than {MAX_LINE} bytes")
        if not line.endswith(b"\n"):
            raise http.client.IncompleteRead(line)  # the head was cut short
        line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
        if not line:
            return fields
        field = _FIELD.fullmatch(line)
        if field is not None:
            fields.append((field[1].decode("ascii"), field[2].strip(_OWS).decode("latin-1")))
        elif fields and _FOLD.fullmatch(line) is not None:
            name, value = fields[-1]
            more = line.strip(_OWS).decode("latin-1")
            fields[-1] = (name, f"{value} {more}" if value and more else value or more)
        else:
            raise MalformedResponse(f"malformed header line {line[:80]!r}")
    raise MalformedResponse(f"more than {MAX_HEADERS} header lines")


def _content_length(values: list[str] | None) -> int | None:
    """The body length from Content-Length values; every value (and list item) must agree."""
    if not values:
        return None
    lengths = {item.strip(" \t") for value in values for item in value.split(",")}
    if len(lengths) != 1 or _DIGITS.fullmatch(next(iter(lengths))) is None:
        shown = ", ".join(values)
        raise MalformedResponse(f"invalid Content-Length {shown[:80]!r} (expected digits)")
    return int(lengths.pop())


def _has_buffered_bytes(sock: socket.socket, fp: Any) -> bool:
    """True when bytes are already waiting after the head: in fp's buffer or the socket."""
    timeout = sock.gettimeout()
    try:
        sock.settimeout(0)  # peek must not wait for bytes that are not there
        return bool(fp.peek(1))
    except (OSError, ValueError):
        return False
    finally:
        sock.settimeout(timeout)
