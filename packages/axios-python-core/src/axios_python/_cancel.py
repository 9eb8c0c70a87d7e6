"""CancelToken: one object that aborts every request it is passed to, sync or async."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Final

from ._exceptions import AxiosPythonError, CancelError

__all__ = ["CancelToken", "TaskInterrupt"]

CancelCallback = Callable[[str | None], None]


class CancelToken:
    """Cancels the requests it is given, at any point: before sending, in flight or mid-stream.

    Thread-safe: ``cancel`` may be called from any thread or task. One token may
    be shared by many concurrent requests; cancelling it aborts all of them. A
    cancelled token stays cancelled: use a new one for new work.

    Example::

        token = CancelToken()
        threading.Timer(1.0, token.cancel, args=("too slow",)).start()
        api.get("/slow", cancel_token=token)  # raises CancelError("too slow")
    """

    __slots__ = ("_callbacks", "_event", "_ids", "_lock", "_reason")

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._reason: str | None = None
        self._callbacks: dict[int, CancelCallback] = {}
        self._ids = itertools.count()

    def __repr__(self) -> str:
        state = f"cancelled: {self._reason!r}" if self.is_cancelled else "active"
        return f"<CancelToken {state}>"

    @property
    def is_cancelled(self) -> bool:
        """True once cancel() has been called."""
        return self._event.is_set()

    @property
    def reason(self) -> str | None:
        """The reason given to cancel(), or None."""
        return self._reason

    def cancel(self, reason: str | None = None) -> None:
        """Cancel every request using this token; later calls are ignored.

        Registered callbacks run in this thread, in registration order. If one
        raises, the others still run and the first error is raised afterwards.
        """
        with self._lock:
            if self._event.is_set():
                return
            self._reason = reason
            self._event.set()
            callbacks = list(self._callbacks.values())
            self._callbacks.clear()
        first_error: BaseException | None = None
        for callback in callbacks:
            try:
                callback(reason)
            except BaseException as exc:  # every request must still be told
                first_error = first_error or exc
        if first_error is not None:
            raise first_error

    def raise_if_cancelled(self) -> None:
        """Raise CancelError (carrying the reason) when the token has been cancelled.

        Transports call it to raise the error of an aborted request: for the
        pipeline's own token of a request under a deadline that is TimeoutError.
        """
        if self._event.is_set():
            raise self._abort_error()

    def on_cancel(self, callback: CancelCallback) -> Callable[[], None]:
        """Call ``callback(reason)`` on cancellation (at once if already cancelled).

        Returns a function that unregisters the callback; call it when the work
        it guards is over so a long-lived token does not collect dead callbacks.
        """
        with self._lock:
            if not self._event.is_set():
                key = next(self._ids)
                self._callbacks[key] = callback
                return lambda: self._remove(key)
        callback(self._reason)
        return _noop

    def wait(self, timeout: float | None = None) -> bool:
        """Block up to ``timeout`` seconds for cancellation; True if cancelled."""
        return self._event.wait(timeout)

    def error(self) -> CancelError:
        """A CancelError for this token: the reason as message (or "request cancelled")."""
        return CancelError(self._reason or "request cancelled", reason=self._reason)

    def _abort_error(self) -> AxiosPythonError:
        """The error a request aborted by this token raises (a deadline's token: TimeoutError)."""
        return self.error()

    def _remove(self, key: int) -> None:
        with self._lock:
            self._callbacks.pop(key, None)

    @property
    def _pending(self) -> int:
        """How many callbacks are registered (tests check that finished requests leave none)."""
        with self._lock:
            return len(self._callbacks)


def _noop() -> None:
    """Nothing to unregister."""


class TaskInterrupt:
    """Within a ``with`` block in a task, cancelling ``token`` cancels that task.

    The asyncio.CancelledError this causes is turned into CancelError when the
    block exits. Cancellation from anywhere else (``task.cancel()`` by the
    user) is left alone and propagates as asyncio.CancelledError. Use it around
    awaits only, never around a ``yield`` that hands control to other code::

        with TaskInterrupt(token):
            response = await transport.send_async(request)
    """

    __slots__ = ("_active", "_fired", "_loop", "_task", "_token", "_unregister")

    def __init__(self, token: CancelToken) -> None:
        self._token = token
        self._loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        if task is None:  # pragma: no cover - awaits always run in a task under asyncio
            raise RuntimeError("TaskInterrupt must be used inside an asyncio task")
        self._task = task
        self._active = False
        self._fired = False
        self._unregister: Callable[[], None] = _noop

    def __enter__(self) -> TaskInterrupt:
        self._token.raise_if_cancelled()
        self._active = True
        self._unregister = self._token.on_cancel(self._on_cancel)
        return self

    def _on_cancel(self, _reason: str | None) -> None:
        # Any thread: hop to the loop, where _active tells whether the task is still inside.
        with contextlib.suppress(RuntimeError):  # a closed loop: nothing is waiting any more
            self._loop.call_soon_threadsafe(self._interrupt)

    def _interrupt(self) -> None:
        if self._active and not self._fired:
            self._fired = True
            self._task.cancel(_CANCEL_MESSAGE)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._active = False
        self._unregister()
        if not self._fired:
            return
        uncancel = getattr(self._task, "uncancel", None)  # Python 3.11+
        if (
            uncancel is not None
            and uncancel() > 0
            and isinstance(exc, asyncio.CancelledError)
            and _CANCEL_MESSAGE not in exc.args
        ):
            return  # the task was cancelled from elsewhere too: that CancelledError wins
        if exc is not None:
            raise self._token._abort_error() from None


_CANCEL_MESSAGE: Final = "axios_python: CancelToken cancelled"
