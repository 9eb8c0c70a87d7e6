"""Deadlines (Timeout.total, retry_deadline) built on cancellation: one mechanism, every transport.

Each attempt of a request under a deadline gets its own CancelToken, a
Deadline, that the caller's token cancels too. The timer thread cancels it when
the time is up; every transport already aborts a request whose token is
cancelled (a blocked read, a write, a pool wait, a streamed body being read),
so the deadline bounds all of it, and ``raise_if_cancelled`` raises
TimeoutError naming the limit instead of CancelError.
"""

from __future__ import annotations

from collections.abc import Callable

from ._cancel import CancelToken
from ._exceptions import AxiosPythonError, TimeoutError
from ._models import Request
from ._timers import Timer, call_at

__all__ = ["Deadline"]


class Deadline(CancelToken):
    """One attempt's token: cancelled by ``parent`` or when the time limit passes.

    ``release()`` ends it (the attempt is over: its body read or closed);
    idempotent.
    """

    __slots__ = ("_cause", "_parent", "_request", "_timer", "_unlink")

    def __init__(
        self, request: Request, parent: CancelToken | None, at: float, phase: str, seconds: float
    ) -> None:
        super().__init__()
        self._request = request
        self._parent = parent
        self._cause: Callable[[], AxiosPythonError] | None = None
        self._unlink: Callable[[], None] | None = None
        if parent is not None:
            self._unlink = parent.on_cancel(self._parent_cancelled)
        self._timer: Timer | None = call_at(at, lambda: self._expire(phase, seconds))

    def _expire(self, phase: str, seconds: float) -> None:
        request = self._request
        self._fail(lambda: TimeoutError.exceeded(phase, request, seconds))

    def _parent_cancelled(self, _reason: str | None) -> None:
        parent = self._parent
        assert parent is not None
        self._fail(parent._abort_error)

    def _fail(self, cause: Callable[[], AxiosPythonError]) -> None:
        with self._lock:
            if self._cause is None:
                self._cause = cause
        self.cancel(None)

    def _abort_error(self) -> AxiosPythonError:
        cause = self._cause
        error = cause() if cause is not None else self.error()
        if error.request is None:
            error.request = self._request
        return error

    def release(self) -> None:
        """Stop the timer and the link to the caller's token."""
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        unlink, self._unlink = self._unlink, None
        if unlink is not None:
            unlink()
