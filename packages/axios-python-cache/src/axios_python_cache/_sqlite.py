"""SQLiteStorage: entries in one SQLite file, so a cache survives restarts."""

from __future__ import annotations

import os
import sqlite3
import threading
import time

from ._entry import Entry, decode_entry, encode_entry
from ._storage import BaseStorage

__all__ = ["SQLiteStorage"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS axios_python_cache (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    expires_at REAL,
    used_at REAL NOT NULL
)
"""


class SQLiteStorage(BaseStorage):
    """Entries in the SQLite file at ``path``; expiry uses wall-clock time, so it survives restarts.

    ``max_size`` (None: unbounded) evicts the least recently used keys after
    each write. Several processes may open the same file (WAL mode). Calls are
    short local file operations done under a lock, on both paths.
    """

    def __init__(self, path: str | os.PathLike[str], max_size: int | None = 256) -> None:
        if max_size is not None and (
            isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1
        ):
            raise ValueError(f"max_size must be a positive int or None (got {max_size!r})")
        self.path = os.fspath(path)
        self.max_size = max_size
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=5.0
        )
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            # A cache may lose its last writes in a power cut; it must not fsync on every hit.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)

    def __repr__(self) -> str:
        return f"SQLiteStorage({self.path!r}, max_size={self.max_size})"

    def __len__(self) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM axios_python_cache "
                "WHERE expires_at IS NULL OR expires_at > ?",
                (time.time(),),
            ).fetchone()
        return int(row[0])

    def get(self, key: str) -> Entry | None:
        now = time.time()
        with self._lock:
            row = self._db.execute(
                "SELECT value, expires_at FROM axios_python_cache WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                return None
            if row[1] is not None and row[1] <= now:
                self._db.execute("DELETE FROM axios_python_cache WHERE key = ?", (key,))
                return None
            self._db.execute("UPDATE axios_python_cache SET used_at = ? WHERE key = ?", (now, key))
        try:
            return decode_entry(row[0])
        except ValueError:
            self.delete(key)
            return None

    def set(self, key: str, entry: Entry, ttl: float | None) -> None:
        now = time.time()
        value = encode_entry(entry)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO axios_python_cache (key, value, expires_at, used_at) "
                "VALUES (?, ?, ?, ?)",
                (key, value, None if ttl is None else now + ttl, now),
            )
            self._db.execute(
                "DELETE FROM axios_python_cache WHERE expires_at IS NOT NULL AND expires_at <= ?",
                (now,),
            )
            if self.max_size is not None:
                self._db.execute(
                    "DELETE FROM axios_python_cache WHERE key NOT IN "
                    "(SELECT key FROM axios_python_cache ORDER BY used_at DESC LIMIT ?)",
                    (self.max_size,),
                )

    def delete(self, key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM axios_python_cache WHERE key = ?", (key,))

    def clear(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM axios_python_cache")

    def close(self) -> None:
        with self._lock:
            self._db.close()
