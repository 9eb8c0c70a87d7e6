"""Hit, miss and store counters, counted without a lock and read together as one snapshot."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, fields
from typing import Final

__all__ = ["CacheStats", "Counters"]


@dataclass(frozen=True)
class CacheStats:
    """What a CachePlugin did so far (a snapshot; it does not change afterwards).

    - ``hits``: responses served from the cache (after a 304 revalidation, stale or
      shared with an identical request in flight too)
    - ``misses``: cacheable GETs that went to the network
    - ``stores``: responses written to the storage
    - ``bypasses``: GETs not looked up (credentials without ``cache_authenticated``, streams,
      ``decompress=False``, a body the pipeline reads itself for a limit or progress)
    - ``revalidations``: conditional requests sent to check a stale entry
    - ``invalidations``: entries dropped because of a POST, PUT, PATCH or DELETE
    - ``errors``: storage operations that failed, or were skipped while the storage
      was down; each is answered as a miss
    - ``stale``: hits served stale (stale-while-revalidate, stale-if-error, max-stale)
    - ``coalesced``: requests answered by an identical request's origin fetch (its
      stored response, or its failure) instead of their own
    """

    hits: int = 0
    misses: int = 0
    stores: int = 0
    bypasses: int = 0
    revalidations: int = 0
    invalidations: int = 0
    errors: int = 0
    stale: int = 0
    coalesced: int = 0


_NAMES = frozenset(f.name for f in fields(CacheStats))


class Counters:
    """Thread-safe counters behind ``CachePlugin.stats``, read together as one snapshot.

    A count is one ``next()`` on an ``itertools.count``: a single C call, atomic
    under the GIL, so the counts most requests make (a miss, a bypass) take no
    lock. A hot path may call ``next(counters.counts[name])`` itself: ``counts``
    stays the same dict for the life of the object. Reading a count advances it
    too, so each counter also remembers how often it was read; ``snapshot`` and
    ``reset`` are serialised by a lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Final[dict[str, itertools.count[int]]] = {}
        self._reads: dict[str, int] = {}
        self.reset()

    def add(self, name: str) -> None:
        """Count one more ``name``."""
        try:
            next(self.counts[name])
        except KeyError:
            raise KeyError(
                f"unknown cache counter {name!r}; expected one of {sorted(_NAMES)}"
            ) from None

    def snapshot(self) -> CacheStats:
        """The current values (immutable)."""
        with self._lock:
            values = {}
            reads = self._reads
            for name, counter in self.counts.items():
                values[name] = next(counter) - reads[name]  # adds and reads so far, less reads
                reads[name] += 1
            return CacheStats(**values)

    def reset(self) -> None:
        """Set every counter back to zero."""
        with self._lock:
            for name in _NAMES:
                self.counts[name] = itertools.count()
                self._reads[name] = 0
