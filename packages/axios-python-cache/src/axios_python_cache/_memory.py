"""MemoryStorage: the default, a cachetools TLRU cache behind a lock."""

from __future__ import annotations

import math
import threading
import time

from cachetools import TLRUCache

from ._entry import Entry
from ._storage import BaseStorage

__all__ = ["MemoryStorage"]


def _expires(_key: str, value: tuple[Entry, float | None], now: float) -> float:
    ttl = value[1]
    return math.inf if ttl is None else now + ttl


class MemoryStorage(BaseStorage):
    """Entries in this process's memory: expired after their ttl, least recently used out first.

    ``max_size`` counts URL keys. One lock guards the cache, so threads (and the
    tasks of any event loop) may share it; no operation awaits or blocks on I/O.
    """

    def __init__(self, max_size: int = 256) -> None:
        if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1:
            raise ValueError(f"max_size must be a positive int (got {max_size!r})")
        self.max_size = max_size
        self._lock = threading.Lock()
        self._cache: TLRUCache[str, tuple[Entry, float | None]] = TLRUCache(
            maxsize=max_size, ttu=_expires, timer=time.monotonic
        )

    def __repr__(self) -> str:
        return f"MemoryStorage(max_size={self.max_size})"

    def __len__(self) -> int:
        with self._lock:
            self._cache.expire()
            return len(self._cache)

    def get(self, key: str) -> Entry | None:
        with self._lock:
            found = self._cache.get(key)
        return None if found is None else found[0]

    def set(self, key: str, entry: Entry, ttl: float | None) -> None:
        with self._lock:
            self._cache[key] = (entry, ttl)

    def delete(self, key: str) -> None:
        with self._lock:
            self._cache.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
