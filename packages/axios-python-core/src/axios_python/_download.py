"""The response body as the core receives it: decoded, bounded and reported, for every transport.

A transport hands over the body as it came off the wire (see BaseTransport).
Here the core decodes its Content-Encoding in bounded steps, stops it at
``max_content_length`` (decoded bytes), reports ``on_download_progress``
(bytes as received), and, for a request under a deadline, lets the deadline go
when the body is done. A response with no Content-Encoding on a request that
uses none of these passes through untouched.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final

from ._decoding import Decoder, decoder_for
from ._exceptions import ConfigError, ContentTooLargeError
from ._models import AsyncByteStream, Request, Response, SyncByteStream
from ._progress import Meter, ProgressCallback, anotify, check_callback, notify

if TYPE_CHECKING:
    from ._cancel import CancelToken
    from ._config import RequestConfig

__all__ = [
    "KEYS",
    "AsyncBody",
    "Intake",
    "Receipt",
    "SyncBody",
    "decode_in_place",
    "receipt_for",
    "too_large",
    "wrap",
]

KEYS: Final = frozenset(
    {"decompress", "max_content_length", "on_download_progress", "response_type"}
)
"""The config keys that change how a body is received (all absent: decode it, nothing more)."""


class Receipt:
    """How one request's response bodies are received: the config's download rules.

    ``reads_itself`` is True when the core must see the body as it arrives (a
    limit or a progress callback): the transport is then asked for a stream,
    and the pipeline reads it unless the caller asked for one.
    """

    __slots__ = ("decompress", "limit", "on_progress", "reads_itself", "response_type")

    def __init__(
        self,
        decompress: bool,
        limit: int | None,
        on_progress: ProgressCallback | None,
        response_type: str | None,
    ) -> None:
        self.decompress = decompress
        self.limit = limit
        self.on_progress = on_progress
        self.response_type = response_type
        self.reads_itself = limit is not None or on_progress is not None


def receipt_for(config: RequestConfig, is_async: bool) -> Receipt | None:
    """The download rules of ``config``, or None for the defaults (decode, no limit, no report)."""
    if config.keys().isdisjoint(KEYS):
        return None
    on_progress = config.get("on_download_progress")
    if on_progress is not None:
        check_callback("on_download_progress", on_progress, is_async)
    response_type = config.get("response_type")
    if response_type not in (None, "stream") and config.get("stream"):
        raise ConfigError(
            f"response_type={response_type!r} needs the whole body, but stream=True asks for "
            "it unread; use response_type='stream' (or drop stream=True)"
        )
    return Receipt(
        config.get("decompress", True),
        config.get("max_content_length"),
        on_progress,
        response_type,
    )


def decode_in_place(response: Response, request: Request) -> None:
    """Decode a buffered body in one go (the request set no limit: all of it was wanted)."""
    coding = response.headers["content-encoding"]  # the caller saw that it is there
    content = response._content
    if coding and content:
        decoder = decoder_for(coding, request)
        if decoder is not None:
            response._content = decoder.decode_all(content)
            response._decoded = True  # iter_raw() can no longer give the bytes as received


class Intake:
    """The state of one body being received: its decoder, the count against the limit, a meter."""

    __slots__ = ("_decoder", "_limit", "_received", "_request", "_response", "report")

    def __init__(
        self,
        response: Response,
        request: Request,
        decoder: Decoder | None,
        limit: int | None,
        callback: ProgressCallback | None,
    ) -> None:
        self._response = response
        self._request = request
        self._decoder = decoder
        self._limit = limit
        self._received = 0
        # Content-Length counts the bytes as sent (encoded), and so does the meter.
        self.report: tuple[Meter, ProgressCallback] | None = None
        if callback is not None:
            self.report = (Meter("download", _content_length(response)), callback)

    def pieces(self, raw: bytes) -> Iterator[bytes]:
        """The decoded pieces of one raw chunk, counted against the limit."""
        if self._decoder is None:
            if raw:
                yield self._counted(raw)
            return
        for piece in self._decoder.feed(raw):
            yield self._counted(piece)

    def undecoded(self) -> None:
        """Let the bytes through as received (``iter_raw()``); the limit then counts them."""
        self._decoder = None

    def tail(self) -> Iterator[bytes]:
        """What the decoder still holds once every raw chunk was fed."""
        if self._decoder is not None:
            for piece in self._decoder.flush():
                yield self._counted(piece)
            self._response._decoded = True  # all of it was decoded: iter_raw() cannot give it

    def _counted(self, piece: bytes) -> bytes:
        self._received += len(piece)
        limit = self._limit
        if limit is not None and self._received > limit:
            raise too_large(self._request, self._response, limit)
        return piece


def too_large(request: Request, response: Response | None, limit: int) -> ContentTooLargeError:
    """The error for a response body over ``max_content_length``."""
    return ContentTooLargeError(
        f"the response body of {request.method} {request.url} exceeds "
        f"max_content_length of {limit} bytes",
        limit=limit,
        request=request,
        response=response,
    )


def _content_length(response: Response) -> int | None:
    value = response.headers.get("content-length")
    if value is None or not value.isdigit():
        return None
    return int(value)


class SyncBody(SyncByteStream):
    """A transport's sync byte stream, received through an Intake; ``close`` runs ``release``."""

    def __init__(
        self,
        inner: Iterable[bytes],
        intake: Intake,
        token: CancelToken | None,
        release: Callable[[], None] | None,
    ) -> None:
        self._inner = inner
        self._intake = intake
        self._token = token
        self._release = release

    def __iter__(self) -> Iterator[bytes]:
        intake, token = self._intake, self._token
        report = intake.report
        for raw in self._inner:
            if token is not None and token.is_cancelled:  # a transport that could not abort
                token.raise_if_cancelled()
            if report is not None:
                event = report[0].advance(len(raw))
                if event is not None:
                    notify("on_download_progress", report[1], event)
            yield from intake.pieces(raw)
        yield from intake.tail()
        if report is not None:
            notify("on_download_progress", report[1], report[0].finish())

    def undecoded(self) -> None:
        """Give the chunks as received, not decoded (Response.iter_raw)."""
        self._intake.undecoded()

    def close(self) -> None:
        try:
            close = getattr(self._inner, "close", None)
            if close is not None:
                close()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()


