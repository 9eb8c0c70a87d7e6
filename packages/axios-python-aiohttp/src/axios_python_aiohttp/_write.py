"""A write timeout for aiohttp, which has none: watch each chunk of the body being written.

asyncio never blocks on a write; aiohttp awaits ``drain()`` only once more than
64 KiB wait in the buffer. So a body up to that size cannot time out writing,
and a larger or streamed one is fed to aiohttp chunk by chunk: the time between
handing over a chunk and being asked for the next is the time that chunk took
to write. Past the write timeout, the request's task is cancelled and the
transport raises TimeoutError instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Iterable

__all__ = ["BUFFERED", "WriteWatch", "chunks_of"]

BUFFERED = 64 * 1024  # aiohttp's StreamWriter drains only above this many buffered bytes


class WriteWatch:
    """Cancels ``task`` when one chunk takes longer than ``seconds`` to write."""

    __slots__ = ("_handle", "_loop", "_task", "fired", "seconds")

    def __init__(self, seconds: float, task: asyncio.Task[object]) -> None:
        self.seconds = seconds
        self.fired = False
        self._task = task
        self._loop = task.get_loop()
        self._handle: asyncio.TimerHandle | None = None

    def arm(self) -> None:
        """Start timing the write of the chunk just handed over."""
        self._handle = self._loop.call_later(self.seconds, self._fire)

    def disarm(self) -> None:
        """The chunk was written (or the body is done): stop timing."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _fire(self) -> None:
        self._handle = None
        self.fired = True
        self._task.cancel()

    async def watch(self, chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
        """Yield ``chunks``, timing how long aiohttp takes to write each one."""
        try:
            async for chunk in chunks:
                self.arm()
                yield chunk
                self.disarm()
        finally:
            self.disarm()


async def chunks_of(
    content: bytes | Iterable[bytes] | AsyncIterable[bytes],
) -> AsyncIterator[bytes]:
    """Any request body as an async iterator of chunks (bytes in 64 KiB slices)."""
    if isinstance(content, bytes):
        for start in range(0, len(content), BUFFERED):
            yield content[start : start + BUFFERED]
    elif isinstance(content, AsyncIterable):
        async for chunk in content:
            yield chunk
    else:
        for chunk in content:
            yield chunk
