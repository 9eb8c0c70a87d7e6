"""RedisStorage: one cache shared by many processes or machines (needs the ``redis`` extra)."""

from __future__ import annotations

import asyncio
import hashlib
import weakref
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ._entry import Entry, decode_entry, encode_entry
from ._storage import BaseStorage

if TYPE_CHECKING:
    import redis
    import redis.asyncio

__all__ = ["RedisStorage"]


def _import_redis() -> Any:
    try:
        import redis
        import redis.asyncio
    except ModuleNotFoundError as exc:
        raise ImportError(
            "RedisStorage needs redis-py, which is not installed; "
            "run: pip install 'axios-python-cache[redis]'"
        ) from exc
    return redis


class RedisStorage(BaseStorage):
    """Entries in Redis under ``prefix``: redis-py on the sync path, redis.asyncio on the async one.

    Keys are SHA-256 digests of the cache key (URLs never appear as Redis keys);
    values are JSON. Expiry is Redis's own (``SET ... PX``); ``max_size`` is not
    enforced here, configure Redis's ``maxmemory-policy`` instead. Short socket
    timeouts (``timeout`` seconds) keep an outage from stalling requests: the
    plugin then warns and answers from the network.
    """

    async_native = True

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        *,
        prefix: str = "axios_python_cache:",
        timeout: float = 1.0,
    ) -> None:
        if not isinstance(url, str) or urlsplit(url).scheme not in ("redis", "rediss", "unix"):
            raise ValueError(f"url must be a redis://, rediss:// or unix:// URL (got {url!r})")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ValueError(f"timeout must be a positive number of seconds (got {timeout!r})")
        self._redis = _import_redis()
        self.url = url
        self.prefix = prefix
        self.timeout = float(timeout)
        self._sync: redis.Redis | None = None
        # redis.asyncio connections belong to the loop that opened them: one client per loop.
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, redis.asyncio.Redis] = (
            weakref.WeakKeyDictionary()
        )

    def __repr__(self) -> str:
        parts = urlsplit(self.url)
        where = f"{parts.hostname}:{parts.port or 6379}{parts.path}"  # no password
        return f"RedisStorage({parts.scheme}://{where!s}, prefix={self.prefix!r})"

    def _key(self, key: str) -> str:
        return self.prefix + hashlib.sha256(key.encode("utf-8")).hexdigest()

    def _client(self) -> redis.Redis:
        if self._sync is None:
            self._sync = self._redis.Redis.from_url(
                self.url, socket_timeout=self.timeout, socket_connect_timeout=self.timeout
            )
        return self._sync

    def _aclient(self) -> redis.asyncio.Redis:
        loop = asyncio.get_running_loop()
        client = self._async.get(loop)
        if client is None:
            client = self._redis.asyncio.Redis.from_url(
                self.url, socket_timeout=self.timeout, socket_connect_timeout=self.timeout
            )
            self._async[loop] = client
        return client

    # --- sync path ----------------------------------------------------------------------

    def get(self, key: str) -> Entry | None:
        raw = self._client().get(self._key(key))
        return None if raw is None else decode_entry(raw)

    def set(self, key: str, entry: Entry, ttl: float | None) -> None:
        px = None if ttl is None else max(1, int(ttl * 1000))
        self._client().set(self._key(key), encode_entry(entry), px=px)

    def delete(self, key: str) -> None:
        self._client().delete(self._key(key))

    def clear(self) -> None:
        client = self._client()
        for name in client.scan_iter(match=self.prefix + "*", count=500):
            client.delete(name)

    def close(self) -> None:
        if self._sync is not None:
            self._sync.close()
            self._sync = None

    # --- async path ---------------------------------------------------------------------

    async def aget(self, key: str) -> Entry | None:
        raw = await self._aclient().get(self._key(key))
        return None if raw is None else decode_entry(raw)

    async def aset(self, key: str, entry: Entry, ttl: float | None) -> None:
        px = None if ttl is None else max(1, int(ttl * 1000))
        await self._aclient().set(self._key(key), encode_entry(entry), px=px)

    async def adelete(self, key: str) -> None:
        await self._aclient().delete(self._key(key))

    async def aclear(self) -> None:
        client = self._aclient()
        async for name in client.scan_iter(match=self.prefix + "*", count=500):
            await client.delete(name)

    async def aclose(self) -> None:
        self.close()
        client = self._async.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()
