"""Streamed response bodies: pyreqwest's chunks as they arrive; closing frees the connection.

A body is read with ``read_chunk`` (whatever has arrived, never waiting for
more), cut into pieces of at most 64 KiB. Closing before the end drops the
connection and frees the request's slot. A CancelToken ends a read in progress:
on the async side by cancelling the read, on the sync side by walking away from
it (see ``_calls``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator

from pyreqwest.bytes import Bytes
from pyreqwest.request import StreamRequest, SyncStreamRequest
from pyreqwest.response import Response as RawResponse
from pyreqwest.response import ResponseBodyReader, SyncResponse

from axios_python import AsyncByteStream, AxiosPythonError, CancelToken, Request, SyncByteStream

from ._calls import Calls
from ._errors import reraise

__all__ = ["AsyncStream", "SyncStream", "pieces"]

_PIECE = 64 * 1024


def pieces(chunk: Bytes) -> Iterator[bytes]:
    """``chunk`` as bytes, in pieces of at most 64 KiB (one copy)."""
    size = len(chunk)
    if size <= _PIECE:
        yield bytes(chunk)
        return
    for start in range(0, size, _PIECE):
        yield bytes(chunk[start : start + _PIECE])


def _nothing(_result: object) -> None:
    """An abandoned read returns a chunk nobody wants."""


class _Body:
    """What both sides' streams hold: the request, its token and the slot to free once."""

    def __init__(self, request: Request, release: Callable[[], None]) -> None:
        self._request = request
        self._token: CancelToken | None = request.extensions.get("cancel_token")
        self._release: Callable[[], None] | None = release

    def _free_slot(self) -> bool:
        """Free the request's slot; False if that was done before (the stream is closed)."""
        release, self._release = self._release, None
        if release is None:
            return False
        release()
        return True


class SyncStream(_Body, SyncByteStream):
    """A streamed body on the sync side; ``close()`` drops an unread rest and frees the slot."""

    def __init__(
        self,
        context: SyncStreamRequest,
        raw: SyncResponse,
        request: Request,
        release: Callable[[], None],
        calls: Calls,
    ) -> None:
        super().__init__(request, release)
        self._context = context
        self._raw = raw
        self._calls = calls
        self._abandoned = False

    def __iter__(self) -> Iterator[bytes]:
        reader = self._raw.body_reader
        token = self._token
        try:
            while True:
                if token is None:
                    chunk = reader.read_chunk()
                else:
                    try:
                        chunk = self._calls.run(reader.read_chunk, token, _nothing)
                    except BaseException:
                        self._abandoned = token.is_cancelled
                        raise
                if chunk is None:
                    break
                yield from pieces(chunk)
        except BaseException as exc:
            self.close()
            reraise(exc, self._request, token)
        self.close()

    def close(self) -> None:
        if not self._free_slot():
            return
        if self._abandoned:  # a read is still blocked in a helper thread: exit waits for it
            self._calls.run_later(self._exit)
        else:
            self._exit()

    def _exit(self) -> None:
        self._context.__exit__(None, None, None)


class AsyncStream(_Body, AsyncByteStream):
    """A streamed body on the async side; ``aclose()`` drops an unread rest and frees the slot."""

    def __init__(
        self,
        context: StreamRequest,
        raw: RawResponse,
        request: Request,
        release: Callable[[], None],
    ) -> None:
        super().__init__(request, release)
        self._context = context
        self._raw = raw

    async def __aiter__(self) -> AsyncIterator[bytes]:
        reader = self._raw.body_reader
        token = self._token
        watch = _Interrupt(token) if token is not None else None
        try:
            while True:
                chunk = await (reader.read_chunk() if watch is None else watch.read(reader))
                if chunk is None:
                    break
                for piece in pieces(chunk):
                    yield piece
        except BaseException as exc:
            await self.aclose()
            reraise(exc, self._request, token)
        finally:
            if watch is not None:
                watch.close()
        await self.aclose()

    async def aclose(self) -> None:
        if self._free_slot():
            await self._context.__aexit__(None, None, None)


class _Interrupt:
    """Runs each read as a task of its own, which cancelling ``token`` cancels (from any thread).

    Cancelling the read, not the caller's task, leaves nothing behind to cancel
    a later await by mistake; the caller then gets CancelError.
    """

    def __init__(self, token: CancelToken) -> None:
        self._token = token
        self._loop = asyncio.get_running_loop()
        self._reading: asyncio.Task[Bytes | None] | None = None
        self._unregister = token.on_cancel(self._on_cancel)

    def _on_cancel(self, _reason: str | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: nothing reads any more
            self._loop.call_soon_threadsafe(self._interrupt)

    def _interrupt(self) -> None:
        if self._reading is not None:
            self._reading.cancel()

    async def read(self, reader: ResponseBodyReader) -> Bytes | None:
        """The next chunk; CancelError if the token is cancelled before it arrives."""
        self._token.raise_if_cancelled()
        reading = self._reading = asyncio.ensure_future(reader.read_chunk())
        try:
            return await reading
        except asyncio.CancelledError:
            task = asyncio.current_task()
            # cancelling() is 3.11+, as is this package; mypy also checks it as 3.10 code.
            cancelled_too = task is not None and task.cancelling()  # type: ignore[attr-defined,unused-ignore]
            if self._token.is_cancelled and not cancelled_too:
                try:
                    self._token.raise_if_cancelled()  # CancelError, or a deadline's TimeoutError
                except AxiosPythonError as error:
                    raise error from None
            raise
        finally:
            self._reading = None

    def close(self) -> None:
        """Stop watching the token."""
        self._unregister()
