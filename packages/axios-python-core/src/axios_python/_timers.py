"""One timer thread for the whole process: it fires request deadlines, sync and async alike.

A deadline must interrupt a request blocked in a socket call, which only another
thread can do on the sync path; one daemon thread with a heap serves every
request of every client. It is started on first use, so a process that sets no
deadline never has it.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import threading
import time
from collections.abc import Callable

__all__ = ["Timer", "call_at"]


class Timer:
    """A scheduled call; ``cancel()`` stops it if it has not run yet."""

    __slots__ = ("callback", "cancelled", "when")

    def __init__(self, when: float, callback: Callable[[], None]) -> None:
        self.when = when
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        """Do not run the callback (no effect once it ran)."""
        if not self.cancelled:
            _scheduler.cancel(self)


class _Scheduler:
    """A heap of timers served by one daemon thread; cancelled entries are swept in bulk."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, Timer]] = []
        self._order = itertools.count()
        self._dead = 0
        self._thread: threading.Thread | None = None

    def call_at(self, when: float, callback: Callable[[], None]) -> Timer:
        timer = Timer(when, callback)
        with self._cond:
            heapq.heappush(self._heap, (when, next(self._order), timer))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="axios-python-timers", daemon=True
                )
                self._thread.start()
            elif self._heap[0][2] is timer:
                self._cond.notify()  # the thread sleeps until a later timer: wake it earlier
        return timer

    def cancel(self, timer: Timer) -> None:
        with self._cond:
            if timer.cancelled:
                return
            timer.cancelled = True
            self._dead += 1
            # Long deadlines of finished requests would pile up: sweep once half are dead.
            if self._dead > 64 and self._dead * 2 > len(self._heap):
                self._heap = [entry for entry in self._heap if not entry[2].cancelled]
                heapq.heapify(self._heap)
                self._dead = 0

    def _run(self) -> None:
        while True:
            with self._cond:
                timer = self._next_due()
                timer.cancelled = True  # ran: a later cancel() is a no-op
            with contextlib.suppress(Exception):  # one failing callback must not stop the rest
                timer.callback()

    def _next_due(self) -> Timer:
        """Wait (lock held) for the earliest live timer to be due; pop and return it."""
        heap = self._heap
        while True:
            if not heap:
                self._cond.wait()
                continue
            when, _, timer = heap[0]
            if timer.cancelled:
                heapq.heappop(heap)
                self._dead = max(self._dead - 1, 0)
                continue
            delay = when - time.monotonic()
            if delay <= 0:
                heapq.heappop(heap)
                return timer
            self._cond.wait(delay)

    def after_fork(self) -> None:
        """In a forked child the thread is gone: start afresh."""
        self.__init__()  # type: ignore[misc]


_scheduler = _Scheduler()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_scheduler.after_fork)


def call_at(when: float, callback: Callable[[], None]) -> Timer:
    """Run ``callback()`` in the timer thread at ``when`` (a time.monotonic() value)."""
    return _scheduler.call_at(when, callback)
