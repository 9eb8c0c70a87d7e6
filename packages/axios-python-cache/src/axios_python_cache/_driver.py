"""Running the plugin's storage flows: blocking on the sync path, awaiting on the async one.

The cache logic is written once, as generators that yield Get, Set and Delete;
``StorageRunner.run`` performs them with the storage's blocking methods, or
returns a coroutine awaiting its ``a*`` methods when the storage does async I/O
(Redis) and the async driver called the hook. A storage failure becomes a miss,
a CacheStorageWarning and one log line per outage, never a failed request.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Generator
from typing import Any, TypeVar, Union

from ._entry import Entry
from ._stats import Counters
from ._storage import BaseStorage

__all__ = ["CacheStorageWarning", "Delete", "Flow", "Get", "Set", "StorageRunner"]

logger = logging.getLogger("axios_python_cache")

T = TypeVar("T")


class CacheStorageWarning(RuntimeWarning):
    """A cache storage failed (e.g. Redis is down); the request went to the network instead."""


class Get:
    """Operation: read the entry under ``key`` (the flow receives it, or None)."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key


class Set:
    """Operation: store ``entry`` under ``key`` for ``ttl`` seconds (the flow gets True if done)."""

    __slots__ = ("entry", "key", "ttl")

    def __init__(self, key: str, entry: Entry, ttl: float | None) -> None:
        self.key = key
        self.entry = entry
        self.ttl = ttl


class Delete:
    """Operation: drop the entry under ``key`` (the flow receives True if done)."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key


Op = Union[Get, Set, Delete]
Flow = Generator[Op, Any, T]


class StorageRunner:
    """Performs flows against one storage and counts its failures."""

    def __init__(self, storage: BaseStorage, counters: Counters) -> None:
        self.storage = storage
        self._counters = counters
        self._failing = False

    def run(self, flow: Flow[T], is_async: bool) -> T | Awaitable[T]:
        """The flow's result, or (async-native storage on the async path) an awaitable of it."""
        if is_async and self.storage.async_native:
            return self._run_async(flow)
        return self._run_sync(flow)

    def _run_sync(self, flow: Flow[T]) -> T:
        value: Any = None
        while True:
            try:
                op = flow.send(value)
            except StopIteration as stop:
                result: T = stop.value
                return result
            value = None
            try:
                if isinstance(op, Get):
                    value = self.storage.get(op.key)
                elif isinstance(op, Set):
                    self.storage.set(op.key, op.entry, op.ttl)
                    value = True
                else:
                    self.storage.delete(op.key)
                    value = True
            except Exception as exc:  # a broken cache must never fail the request
                self._failed(op, exc)
            else:
                self._failing = False

    async def _run_async(self, flow: Flow[T]) -> T:
        value: Any = None
        while True:
            try:
                op = flow.send(value)
            except StopIteration as stop:
                result: T = stop.value
                return result
            value = None
            try:
                if isinstance(op, Get):
                    value = await self.storage.aget(op.key)
                elif isinstance(op, Set):
                    await self.storage.aset(op.key, op.entry, op.ttl)
                    value = True
                else:
                    await self.storage.adelete(op.key)
                    value = True
            except Exception as exc:  # a broken cache must never fail the request
                self._failed(op, exc)
            else:
                self._failing = False

    def _failed(self, op: Op, exc: Exception) -> None:
        self._counters.add("errors")
        action = "read" if isinstance(op, Get) else "write" if isinstance(op, Set) else "delete"
        message = (
            f"cache storage {self.storage!r} failed to {action} an entry "
            f"({type(exc).__name__}: {exc}); the request goes to the network instead"
        )
        warnings.warn(message, CacheStorageWarning, stacklevel=3)
        if not self._failing:  # log once per outage, not once per request
            self._failing = True
            logger.warning("%s", message)
