"""CachePlugin: answers repeated GETs from a storage, through the axios_python hooks.

Decisions (what to look up, store or drop) are made here without I/O; the
storage work is written as flows that ``_driver.StorageRunner`` performs on the
sync or the async path.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from axios_python import ConfigError, Headers, HTTPStatusError, Request, Response, StreamError
from axios_python.hookspecs import hookimpl

from ._driver import Delete, Flow, Get, Set, StorageRunner
from ._entry import Entry, StoredResponse
from ._keys import (
    ALWAYS_CREDENTIALS,
    carries_credentials,
    credential_partition,
    url_key,
    vary_fingerprint,
    vary_names,
)
from ._memory import MemoryStorage
from ._stats import CacheStats, Counters
from ._storage import BaseStorage

__all__ = ["CachePlugin"]

# Where the plugin leaves its per-request notes; redirects share this dict.
_EXTENSION: Final = "axios_python_cache"
_INVALIDATING: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# RFC 9110 section 15.1: statuses cacheable without explicit freshness information.
_CACHEABLE_STATUSES: Final = frozenset({200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501})
# Responses kept per URL (one per credential partition and Vary fingerprint).
_MAX_VARIANTS: Final = 32
_NAMES_REMEMBERED: Final = 64  # distinct sensitive_headers sets whose credential union is kept
_STORAGE_NAMES: Final = ("memory", "sqlite", "redis")


@dataclass
class _Pending:
    """What the lookup learned about one request, read again when its response arrives."""

    key: str
    request: Request
    partition: str | None = None
    invalidate: bool = False
    revalidating: tuple[StoredResponse, ...] = ()
    added_headers: tuple[str, ...] = ()  # conditional headers the plugin put on the request


def _directives(value: str) -> set[str]:
    return {part.split("=", 1)[0].strip().lower() for part in value.split(",") if part.strip()}


def _positive(name: str, value: object, *, allow_none: bool, integer: bool = False) -> None:
    if value is None and allow_none:
        return
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None or (integer and not isinstance(number, int)) or number <= 0:
        what = "a positive int" if integer else "a positive number of seconds"
        raise ConfigError(
            f"CachePlugin: {name!r} must be {what}{' or None' if allow_none else ''} "
            f"(got {value!r})"
        )


class CachePlugin:
    """Cache GET responses for ``ttl`` seconds, at most ``max_size`` URLs (LRU out first).

    Only GET is cached; POST, PUT, PATCH and DELETE go to the network and drop
    the entry of their URL. The key is the URL with its query sorted, plus the
    request headers the response's Vary names. Requests with credentials
    (Authorization, Cookie, ``sensitive_headers``, ``credential_headers``) are not
    cached unless ``cache_authenticated=True``, and then only for the same
    credentials. ``no-store`` responses, streamed ones and bodies larger than
    ``max_entry_bytes`` are never stored. With ``respect_cache_control=True`` the
    origin's Cache-Control, Expires, ETag and Last-Modified decide freshness and
    revalidation (RFC 9111, via hishel), within ``ttl``.

    ``storage`` is "memory" (default), "sqlite" (with ``sqlite_path``), "redis"
    (with ``redis_url``) or any BaseStorage. Example::

        api.plugin(CachePlugin(ttl=120, max_size=256))
        api.get("/users")            # network
        api.get("/users").from_cache  # True
    """

    name: Final = "cache"

    def __init__(
        self,
        ttl: float | None = 60.0,
        max_size: int = 256,
        *,
        storage: BaseStorage | str = "memory",
        sqlite_path: str | os.PathLike[str] | None = None,
        redis_url: str | None = None,
        respect_cache_control: bool = False,
        shared: bool = True,
        cache_authenticated: bool = False,
        credential_headers: Iterable[str] = (),
        max_entry_bytes: int | None = 1024 * 1024,
    ) -> None:
        _positive("ttl", ttl, allow_none=True)
        _positive("max_size", max_size, allow_none=False, integer=True)
        _positive("max_entry_bytes", max_entry_bytes, allow_none=True, integer=True)
        for flag, value in (
            ("respect_cache_control", respect_cache_control),
            ("shared", shared),
            ("cache_authenticated", cache_authenticated),
        ):
            if not isinstance(value, bool):
                raise ConfigError(f"CachePlugin: {flag!r} must be a bool (got {value!r})")
        names = () if isinstance(credential_headers, str) else tuple(credential_headers)
        if isinstance(credential_headers, str) or not all(isinstance(n, str) for n in names):
            raise ConfigError(
                "CachePlugin: 'credential_headers' must be a list of header names "
                f"(got {credential_headers!r})"
            )
        self.ttl = None if ttl is None else float(ttl)
        self.max_size = max_size
        self.respect_cache_control = respect_cache_control
        self.shared = shared
        self.cache_authenticated = cache_authenticated
        self.credential_headers = frozenset(name.lower() for name in names)
        self.max_entry_bytes = max_entry_bytes
        if respect_cache_control:
            from . import _policy  # noqa: F401  (load hishel now, not during the first request)
        self.storage = self._make_storage(storage, sqlite_path, redis_url)
        self._counters = Counters()
        # The credential names per distinct ``sensitive_headers`` value (there are few).
        self._names_for: dict[frozenset[str], frozenset[str]] = {}
        self._runner = StorageRunner(self.storage, self._counters)

    def _make_storage(
        self,
        storage: BaseStorage | str,
        sqlite_path: str | os.PathLike[str] | None,
        redis_url: str | None,
    ) -> BaseStorage:
        if isinstance(storage, BaseStorage):
            return storage
        if storage == "memory":
            return MemoryStorage(self.max_size)
        if storage == "sqlite":
            if sqlite_path is None:
                raise ConfigError(
                    "CachePlugin: storage='sqlite' needs sqlite_path, the database file to use"
                )
            from ._sqlite import SQLiteStorage

            return SQLiteStorage(sqlite_path, self.max_size)
        if storage == "redis":
            from ._redis import RedisStorage

            return RedisStorage(redis_url) if redis_url is not None else RedisStorage()
        raise ConfigError(
            f"CachePlugin: 'storage' must be one of {', '.join(map(repr, _STORAGE_NAMES))} "
            f"or a BaseStorage (got {storage!r})"
        )

    def __repr__(self) -> str:
        return f"CachePlugin(ttl={self.ttl}, storage={self.storage!r})"

    # --- public helpers -------------------------------------------------------------------

    @property
    def stats(self) -> CacheStats:
        """Hit, miss, store... counters since creation or the last ``reset_stats()``."""
        return self._counters.snapshot()

    def reset_stats(self) -> None:
        """Set every counter back to zero."""
        self._counters.reset()

    def clear(self) -> None:
        """Drop every cached response (with the storage's blocking client)."""
        self.storage.clear()

    async def aclear(self) -> None:
        """Async twin of clear()."""
        await self.storage.aclear()

    def close(self) -> None:
        """Release the storage's connections or files."""
        self.storage.close()

    async def aclose(self) -> None:
        """Async twin of close()."""
        await self.storage.aclose()

    # --- hooks ------------------------------------------------------------------------------

    @hookimpl
    def axios_cached_response(
        self, request: Request, config: Mapping[str, Any], is_async: bool
    ) -> Response | Awaitable[Response | None] | None:
        """Answer a fresh cached GET; drop the URL's entry before a POST/PUT/PATCH/DELETE."""
        previous = request.extensions.pop(_EXTENSION, None)
        if isinstance(previous, _Pending):  # a retried attempt: start from the caller's headers
            for name in previous.added_headers:
                request.headers.pop(name, None)
        if request.method in _INVALIDATING:
            key = url_key("GET", request.url)
            request.extensions[_EXTENSION] = _Pending(key, request, invalidate=True)
            self._counters.add("invalidations")
            return self._runner.run(self._invalidate(key), is_async)
        if request.method != "GET":
            return None
        if request.stream:
            self._counters.add("bypasses")
            return None
        names = self._credential_names(config)
        partition = None
        if not self.cache_authenticated:
            if carries_credentials(request.headers, names):
                self._counters.add("bypasses")
                return None
        else:
            partition = credential_partition(request.headers, names)
        pending = _Pending(url_key("GET", request.url), request, partition)
        request.extensions[_EXTENSION] = pending
        return self._runner.run(self._lookup(pending), is_async)

    @hookimpl
    def axios_response(
        self, response: Response, config: Mapping[str, Any], is_async: bool
    ) -> Response | Awaitable[Response | None] | None:
        """Store a cacheable response; drop the entry again after a successful unsafe request."""
        pending = self._pending(response)
        if pending is None or response.from_cache:
            return None
        if pending.invalidate:
            return self._runner.run(self._invalidate(pending.key), is_async)
        if response.status_code == 304 and pending.revalidating:
            return self._runner.run(self._refresh(pending, response, config), is_async)
        stored = self._storable(pending, response)
        if stored is None:
            if pending.revalidating:
                self._counters.add("misses")
            return None
        return self._runner.run(self._store(pending, stored), is_async)

    @hookimpl
    def axios_error(
        self, error: Exception, config: Mapping[str, Any], is_async: bool
    ) -> Response | Awaitable[Response | None] | None:
        """Turn the 304 answering our own revalidation into the refreshed cached response."""
        if not isinstance(error, HTTPStatusError) or error.response is None:
            return None
        response = error.response
        pending = self._pending(response)
        if pending is None or response.status_code != 304 or not pending.revalidating:
            return None
        return self._runner.run(self._refresh(pending, response, config), is_async)

    # --- decisions (no I/O) --------------------------------------------------------------

    def _credential_names(self, config: Mapping[str, Any]) -> frozenset[str]:
        configured = config.get("sensitive_headers") or frozenset()
        if isinstance(configured, frozenset):  # as validation leaves it: remember the union
            names = self._names_for.get(configured)
            if names is None:
                if len(self._names_for) >= _NAMES_REMEMBERED:
                    self._names_for.clear()
                names = self._credential_union(configured)
                self._names_for[configured] = names
            return names
        return self._credential_union(configured)

    def _credential_union(self, configured: Iterable[str]) -> frozenset[str]:
        return ALWAYS_CREDENTIALS | self.credential_headers | {n.lower() for n in configured}

    @staticmethod
    def _pending(response: Response) -> _Pending | None:
        request = response.request
        pending = None if request is None else request.extensions.get(_EXTENSION)
        return pending if isinstance(pending, _Pending) else None

    def _young(self, stored: StoredResponse, now: float) -> bool:
        return self.ttl is None or now - stored.stored_at < self.ttl

    def _shared(self, partition: str | None) -> bool:
        # A credential-partitioned entry serves one user only: judge it as a private cache.
        return self.shared and partition is None

    @staticmethod
    def _matches(stored: StoredResponse, partition: str | None, headers: Headers) -> bool:
        if stored.partition != partition:
            return False
        return vary_fingerprint((name for name, _ in stored.vary), headers) == stored.vary

    def _storable(self, pending: _Pending, response: Response) -> StoredResponse | None:
        request = pending.request
        if request.stream or "set-cookie" in response.headers:
            return None
        if "no-store" in _directives(response.headers.get("cache-control", "")):
            return None
        if "no-store" in _directives(request.headers.get("cache-control", "")):
            return None
        names = vary_names(response.headers.get("vary", ""))
        if "*" in names:
            return None
        try:
            content = response.content
        except StreamError:
            return None
        if self.max_entry_bytes is not None and len(content) > self.max_entry_bytes:
            return None
        now = time.time()
        if self.respect_cache_control:
            from . import _policy  # hishel (and what it imports) loads only in this mode

            headers = _policy.storable_headers(
                request, response, now, shared=self._shared(pending.partition)
            )
            if headers is None:
                return None
        elif response.status_code in _CACHEABLE_STATUSES:
            headers = response.headers.multi_items()
        else:
            return None
        return StoredResponse(
            url=response.url or request.url,
            status_code=response.status_code,
            headers=tuple(headers),
            content=content,
            stored_at=now,
            partition=pending.partition,
            vary=vary_fingerprint(names, request.headers),
        )

    # --- flows (yield storage operations) ------------------------------------------------

    def _invalidate(self, key: str) -> Flow[None]:
        yield Delete(key)

    def _lookup(self, pending: _Pending) -> Flow[Response | None]:
        request = pending.request
        entry: Entry | None = yield Get(pending.key)
        now = time.time()
        candidates = [
            stored
            for stored in entry or ()
            if self._matches(stored, pending.partition, request.headers)
            and self._young(stored, now)
        ]
        if not self.respect_cache_control:
            if not candidates:
                self._counters.add("misses")
                return None
            self._counters.add("hits")
            return candidates[-1].to_response(request)
        from . import _policy

        decision = _policy.lookup(request, candidates, shared=self._shared(pending.partition))
        if isinstance(decision, _policy.Fresh):
            self._counters.add("hits")
            response = decision.stored.to_response(request)
            response.headers["Age"] = str(decision.age)
            return response
        if isinstance(decision, _policy.Revalidate):
            request.headers.update_from(decision.conditional_headers)
            pending.revalidating = decision.candidates
            pending.added_headers = tuple(decision.conditional_headers)
            self._counters.add("revalidations")
            return None
        self._counters.add("misses")
        return None

    def _put(self, pending: _Pending, stored: StoredResponse) -> Flow[bool]:
        entry: Entry | None = yield Get(pending.key)
        now = time.time()
        kept = tuple(
            item
            for item in entry or ()
            if (item.partition, item.vary) != (stored.partition, stored.vary)
            and self._young(item, now)
        )
        done: bool | None = yield Set(pending.key, (*kept, stored)[-_MAX_VARIANTS:], self.ttl)
        return bool(done)

    def _store(self, pending: _Pending, stored: StoredResponse) -> Flow[None]:
        if pending.revalidating:
            self._counters.add("misses")
        if (yield from self._put(pending, stored)):
            self._counters.add("stores")

    def _refresh(
        self, pending: _Pending, not_modified: Response, config: Mapping[str, Any]
    ) -> Flow[Response | None]:
        from . import _policy

        refreshed = _policy.refresh(
            pending.request,
            pending.revalidating,
            not_modified,
            time.time(),
            shared=self._shared(pending.partition),
        )
        if refreshed is None:
            self._counters.add("misses")
            return None
        yield from self._put(pending, refreshed)
        self._counters.add("hits")
        response = refreshed.to_response(pending.request)
        response.config = dict(config)
        response.elapsed = not_modified.elapsed
        response.retries = not_modified.retries
        response.history = list(not_modified.history)
        return response
