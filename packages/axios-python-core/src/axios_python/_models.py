"""Request and Response: the transport-neutral objects that cross the transport boundary."""

from __future__ import annotations

import codecs
import datetime
import json as jsonlib
import re
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from http import HTTPStatus
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Union

from ._exceptions import HTTPStatusError, StreamError
from ._headers import Headers, HeadersInput
from ._redact import mask_text
from ._timeout import DEFAULT_TIMEOUT, Timeout

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._cookies import CookieJar

__all__ = [
    "REDIRECT_STATUSES",
    "AsyncByteStream",
    "Request",
    "RequestContent",
    "Response",
    "SyncByteStream",
]


class SyncByteStream(Iterable[bytes]):
    """A response or request body read in chunks; ``close`` releases the connection."""

    def __iter__(self) -> Iterator[bytes]:
        raise NotImplementedError  # pragma: no cover

    def close(self) -> None:
        """Release what the stream holds; idempotent."""


class AsyncByteStream(AsyncIterable[bytes]):
    """The async twin of SyncByteStream; ``aclose`` releases the connection."""

    def __aiter__(self) -> AsyncIterator[bytes]:
        raise NotImplementedError  # pragma: no cover

    async def aclose(self) -> None:
        """Release what the stream holds; idempotent."""


RequestContent = Union[bytes, Iterable[bytes], AsyncIterable[bytes], None]

_MISSING: Any = object()
_new = object.__new__


class Request:
    """A prepared request: final method, absolute URL with query, headers and encoded body.

    Transports receive this and nothing else. ``stream`` asks the transport not to
    read the response body; ``extensions`` carries per-request data for a transport
    (for example a cancellation hook) that the pipeline itself does not interpret.
    """

    __slots__ = ("content", "extensions", "headers", "method", "stream", "timeout", "url")

    def __init__(
        self,
        method: str,
        url: str,
        *,
        headers: HeadersInput | None = None,
        content: RequestContent = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        stream: bool = False,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        self.method = method.upper()
        self.url = url
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        self.content = content
        self.timeout = timeout
        self.stream = stream
        self.extensions: dict[str, Any] = {} if extensions is None else extensions

    def __repr__(self) -> str:
        return f"<Request {self.method} {mask_text(self.url)}>"


_NO_TIME = datetime.timedelta(0)  # immutable: shared by every new Response
REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})


