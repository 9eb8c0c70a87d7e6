"""Slots: at most ``max_connections`` requests in flight, waited for in order, from any thread.

pyreqwest's own limit waits inside a Rust task that a cancelled request cannot
leave: the request would still be sent once a connection frees up. So the
transport keeps the limit itself, in front of pyreqwest: a sync request waits
for a slot in its thread (cancellable by its token), an async one in its event
loop (cancellable with its task), each for at most its ``pool`` timeout. A freed
slot goes straight to the oldest waiter, so no request waits its turn twice.

The free slots are tokens in a list: ``list.pop()`` and ``list.append()`` are
atomic, so a request that finds a slot free, and one that gives it back with
nobody waiting, take no lock. Waiting, and handing a slot to a waiter, happen
under the lock.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import threading

from axios_python import CancelToken, Request, TimeoutError

__all__ = ["Slots"]


class _Waiter:
    """One request waiting for a slot; ``granted`` is set, under the lock, when it gets one."""

    __slots__ = ("event", "future", "granted", "loop")

    def __init__(
        self,
        event: threading.Event | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        future: asyncio.Future[None] | None = None,
    ) -> None:
        self.granted = False
        self.event = event
        self.loop = loop
        self.future = future

    def wake(self) -> bool:
        """Tell the waiter it holds a slot now; False if it can no longer be told."""
        if self.event is not None:
            self.event.set()
            return True
        assert self.loop is not None
        try:
            self.loop.call_soon_threadsafe(_resolve, self.future)
        except RuntimeError:  # its event loop is closed: nobody waits there any more
            return False
        return True


def _resolve(future: asyncio.Future[None] | None) -> None:
    if future is not None and not future.done():
        future.set_result(None)


class Slots:
    """A first-come, first-served limit on requests in flight; ``None`` means no limit."""

    __slots__ = ("_free", "_limit", "_lock", "_waiters")

    def __init__(self, limit: int | None) -> None:
        self._limit = limit
        self._free: list[None] = [None] * (limit or 0)  # one token per free slot
        self._lock = threading.Lock()
        self._waiters: collections.deque[_Waiter] = collections.deque()

    @property
    def available(self) -> int:
        """How many slots are free now."""
        return len(self._free)

    def take(self, request: Request, token: CancelToken | None) -> None:
        """Block until a slot is free: raise TimeoutError after the ``pool`` timeout.

        A cancelled ``token`` ends the wait at once with CancelError.
        """
        if self.try_take():
            return
        event = threading.Event()
        waiter = self._enqueue(_Waiter(event=event))
        if waiter is None:
            return
        unregister = token.on_cancel(lambda _reason: event.set()) if token is not None else None
        try:
            event.wait(request.timeout.pool)
        finally:
            if unregister is not None:
                unregister()
        if self._leave(waiter):
            if token is None or not token.is_cancelled:
                return
            self.release()
        if token is not None:
            token.raise_if_cancelled()
        raise self._timeout_error(request)

    def try_take(self) -> bool:
        """Take a free slot if one is free and nobody waits; never blocks, takes no lock.

        The async path tries this first, so a request that finds a slot free
        makes no coroutine and does not look up its event loop.
        """
        if self._limit is None:
            return True
        if self._waiters:
            return False
        try:
            self._free.pop()
        except IndexError:
            return False
        return True

    async def take_async(self, request: Request) -> None:
        """Wait in the running event loop for a free slot, at most the ``pool`` timeout.

        Cancelling the waiting task (what a CancelToken does) ends the wait.
        """
        if self.try_take():
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        waiter = self._enqueue(_Waiter(loop=loop, future=future))
        if waiter is None:
            return
        try:
            # wait_for cancels the future on timeout: a grant that races it is kept below.
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(future, request.timeout.pool)
        except BaseException:
            if self._leave(waiter):
                self.release()
            raise
        if not self._leave(waiter):
            raise self._timeout_error(request)

    def _enqueue(self, waiter: _Waiter) -> _Waiter | None:
        """Queue ``waiter``; None when a slot was free after all (taken for it)."""
        with self._lock:
            if not self._waiters and self._grab():
                return None
            self._waiters.append(waiter)
            # A slot given back between the caller's try and the append (with no
            # waiter to see yet) is handed out now, to the oldest waiter.
            self._hand_out()
        return waiter

    def _leave(self, waiter: _Waiter) -> bool:
        """Stop waiting; True if the waiter was granted a slot (which it now holds)."""
        with self._lock:
            if waiter.granted:
                return True
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)
            return False

    def release(self) -> None:
        """Free one slot: the oldest waiter gets it, else it goes back to the pool."""
        if self._limit is None:
            return
        self._free.append(None)
        if self._waiters:  # read after the append: a waiter queued since sees the token
            with self._lock:
                self._hand_out()

    def _grab(self) -> bool:
        """Take a free token; False if there is none (lock-free takers race for them)."""
        try:
            self._free.pop()
        except IndexError:
            return False
        return True

    def _hand_out(self) -> None:
        """Give free slots to the oldest waiters (under the lock)."""
        while self._waiters and self._grab():
            waiter = self._waiters.popleft()
            waiter.granted = True
            if not waiter.wake():
                waiter.granted = False
                self._free.append(None)

    def _timeout_error(self, request: Request) -> TimeoutError:
        return TimeoutError.exceeded(
            "pool",
            request,
            detail=f"all {self._limit} connections busy: raise max_connections or the pool timeout",
        )
