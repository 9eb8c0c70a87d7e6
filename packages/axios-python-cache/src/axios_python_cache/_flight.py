"""Single-flight: concurrent misses for one cache key make one origin request.

Within a process, the first miss for a key leads: it goes to the origin while
later misses for the same key wait, each for at most ``timeout`` seconds, for
its outcome. Threads and the tasks of any event loop may wait on one flight;
different keys never wait for each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Final, Union

from axios_python import CancelToken

from ._entry import StoredResponse

__all__ = ["GO_ALONE", "RETRY", "Failed", "Flight", "Flights", "Outcome", "Shared"]


@dataclass(frozen=True)
class Shared:
    """The leader stored ``stored``: a waiter whose request it matches is answered with it."""

    stored: StoredResponse


@dataclass(frozen=True)
class Failed:
    """The leader failed: with an error ``response`` (a snapshot) or an ``error`` (no response)."""

    response: StoredResponse | None = None
    error: Exception | None = None


@dataclass(frozen=True)
class _GoAlone:
    """The leader's response may not be shared (not stored): each waiter sends its own."""


@dataclass(frozen=True)
class _Retry:
    """The leader gave up (cancelled, interrupted, retried): each waiter looks up again."""


GO_ALONE: Final = _GoAlone()
RETRY: Final = _Retry()
Outcome = Union[Shared, Failed, _GoAlone, _Retry]


class Flight:
    """One origin request in progress for ``key``, and the callbacks that wake its waiters."""

    __slots__ = ("_wakers", "key", "outcome", "owner", "started")

    def __init__(self, key: Hashable, owner: object) -> None:
        self.key = key
        self.owner = owner  # the thread or task that leads: it never waits for itself
        self.started = time.monotonic()
        self.outcome: Outcome | None = None
        self._wakers: list[Callable[[], None]] = []


def current_owner(is_async: bool) -> object:
    """Who is asking: the running task on the async path, else the thread."""
    if is_async:
        task = asyncio.current_task()
        if task is not None:
            return task
    return threading.get_ident()


class Flights:
    """The flights in progress, keyed by cache key; every method is thread-safe."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._active: dict[Hashable, Flight] = {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._active)

    def enter(self, key: Hashable, owner: object) -> tuple[Flight | None, bool]:
        """``(flight, True)``: lead it; ``(flight, False)``: wait for it; ``(None, False)``: alone.

        Going alone happens when ``owner`` itself leads the flight (a request made
        while its own identical one is in flight would otherwise wait for itself).
        A flight older than ``timeout`` is presumed lost and replaced.
        """
        now = time.monotonic()
        with self._lock:
            flight = self._active.get(key)
            if flight is None or now - flight.started > self.timeout:
                flight = self._active[key] = Flight(key, owner)
                return flight, True
        if flight.owner == owner:
            return None, False
        return flight, False

    def finish(self, flight: Flight, outcome: Outcome) -> None:
        """Record the leader's outcome and wake every waiter (only the first call counts)."""
        with self._lock:
            if flight.outcome is not None:
                return
            flight.outcome = outcome
            if self._active.get(flight.key) is flight:
                del self._active[flight.key]
            wakers, flight._wakers = flight._wakers, []
        for wake in wakers:
            wake()

    def wait(self, flight: Flight, token: CancelToken | None) -> Outcome | None:
        """Block until ``flight`` finishes: its outcome, or None after ``timeout`` seconds."""
        event = threading.Event()
        if not self._add_waker(flight, event.set):
            return flight.outcome
        unregister = None if token is None else token.on_cancel(lambda _reason: event.set())
        try:
            event.wait(self.timeout)
        finally:
            if unregister is not None:
                unregister()
        return self._result(flight, token)

    async def wait_async(self, flight: Flight, token: CancelToken | None) -> Outcome | None:
        """Async twin of wait(): the waiting task awaits, its event loop keeps running."""
        loop = asyncio.get_running_loop()
        woken: asyncio.Future[None] = loop.create_future()

        def wake() -> None:  # called from whichever thread finishes the flight
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                loop.call_soon_threadsafe(_resolve, woken)

        if not self._add_waker(flight, wake):
            return flight.outcome
        unregister = None if token is None else token.on_cancel(lambda _reason: wake())
        try:
            await asyncio.wait_for(woken, self.timeout)
        except asyncio.TimeoutError:
            pass
        finally:
            if unregister is not None:
                unregister()
        return self._result(flight, token)

    def _add_waker(self, flight: Flight, wake: Callable[[], None]) -> bool:
        with self._lock:
            if flight.outcome is not None:
                return False
            flight._wakers.append(wake)
            return True

    def _result(self, flight: Flight, token: CancelToken | None) -> Outcome | None:
        if token is not None:  # CancelError, or the TimeoutError of the attempt's deadline
            token.raise_if_cancelled()
        outcome = flight.outcome
        if outcome is None:  # the leader is too slow (or lost): later misses must not join it
            with self._lock:
                if self._active.get(flight.key) is flight:
                    del self._active[flight.key]
        return outcome


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
