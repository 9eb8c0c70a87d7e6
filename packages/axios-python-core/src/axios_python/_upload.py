"""The request body as the core hands it over: bounded by max_body_length, reported by progress.

A body of known size over ``max_body_length`` fails before anything is sent; a
streamed one is counted as the transport pulls it and fails once it passes the
limit (the transport lets our error through and drops the connection). With
``on_upload_progress`` the body is handed over in slices of ``SLICE`` bytes, so
the callback sees it move; Content-Length is kept, so nothing switches to
chunked encoding.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final

from ._exceptions import ContentTooLargeError
from ._models import Request
from ._multipart import MultipartStream
from ._progress import Meter, ProgressCallback, ProgressEvent, anotify, check_callback, notify

if TYPE_CHECKING:
    from ._config import RequestConfig

__all__ = ["KEYS", "AsyncUpload", "CountedBody", "Upload", "limit_upload"]

KEYS: Final = frozenset({"max_body_length", "on_upload_progress"})
SLICE = 64 * 1024


def limit_upload(request: Request, config: RequestConfig, is_async: bool) -> None:
    """Apply ``max_body_length`` and ``on_upload_progress`` to ``request.content`` in place."""
    content = request.content
    if content is None:
        return
    limit = config.get("max_body_length")
    callback = config.get("on_upload_progress")
    if callback is not None:
        check_callback("on_upload_progress", callback, is_async)
    size = _known_size(request)
    if limit is not None and size is not None and size > limit:
        raise _too_large(request, limit, f"is {size} bytes")
    if callback is None and (limit is None or size is not None):
        return  # nothing to watch while it is sent
    if size is not None and "content-length" not in request.headers:
        request.headers["Content-Length"] = str(size)  # slicing must not turn it chunked
    kind = AsyncUpload if is_async else Upload
    request.content = kind(content, size, limit, callback, request)


def _known_size(request: Request) -> int | None:
    content = request.content
    if isinstance(content, bytes):
        return len(content)
    length = request.headers.get("content-length")
    if length is not None and length.isdigit():
        return int(length)
    return None


def _too_large(request: Request, limit: int, how: str) -> ContentTooLargeError:
    return ContentTooLargeError(
        f"the request body of {request.method} {request.url} {how}, over "
        f"max_body_length of {limit} bytes",
        limit=limit,
        request=request,
    )


class CountedBody:
    """A request body handed over in counted slices; sent again on a retry when ``inner`` can be.

    Upload serves the sync side and AsyncUpload the async one: each is only the
    one kind of iterable, so a transport cannot pick the wrong iteration.
    """

    __slots__ = ("_callback", "_inner", "_limit", "_request", "_size")

    def __init__(
        self,
        inner: Any,
        size: int | None,
        limit: int | None,
        callback: ProgressCallback | None,
        request: Request,
    ) -> None:
        self._inner = inner
        self._size = size
        self._limit = limit
        self._callback = callback
        self._request = request

    @property
    def replayable(self) -> bool:
        """True when the body can be sent a second time (bytes, a list, replayable multipart)."""
        inner = self._inner
        if isinstance(inner, MultipartStream):
            return inner.replayable
        return isinstance(inner, (bytes, list, tuple))

    def _slices(self) -> Iterator[bytes]:
        inner = self._inner
        if isinstance(inner, bytes):
            for start in range(0, len(inner), SLICE):
                yield inner[start : start + SLICE]
            return
        yield from inner

    def _count(self, meter: Meter, chunk: bytes) -> ProgressEvent | None:
        """Count ``chunk`` against the limit; the progress event due, if any.

        With a known size the final event comes with the last chunk: a transport
        may stop pulling once it has Content-Length bytes, never exhausting us.
        """
        limit = self._limit
        if limit is not None and meter.loaded + len(chunk) > limit:
            raise _too_large(self._request, limit, "passed it while being sent")
        if self._size is not None and meter.loaded + len(chunk) >= self._size:
            meter.loaded += len(chunk)
            return meter.finish()
        return meter.advance(len(chunk))


class Upload(CountedBody, Iterable[bytes]):
    """The sync side's counted body."""

    __slots__ = ()

    def __iter__(self) -> Iterator[bytes]:
        meter = Meter("upload", self._size)
        callback = self._callback
        for chunk in self._slices():
            event = self._count(meter, chunk)
            if event is not None and callback is not None:
                notify("on_upload_progress", callback, event)
            yield chunk
        if callback is not None and self._size is None:
            notify("on_upload_progress", callback, meter.finish())


class AsyncUpload(CountedBody, AsyncIterable[bytes]):
    """The async side's counted body; an async progress callback is awaited."""

    __slots__ = ()

    async def _aslices(self) -> AsyncIterator[bytes]:
        inner = self._inner
        if isinstance(inner, AsyncIterable):
            async for chunk in inner:
                yield chunk
            return
        for chunk in self._slices():
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        meter = Meter("upload", self._size)
        callback = self._callback
        async for chunk in self._aslices():
            event = self._count(meter, chunk)
            if event is not None and callback is not None:
                await anotify(callback, event)
            yield chunk
        if callback is not None and self._size is None:
            await anotify(callback, meter.finish())
