"""Running the plugin's flows: blocking on the sync path, awaiting on the async one.

The cache logic is written once, as generators that yield operations: storage
reads and writes (Get, Set, Delete), waiting for an identical request in flight
(Wait) and repeating a request through the client (Fetch). ``StorageRunner.run``
performs them with blocking calls; on the async path it returns a coroutine as
soon as an operation needs one (a Redis call, a wait, a fetch), so a plain
memory hit stays a plain call. A storage failure becomes a miss, never a failed
request: an outage is logged once when it starts and once when it ends (with
the number of operations it cost), and while it lasts the storage is tried
again at most once per ``probe_interval`` seconds, not by every request.
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from collections.abc import Awaitable, Generator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar, Union

from axios_python.attempts import async_send_attempt, send_attempt

from ._entry import Entry
from ._flight import Flight, Flights
from ._stats import Counters
from ._storage import BaseStorage

if TYPE_CHECKING:
    from axios_python import AxiosPython, CancelToken, Response

__all__ = [
    "RESENDING",
    "CacheStorageWarning",
    "Delete",
    "Fetch",
    "Flow",
    "Get",
    "Set",
    "StorageRunner",
    "Wait",
    "fetch_async",
    "fetch_sync",
]

logger = logging.getLogger("axios_python_cache")

T = TypeVar("T")

# (mode, cache key) while the plugin repeats a request itself: "unconditional" after a
# 304 that matched nothing stored, "revalidate" for a stale-while-revalidate refresh.
RESENDING: ContextVar[tuple[str, str] | None] = ContextVar(
    "axios_python_cache_resending", default=None
)
_PROBE_INTERVAL: Final = 1.0


class CacheStorageWarning(RuntimeWarning):
    """A cache storage failed (e.g. Redis is down); requests go to the network until it is back."""


@dataclass(slots=True)
class Get:
    """Operation: read the entry under ``key`` (the flow receives it, or None)."""

    key: str


@dataclass(slots=True)
class Set:
    """Operation: store ``entry`` under ``key`` for ``ttl`` seconds (the flow gets True if done)."""

    key: str
    entry: Entry
    ttl: float | None


@dataclass(slots=True)
class Delete:
    """Operation: drop the entry under ``key`` (the flow receives True if done)."""

    key: str


@dataclass(slots=True)
class Wait:
    """Operation: wait for ``flight`` (the flow receives its outcome, or None on timeout)."""

    flights: Flights
    flight: Flight
    token: CancelToken | None


@dataclass(slots=True)
class Fetch:
    """Operation: send GET ``url`` through ``client`` (the flow receives the Response).

    With ``attempt`` the ``options`` are the request's own final config and only
    one more attempt of it is sent (``axios_python.attempts``): interceptors,
    middleware and response hooks, still running for the caller's request, do
    not run twice. ``mode`` and ``key`` are set in RESENDING for the duration, so
    the plugin's own hooks know the request is the plugin's repetition. Errors
    propagate.
    """

    client: AxiosPython
    url: str
    options: dict[str, Any]
    mode: str
    key: str
    attempt: bool = False


_StorageOp = Union[Get, Set, Delete]
Op = Union[Get, Set, Delete, Wait, Fetch]
Flow = Generator[Op, Any, T]


class StorageRunner:
    """Performs flows against one storage and keeps track of its outages."""

    def __init__(
        self, storage: BaseStorage, counters: Counters, probe_interval: float = _PROBE_INTERVAL
    ) -> None:
        self.storage = storage
        self._counters = counters
        self.probe_interval = probe_interval
        self._lock = threading.Lock()
        self._down_since: float | None = None  # monotonic start of the current outage
        self._next_probe = 0.0
        self._lost = 0  # operations failed or skipped during the current outage

    def run(self, flow: Flow[T], is_async: bool) -> T | Awaitable[T]:
        """The flow's result; on the async path a coroutine once an operation must be awaited."""
        if is_async and self.storage.async_native:
            return self._run_async(flow, None)
        value: Any = None
        while True:
            try:
                op = flow.send(value)
            except StopIteration as stop:
                result: T = stop.value
                return result
            if isinstance(op, (Get, Set, Delete)):
                value = self._storage_sync(op)
            elif is_async:
                return self._run_async(flow, op)
            elif isinstance(op, Wait):
                value = op.flights.wait(op.flight, op.token)
            else:
                value = fetch_sync(op)

    async def _run_async(self, flow: Flow[T], op: Op | None) -> T:
        value: Any = None
        while True:
            if op is None:
                try:
                    op = flow.send(value)
                except StopIteration as stop:
                    result: T = stop.value
                    return result
            if isinstance(op, (Get, Set, Delete)):
                if self.storage.async_native:
                    value = await self._storage_async(op)
                else:
                    value = self._storage_sync(op)
            elif isinstance(op, Wait):
                value = await op.flights.wait_async(op.flight, op.token)
            else:
                value = await fetch_async(op)
            op = None

    # --- storage operations and outages --------------------------------------------------

    def _storage_sync(self, op: _StorageOp) -> Any:
        if self._down_since is not None and not self._may_probe():
            return None
        try:
            if isinstance(op, Get):
                value: Any = self.storage.get(op.key)
            elif isinstance(op, Set):
                self.storage.set(op.key, op.entry, op.ttl)
                value = True
            else:
                self.storage.delete(op.key)
                value = True
        except Exception as exc:  # a broken cache must never fail the request
            self._failed(op, exc)
            return None
        if self._down_since is not None:
            self._recovered()
        return value

    async def _storage_async(self, op: _StorageOp) -> Any:
        if self._down_since is not None and not self._may_probe():
            return None
        try:
            if isinstance(op, Get):
                value: Any = await self.storage.aget(op.key)
            elif isinstance(op, Set):
                await self.storage.aset(op.key, op.entry, op.ttl)
                value = True
            else:
                await self.storage.adelete(op.key)
                value = True
        except Exception as exc:  # a broken cache must never fail the request
            self._failed(op, exc)
            return None
        if self._down_since is not None:
            self._recovered()
        return value

    def _may_probe(self) -> bool:
        """During an outage: True for the one operation per interval that tries the storage."""
        now = time.monotonic()
        with self._lock:
            if self._down_since is None:
                return True
            if now >= self._next_probe:
                self._next_probe = now + self.probe_interval
                return True
            self._lost += 1
        self._counters.add("errors")
        return False

    def _failed(self, op: _StorageOp, exc: Exception) -> None:
        self._counters.add("errors")
        now = time.monotonic()
        with self._lock:
            self._next_probe = now + self.probe_interval
            self._lost += 1
            if self._down_since is not None:
                return
            self._down_since = now
        action = "read" if isinstance(op, Get) else "write" if isinstance(op, Set) else "delete"
        message = (
            f"cache storage {self.storage!r} failed to {action} an entry "
            f"({type(exc).__name__}: {exc}); requests go to the network until it is back "
            f"(tried again every {self.probe_interval:g}s)"
        )
        logger.warning("%s", message)
        warnings.warn(message, CacheStorageWarning, stacklevel=2)

    def _recovered(self) -> None:
        with self._lock:
            if self._down_since is None:
                return
            lasted = time.monotonic() - self._down_since
            lost, self._lost, self._down_since = self._lost, 0, None
        logger.warning(
            "cache storage %r is back after %.1fs; %d operation%s failed or skipped meanwhile",
            self.storage,
            lasted,
            lost,
            "" if lost == 1 else "s",
        )


def fetch_sync(op: Fetch) -> Response:
    """Perform ``op`` on the sync path."""
    reset = RESENDING.set((op.mode, op.key))
    try:
        if op.attempt:
            return send_attempt(op.client, op.options)
        return op.client.request("GET", op.url, **op.options)
    finally:
        RESENDING.reset(reset)


async def fetch_async(op: Fetch) -> Response:
    """Perform ``op`` on the async path."""
    reset = RESENDING.set((op.mode, op.key))
    try:
        if op.attempt:
            return await async_send_attempt(op.client, op.options)
        return await op.client.async_request("GET", op.url, **op.options)
    finally:
        RESENDING.reset(reset)
