"""Blocking pyreqwest calls that a CancelToken can walk away from.

A blocked pyreqwest call cannot be interrupted from another thread. So a sync
request that carries a token makes its blocking calls (send, each streamed
read) in a helper thread and waits for either the call or the token: cancelled,
the caller gets CancelError at once while the call runs on in the helper thread
until pyreqwest returns (the response head arrived, a timeout fired, or the
transport was closed), and what it returns is then closed. Requests without a
token make their calls directly and pay nothing for this.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from pyreqwest.exceptions import ClientClosedError

from axios_python import CancelToken

__all__ = ["Calls"]

T = TypeVar("T")

# Abandoned calls hold a helper thread until pyreqwest returns, so allow many.
_MAX_HELPERS = 256


class Calls:
    """Helper threads for the blocking calls of requests that carry a CancelToken."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def _executor(self) -> ThreadPoolExecutor:
        pool = self._pool
        if pool is None:
            with self._lock:
                pool = self._pool
                if pool is None:
                    pool = self._pool = ThreadPoolExecutor(
                        _MAX_HELPERS, thread_name_prefix="axios-python-reqwest"
                    )
        return pool

    def run(self, call: Callable[[], T], token: CancelToken, dispose: Callable[[T], None]) -> T:
        """``call()`` in a helper thread; CancelError at once if ``token`` is cancelled first.

        ``dispose`` receives what an abandoned call returns, when it returns.
        """
        token.raise_if_cancelled()
        future = self._executor().submit(call)
        done = threading.Event()
        future.add_done_callback(lambda _future: done.set())
        unregister = token.on_cancel(lambda _reason: done.set())
        try:
            done.wait()
        finally:
            unregister()
        if future.done():
            if future.cancelled():  # close() dropped it while it was queued
                raise ClientClosedError("the transport was closed", {"causes": None})
            return future.result()
        if not future.cancel():  # still queued behind abandoned calls: then it never runs
            future.add_done_callback(lambda finished: _dispose(finished, dispose))
        token.raise_if_cancelled()  # CancelError, or TimeoutError for a deadline's token
        raise AssertionError("unreachable: the token was cancelled")  # pragma: no cover

    def run_later(self, call: Callable[[], object]) -> None:
        """Run ``call()`` in a helper thread and forget it (closing what abandoned calls hold)."""
        self._executor().submit(call)

    def close(self) -> None:
        """Stop the helper threads once their calls return (closing the clients makes them)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _dispose(future: Future[T], dispose: Callable[[T], None]) -> None:
    if not future.cancelled() and future.exception() is None:
        dispose(future.result())
