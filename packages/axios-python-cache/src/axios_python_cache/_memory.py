"""MemoryStorage: the default, an LRU dict with per-entry expiry behind a lock."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from ._entry import Entry
from ._storage import BaseStorage

__all__ = ["MemoryStorage"]


class MemoryStorage(BaseStorage):
    """Entries in this process's memory: expired after their ttl, least recently used out first.

    ``max_size`` counts URL keys. One lock guards the dict, so threads (and the
    tasks of any event loop) may share it; no operation awaits or blocks on I/O.
    A read is a dict lookup and a move to the recently used end.
    """

    def __init__(self, max_size: int = 256) -> None:
        if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1:
            raise ValueError(f"max_size must be a positive int (got {max_size!r})")
        self.max_size = max_size
        self._lock = threading.Lock()
        # key -> (entry, monotonic expiry or None); least recently used first.
        self._items: OrderedDict[str, tuple[Entry, float | None]] = OrderedDict()

    def __repr__(self) -> str:
        return f"MemoryStorage(max_size={self.max_size})"

    def __len__(self) -> int:
        now = time.monotonic()
        with self._lock:
            return sum(1 for _, expires in self._items.values() if expires is None or expires > now)

    def get(self, key: str) -> Entry | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            if found[1] is not None and found[1] <= time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
        return found[0]

    def set(self, key: str, entry: Entry, ttl: float | None) -> None:
        expires = None if ttl is None else time.monotonic() + ttl
        with self._lock:
            self._items[key] = (entry, expires)
            self._items.move_to_end(key)
            if len(self._items) > self.max_size:
                # An expired entry nobody reads sinks to the front and goes first.
                self._items.popitem(last=False)

    def delete(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