class Response:
    """An HTTP response, Axios-style: ``data`` is the parsed body, ``ok`` says 2xx.

    Transports build it from a status, headers and either ``content`` bytes or a
    ``stream`` (SyncByteStream / AsyncByteStream). Tests and mock transports may
    pass ``data`` instead; ``content`` and ``json()`` then derive from it.
    """

    # Class-level defaults: a response pays for these only when one is set.
    _encoding: str | None = None  # chosen with the encoding setter
    _decoded = False  # True once the core decoded a read body's Content-Encoding
    # The pipeline stores the send's duration as float seconds; the timedelta is
    # built only when someone reads ``elapsed``.
    _elapsed: float | datetime.timedelta = _NO_TIME
    retries = 0
    from_cache = False
    _consumed = False

    def __init__(
        self,
        status_code: int = 200,
        *,
        headers: HeadersInput | None = None,
        content: bytes | str | None = None,
        data: Any = _MISSING,
        stream: Iterable[bytes] | AsyncIterable[bytes] | None = None,
        request: Request | None = None,
        url: str | None = None,
        config: dict[str, Any] | None = None,
        http_version: str = "HTTP/1.1",
    ) -> None:
        self.status_code = status_code
        self.http_version = http_version  # as the transport reports it: "HTTP/1.0", "HTTP/2"...
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        self.request = request
        self.config = config
        self.url: str = url if url is not None else (request.url if request is not None else "")
        self.history: list[Response] = []
        self._data: Any = data
        self._stream = stream
        if isinstance(content, str):
            content = content.encode("utf-8")
        if content is None and stream is None:
            content = _encode_data(data)
        self._content: bytes | None = content
        self._closed = content is not None

    @classmethod
    def from_trusted(
        cls,
        status_code: int,
        headers: Headers,
        request: Request,
        *,
        content: bytes | None = None,
        stream: Iterable[bytes] | AsyncIterable[bytes] | None = None,
        http_version: str = "HTTP/1.1",
    ) -> Self:
        """A transport's Response from parts already in final form: no conversion, no checks.

        For transports, once per response: ``headers`` is a Headers (see
        ``Headers.from_trusted``), ``content`` the whole body as bytes or ``stream``
        its chunks (exactly one of them), and the URL is ``request``'s. The same
        object as ``Response(status_code, headers=..., content=..., stream=...,
        request=..., http_version=...)``, built in about half the time.
        """
        response = _new(cls)
        response.status_code = status_code
        response.http_version = http_version
        response.headers = headers
        response.request = request
        response.config = None
        response.url = request.url
        response.history = []
        response._data = _MISSING
        response._stream = stream
        response._content = content
        response._closed = content is not None
        return response

    def __repr__(self) -> str:
        return f"<Response [{self.status_code} {self.reason_phrase}]>"

    @property
    def elapsed(self) -> datetime.timedelta:
        """How long the transport took to answer (zero for a response no transport sent)."""
        elapsed = self._elapsed
        if type(elapsed) is float:
            elapsed = self._elapsed = datetime.timedelta(seconds=elapsed)
        assert isinstance(elapsed, datetime.timedelta)
        return elapsed

    @elapsed.setter
    def elapsed(self, value: datetime.timedelta) -> None:
        self._elapsed = value

    # --- status ---------------------------------------------------------------

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status_code < 300

    is_success = ok  # httpx's name for it

    @property
    def is_informational(self) -> bool:
        """True for a 1xx status."""
        return 100 <= self.status_code < 200

    @property
    def is_redirect(self) -> bool:
        """True for a 301, 302, 303, 307 or 308 that names a Location (what redirects follow)."""
        return self.status_code in REDIRECT_STATUSES and "location" in self.headers

    @property
    def is_client_error(self) -> bool:
        """True for a 4xx status."""
        return 400 <= self.status_code < 500

    @property
    def is_server_error(self) -> bool:
        """True for a 5xx status."""
        return 500 <= self.status_code < 600

    @property
    def is_error(self) -> bool:
        """True for a 4xx or 5xx status."""
        return 400 <= self.status_code < 600

    @property
    def links(self) -> dict[str, dict[str, str]]:
        """The Link header (RFC 8288) by relation: ``response.links["next"]["url"]``.

        Each link is a dict of its parameters plus ``url`` (as written, relative or
        not); the key is its ``rel`` (each of several), else its URL.
        """
        from ._links import parse_links

        return parse_links(self.headers.get_list("link"))

    @property
    def reason_phrase(self) -> str:
        """The standard phrase for the status ("Not Found"), or "" for an unknown one."""
        try:
            return HTTPStatus(self.status_code).phrase
        except ValueError:
            return ""

    def raise_for_status(self) -> Response:
        """Raise HTTPStatusError unless the status is 2xx; return self to allow chaining."""
        if not self.ok:
            raise HTTPStatusError(
                f"HTTP {self.status_code} {self.reason_phrase} "
                f"for {self.request_method} {self.url}",
                response=self,
                config=self.config,
                request=self.request,
            )
        return self

    @property
    def cookies(self) -> CookieJar:
        """The cookies this response set (its Set-Cookie headers), as a jar of their own.

        ``response.cookies.get("session")`` reads one; the instance's jar
        (``api.cookies``) already stored them when cookies are on.
        """
        from ._cookies import response_cookies

        return response_cookies(self)

    @property
    def request_method(self) -> str:
        """The method of the request that produced this response ("" if unknown)."""
        return self.request.method if self.request is not None else ""

    # --- body -----------------------------------------------------------------

    @property
    def decoded(self) -> bool:
        """True when the core decoded the body's Content-Encoding (gzip...) while reading it.

        The headers stay as received, so Content-Encoding and Content-Length then
        describe the bytes on the wire, not ``content``.
        """
        return self._decoded

    @property
    def content(self) -> bytes:
        """The whole body as bytes; a streamed response must be read first."""
        if self._content is None:
            raise StreamError(
                "the body of a streamed response has not been read: call read()/aread() "
                "or iterate it with iter_bytes()/aiter_bytes()"
            )
        return self._content

    @property
    def encoding(self) -> str:
        """The charset that ``text`` and ``data`` decode with: set, or Content-Type's, else utf-8.

        Set it (``response.encoding = "latin-1"``) when a server declares none or a
        wrong one, before reading ``text`` or ``data``; None goes back to the header.
        """
        chosen = self._encoding
        if chosen is not None:
            return chosen
        content_type = self.headers.get("content-type", "")
        for param in content_type.split(";")[1:]:
            key, _, value = param.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"' ")
                try:
                    return codecs.lookup(charset).name
                except LookupError:
                    break
        return "utf-8"

    @encoding.setter
    def encoding(self, value: str | None) -> None:
        if value is not None:
            try:
                value = codecs.lookup(value).name
            except (LookupError, TypeError):
                raise ValueError(f"unknown text encoding {value!r}") from None
        self._encoding = value

    @property
    def text(self) -> str:
        """The body decoded with ``encoding`` (undecodable bytes become U+FFFD)."""
        return self.content.decode(self.encoding, errors="replace")

    def json(self, **kwargs: Any) -> Any:
        """Parse the body as JSON; a response built from ``data`` returns that data.

        Raises ValueError (json.JSONDecodeError) for a body that is not JSON, also for
        one nested deeper than the interpreter's recursion limit.
        """
        if self._data is not _MISSING and not self._content and self._stream is None:
            return self._data
        try:
            return jsonlib.loads(self.content, **kwargs)
        except RecursionError:
            raise jsonlib.JSONDecodeError(
                "JSON nested deeper than the recursion limit", self.text[:80], 0
            ) from None

    @property
    def data(self) -> Any:
        """The body, Axios-style: parsed JSON for JSON content, else text; may be reassigned."""
        if self._data is _MISSING:
            self._data = self._parse_data()
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data = value

    def _parse_data(self) -> Any:
        if self._content is None:
            raise StreamError(
                "the body of a streamed response has not been read, so it has no data yet: "
                "call read()/aread() first, or iterate it with iter_bytes()/aiter_bytes()"
            )
        if not self._content:
            return ""
        media_type = self.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media_type == "application/json" or media_type.endswith("+json"):
            try:
                return jsonlib.loads(self._content)
            except (ValueError, RecursionError):  # invalid, or nested past the recursion limit
                return self.text
        return self.text

    # --- streaming ------------------------------------------------------------

    @property
    def is_closed(self) -> bool:
        """True once the body has been read in full or the response was closed."""
        return self._closed

    def read(self) -> bytes:
        """Read the rest of a streamed body into memory and return it."""
        if self._content is None:
            self._content = b"".join(self._iter_raw())
        return self._content

    async def aread(self) -> bytes:
        """Async twin of read()."""
        if self._content is None:
            self._content = b"".join([chunk async for chunk in self._aiter_raw()])
        return self._content

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """Yield the body in chunks of ``chunk_size`` bytes (the last may be shorter)."""
        chunks = self._iter_content() if self._content is not None else self._iter_raw()
        return _rechunked(chunks, chunk_size)

    def iter_raw(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """Yield the body as it came off the wire: its Content-Encoding (gzip...) not decoded.

        For a streamed response (``stream=True``), read once like iter_bytes(); a
        body already read was decoded in memory, so only one that was sent without
        a Content-Encoding (or read with ``decompress=False``) can still be given.
        """
        if self._content is not None:
            if self._decoded:
                raise StreamError(
                    "this body was read and decoded; pass stream=True (or decompress=False) "
                    "to read it as it came off the wire"
                )
            return _rechunked(self._iter_content(), chunk_size)
        undecoded = getattr(self._stream, "undecoded", None)
        if undecoded is not None:
            undecoded()  # the core's decoding step lets the bytes through as they are
        return _rechunked(self._iter_raw(), chunk_size)

    def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """Async twin of iter_bytes()."""
        if self._content is not None:
            return _arechunked(_aiter_list(list(self._iter_content())), chunk_size)
        return _arechunked(self._aiter_raw(), chunk_size)

    def aiter_raw(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """Async twin of iter_raw()."""
        if self._content is not None:
            return _aiter_list(list(self.iter_raw(chunk_size)))
        undecoded = getattr(self._stream, "undecoded", None)
        if undecoded is not None:
            undecoded()
        return _arechunked(self._aiter_raw(), chunk_size)

    def iter_text(self) -> Iterator[str]:
        """Yield the body as decoded text chunks."""
        decoder = codecs.getincrementaldecoder(self.encoding)(errors="replace")
        for chunk in self.iter_bytes():
            text = decoder.decode(chunk)
            if text:
                yield text
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail

    async def aiter_text(self) -> AsyncIterator[str]:
        """Async twin of iter_text()."""
        decoder = codecs.getincrementaldecoder(self.encoding)(errors="replace")
        async for chunk in self.aiter_bytes():
            text = decoder.decode(chunk)
            if text:
                yield text
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail

    def iter_lines(self) -> Iterator[str]:
        """Yield the body line by line, without line endings; memory holds one line."""
        splitter = _LineSplitter()
        for text in self.iter_text():
            yield from splitter.feed(text)
        yield from splitter.flush()

    async def aiter_lines(self) -> AsyncIterator[str]:
        """Async twin of iter_lines()."""
        splitter = _LineSplitter()
        async for text in self.aiter_text():
            for line in splitter.feed(text):
                yield line
        for line in splitter.flush():
            yield line

    def _iter_content(self) -> Iterator[bytes]:
        content = self._content or b""
        step = 65536
        for start in range(0, len(content), step):
            yield content[start : start + step]

    def _iter_raw(self) -> Iterator[bytes]:
        stream = self._stream
        if self._consumed or self._closed:
            raise StreamError("the response body was already read or the response closed")
        if stream is None or not isinstance(stream, Iterable):
            raise StreamError(
                "this response has an async body: use aread()/aiter_bytes()/aiter_lines()"
            )
        self._consumed = True
        try:
            yield from stream
        finally:
            self.close()

    async def _aiter_raw(self) -> AsyncIterator[bytes]:
        stream = self._stream
        if self._consumed or self._closed:
            raise StreamError("the response body was already read or the response closed")
        if stream is None or not isinstance(stream, AsyncIterable):
            raise StreamError("this response has a sync body: use read()/iter_bytes()/iter_lines()")
        self._consumed = True
        try:
            async for chunk in stream:
                yield chunk
        finally:
            await self.aclose()

    def close(self) -> None:
        """Release the connection of a streamed response; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()

    async def aclose(self) -> None:
        """Async twin of close()."""
        if self._closed:
            return
        self._closed = True
        aclose = getattr(self._stream, "aclose", None)
        if aclose is not None:
            await aclose()
        else:
            close = getattr(self._stream, "close", None)
            if close is not None:
                close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _encode_data(data: Any) -> bytes:
    if data is _MISSING or data is None:
        return b""
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode("utf-8")
    return jsonlib.dumps(data, default=str).encode("utf-8")


def _rechunked(chunks: Iterable[bytes], chunk_size: int | None) -> Iterator[bytes]:
    """``chunks`` without empty ones, or cut and joined into ``chunk_size`` pieces."""
    if chunk_size is None:
        return (chunk for chunk in chunks if chunk)
    _check_chunk_size(chunk_size)
    return _sized(chunks, chunk_size)


def _sized(chunks: Iterable[bytes], chunk_size: int) -> Iterator[bytes]:
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= chunk_size:
            yield bytes(buffer[:chunk_size])
            del buffer[:chunk_size]
    if buffer:
        yield bytes(buffer)


def _arechunked(chunks: AsyncIterator[bytes], chunk_size: int | None) -> AsyncIterator[bytes]:
    """Async twin of _rechunked."""
    if chunk_size is not None:
        _check_chunk_size(chunk_size)
    return _asized(chunks, chunk_size)


async def _asized(chunks: AsyncIterator[bytes], chunk_size: int | None) -> AsyncIterator[bytes]:
    buffer = bytearray()
    async for chunk in chunks:
        if chunk_size is None:
            if chunk:
                yield chunk
            continue
        buffer += chunk
        while len(buffer) >= chunk_size:
            yield bytes(buffer[:chunk_size])
            del buffer[:chunk_size]
    if buffer:
        yield bytes(buffer)


def _check_chunk_size(chunk_size: int) -> None:
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size <= 0:
        raise ValueError(f"chunk_size must be a positive int (got {chunk_size!r})")


async def _aiter_list(chunks: list[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


class _LineSplitter:
    """Splits text arriving in pieces into lines at \\n, \\r\\n or \\r, even across pieces."""

    __slots__ = ("_pending",)

    def __init__(self) -> None:
        self._pending = ""

    def feed(self, text: str) -> list[str]:
        text = self._pending + text
        lines: list[str] = []
        start = 0
        for match in _NEWLINE.finditer(text):
            if match.group() == "\r" and match.end() == len(text):
                break  # may be the first half of a "\r\n" split across pieces
            lines.append(text[start : match.start()])
            start = match.end()
        self._pending = text[start:]
        return lines

    def flush(self) -> list[str]:
        pending, self._pending = self._pending, ""
        if not pending:
            return []
        return [pending[:-1] if pending.endswith("\r") else pending]


_NEWLINE = re.compile(r"\r\n|\r|\n")
