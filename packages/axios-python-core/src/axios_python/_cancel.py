"""CancelToken: one object that aborts every request it is passed to, sync or async."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from ._exceptions import CancelError

__all__ = ["CancelToken"]


class CancelToken:
    """Cancels the requests it is given, at any point: before sending, in flight or mid-stream.

    Thread-safe: ``cancel`` may be called from any thread or task. One token may
    be shared by many concurrent requests; cancelling it aborts all of them.

    Example::

        token = CancelToken()
        threading.Timer(1.0, token.cancel, args=("too slow",)).start()
        api.get("/slow", cancel_token=token)  # raises CancelError("too slow")
    """

    __slots__ = ("_callbacks", "_event", "_lock", "_reason")

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._reason: str | None = None
        self._callbacks: list[Callable[[str | None], None]] = []

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
        """Cancel every request using this token; later calls are ignored."""
        with self._lock:
            if self._event.is_set():
                return
            self._reason = reason
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback(reason)

    def raise_if_cancelled(self) -> None:
        """Raise CancelError when the token has been cancelled."""
        if self._event.is_set():
            raise CancelError(self._message(), reason=self._reason)

    def on_cancel(self, callback: Callable[[str | None], None]) -> Callable[[], None]:
        """Call ``callback(reason)`` on cancellation (at once if already cancelled).

        Returns a function that unregisters the callback; call it when the work
        it guards is over so a long-lived token does not collect dead callbacks.
        """
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                return lambda: self._remove(callback)
        callback(self._reason)
        return _noop

    def wait(self, timeout: float | None = None) -> bool:
        """Block up to ``timeout`` seconds for cancellation; True if cancelled."""
        return self._event.wait(timeout)

    def _remove(self, callback: Callable[[str | None], None]) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._callbacks.remove(callback)

    def _message(self) -> str:
        return self._reason if self._reason else "request cancelled"


def _noop() -> None:
    """Nothing to unregister."""
