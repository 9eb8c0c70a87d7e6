"""Single-flight token refresh shared by threads and asyncio tasks.

However many requests fail with 401 at once, the ``refresh`` callable runs once:
the first caller (the leader) runs it, everyone who arrives while it runs waits
for its result, and a caller whose token is older than the latest refreshed one
just takes that one. Threads wait on a threading.Event, tasks on a future of their
own loop, so a sync leader can serve async waiters and the other way round.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Awaitable, Callable
from typing import Union

from axios_python import PluginError

from ._credentials import check_token

__all__ = ["Refresher", "TokenSource"]

TokenSource = Callable[[], Union[str, Awaitable[str]]]


class _Flight:
    """One refresh in progress; its result (or error) is handed to every waiter."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.token: str | None = None
        self.error: BaseException | None = None
        self.waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[str]]] = []


class Refresher:
    """Runs ``refresh`` at most once per wave of 401s; ``render`` turns a token into a header."""

    def __init__(self, refresh: TokenSource, render: Callable[[str], str]) -> None:
        self._refresh = refresh
        self._render = render
        self._mutex = threading.Lock()
        self._flight: _Flight | None = None
        self._latest: str | None = None
        self.calls = 0

    @property
    def latest(self) -> str | None:
        """The most recent refreshed token (None before the first refresh)."""
        return self._latest

    def _claim(self, sent: str) -> tuple[str | None, _Flight | None, bool]:
        """Decide under the lock: reuse a newer token, wait for a flight, or lead one."""
        with self._mutex:
            if self._flight is not None:
                return None, self._flight, False
            if self._latest is not None and self._render(self._latest) != sent:
                return self._latest, None, False  # refreshed since this request got its token
            self._flight = _Flight()
            self.calls += 1
            return None, self._flight, True

    def _finish(self, flight: _Flight, token: str | None, error: BaseException | None) -> None:
        with self._mutex:
            flight.token, flight.error = token, error
            if token is not None:
                self._latest = token
            self._flight = None
            flight.done.set()
            waiters, flight.waiters = flight.waiters, []
        for loop, future in waiters:
            loop.call_soon_threadsafe(_settle, future, token, error)

    def renew_sync(self, sent: str) -> str:
        """A token newer than the header value ``sent``, refreshing at most once (sync path)."""
        token, flight, leader = self._claim(sent)
        if token is not None:
            return token
        assert flight is not None
        if not leader:
            flight.done.wait()
            return _outcome(flight.token, flight.error)
        try:
            result = self._refresh()
            if inspect.isawaitable(result):
                _close(result)
                raise PluginError(
                    f"AuthPlugin refresh {_name(self._refresh)} is async (it returned an "
                    "awaitable) but this is a sync request; use the async_ methods or pass a "
                    "sync refresh callable"
                )
            token = check_token(result, "refresh() result")
        except BaseException as exc:
            self._finish(flight, None, exc)
            raise
        self._finish(flight, token, None)
        return token

    async def renew_async(self, sent: str) -> str:
        """Async twin of renew_sync: an async refresh is awaited, a sync one called inline."""
        token, flight, leader = self._claim(sent)
        if token is not None:
            return token
        assert flight is not None
        if not leader:
            loop = asyncio.get_running_loop()
            with self._mutex:
                if not flight.done.is_set():
                    future: asyncio.Future[str] = loop.create_future()
                    flight.waiters.append((loop, future))
                else:
                    future = loop.create_future()
                    _settle(future, flight.token, flight.error)
            return await future
        try:
            result = self._refresh()
            if inspect.isawaitable(result):
                result = await result
            token = check_token(result, "refresh() result")
        except BaseException as exc:
            self._finish(flight, None, exc)
            raise
        self._finish(flight, token, None)
        return token


def _outcome(token: str | None, error: BaseException | None) -> str:
    if error is not None or token is None:
        raise PluginError("AuthPlugin token refresh failed in another request") from error
    return token


def _settle(future: asyncio.Future[str], token: str | None, error: BaseException | None) -> None:
    if future.done():
        return
    try:
        future.set_result(_outcome(token, error))
    except PluginError as exc:
        future.set_exception(exc)


def _close(awaitable: object) -> None:
    close = getattr(awaitable, "close", None)
    if callable(close):
        close()


def _name(function: object) -> str:
    return getattr(function, "__qualname__", None) or type(function).__name__
