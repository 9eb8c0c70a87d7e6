"""BaseStorage: the one small interface every cache storage implements."""

from __future__ import annotations

from ._entry import Entry

__all__ = ["BaseStorage"]


class BaseStorage:
    """Where cached responses live: get, set with a time-to-live, delete, clear.

    Keys are strings; values are immutable ``Entry`` tuples. Implement the sync
    methods; the async ``a*`` twins call them unless ``async_native`` is true, in
    which case the plugin awaits them on the async path (Redis does I/O there).
    A storage may raise on failure: the plugin turns that into a cache miss and a
    CacheStorageWarning, never a failed request.

    Example::

        class DictStorage(BaseStorage):
            def __init__(self) -> None:
                self.data: dict[str, Entry] = {}

            def get(self, key: str) -> Entry | None:
                return self.data.get(key)

            def set(self, key: str, entry: Entry, ttl: float | None) -> None:
                self.data[key] = entry  # ignores ttl: fine for a test double

            def delete(self, key: str) -> None:
                self.data.pop(key, None)

            def clear(self) -> None:
                self.data.clear()
    """

    #: True when the ``a*`` methods do real async I/O and must be awaited on the async path.
    async_native: bool = False

    def get(self, key: str) -> Entry | None:
        """The entry stored under ``key``, or None when absent or expired."""
        raise NotImplementedError

    def set(self, key: str, entry: Entry, ttl: float | None) -> None:
        """Store ``entry`` under ``key`` for ``ttl`` seconds (None: until evicted)."""
        raise NotImplementedError

    def delete(self, key: str) -> None:
        """Remove ``key``; a missing key is not an error."""
        raise NotImplementedError

    def clear(self) -> None:
        """Remove every entry this storage holds."""
        raise NotImplementedError

    def close(self) -> None:
        """Release connections or files; the default does nothing."""

    async def aget(self, key: str) -> Entry | None:
        """Async twin of get()."""
        return self.get(key)

    async def aset(self, key: str, entry: Entry, ttl: float | None) -> None:
        """Async twin of set()."""
        self.set(key, entry, ttl)

    async def adelete(self, key: str) -> None:
        """Async twin of delete()."""
        self.delete(key)

    async def aclear(self) -> None:
        """Async twin of clear()."""
        self.clear()

    async def aclose(self) -> None:
        """Async twin of close()."""
        self.close()