class AsyncBody(AsyncByteStream):
    """The async twin of SyncBody; a progress callback may be ``async def``."""

    def __init__(
        self,
        inner: AsyncIterable[bytes],
        intake: Intake,
        token: CancelToken | None,
        release: Callable[[], None] | None,
    ) -> None:
        self._inner = inner
        self._intake = intake
        self._token = token
        self._release = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        intake, token = self._intake, self._token
        report = intake.report
        async for raw in self._inner:
            if token is not None and token.is_cancelled:
                token.raise_if_cancelled()
            if report is not None:
                event = report[0].advance(len(raw))
                if event is not None:
                    await anotify(report[1], event)
            for piece in intake.pieces(raw):
                yield piece
        for piece in intake.tail():
            yield piece
        if report is not None:
            await anotify(report[1], report[0].finish())

    def undecoded(self) -> None:
        """Give the chunks as received, not decoded (Response.aiter_raw)."""
        self._intake.undecoded()

    async def aclose(self) -> None:
        try:
            aclose = getattr(self._inner, "aclose", None)
            if aclose is not None:
                await aclose()
            else:
                close = getattr(self._inner, "close", None)
                if close is not None:
                    close()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()


def wrap(
    response: Response,
    request: Request,
    receipt: Receipt | None,
    token: CancelToken | None,
    release: Callable[[], None] | None,
) -> None:
    """Receive ``response``'s streamed body through the core: decode, bound, report, release."""
    decoder = None
    if receipt is None or receipt.decompress:
        coding = response.headers.get("content-encoding")
        decoder = decoder_for(coding, request) if coding else None
    limit = receipt.limit if receipt is not None else None
    callback = receipt.on_progress if receipt is not None else None
    if decoder is None and limit is not None:
        length = _content_length(response)
        if length is not None and length > limit:
            raise too_large(request, response, limit)  # before reading a byte of it
    if decoder is None and limit is None and callback is None and release is None:
        return
    intake = Intake(response, request, decoder, limit, callback)
    stream: Any = response._stream
    if isinstance(stream, AsyncIterable):
        response._stream = AsyncBody(stream, intake, token, release)
    else:
        response._stream = SyncBody(stream, intake, token, release)
