"""axios-python-cache: a response cache plugin for axios-python (memory, SQLite or Redis).

    from axios_python import create
    from axios_python_cache import CachePlugin

    api = create({"base_url": "https://api.example.com"})
    api.plugin(CachePlugin(ttl=120, max_size=256))

Also available by name once installed: ``api.plugin("cache", ttl=120)``.
"""

from __future__ import annotations

from ._driver import CacheStorageWarning
from ._entry import Entry, StoredResponse
from ._memory import MemoryStorage
from ._plugin import CachePlugin
from ._redis import RedisStorage
from ._sqlite import SQLiteStorage
from ._stats import CacheStats
from ._storage import BaseStorage

__all__ = [
    "BaseStorage",
    "CachePlugin",
    "CacheStats",
    "CacheStorageWarning",
    "Entry",
    "MemoryStorage",
    "RedisStorage",
    "SQLiteStorage",
    "StoredResponse",
    "__version__",
]

__version__ = "0.1.0"
