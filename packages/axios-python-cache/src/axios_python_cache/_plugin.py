"""CachePlugin: answers repeated GETs from a storage, through the axios_python hooks.

Decisions (what to look up, store or drop) are made here without I/O; the
storage work, the waits for an identical request in flight and the plugin's own
repetitions of a request are written as flows that ``_driver.StorageRunner``
performs on the sync or the async path.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urljoin

from axios_python import (
    AxiosPython,
    Headers,
    HTTPStatusError,
    Request,
    Response,
)
from axios_python.hookspecs import hookimpl

from ._background import Refresher, resend_options
from ._coalesce import (
    ERROR_STATUSES,
    Coalescer,
    failure,
    origin_failed,
    outcome_of,
    shared_error,
)
from ._driver import RESENDING, Delete, Fetch, Flow, Get, Set, StorageRunner, Wait
from ._entry import Entry, StoredResponse
from ._flight import RETRY, Failed, Outcome, Shared
from ._keys import (
    ALWAYS_CREDENTIALS,
    credential_partition,
    same_origin,
    url_key,
    vary_fingerprint,
)
from ._options import check_flag, check_names, check_positive, make_storage
from ._pending import EXTENSION, Pending, pending_of
from ._stats import CacheStats, Counters
from ._storage import BaseStorage
from ._store import no_store, storable

if TYPE_CHECKING:
    from . import _policy

__all__ = ["CachePlugin"]

# RFC 9110 section 9.2.1: any other method (unknown ones too) invalidates on success.
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Responses kept per URL (one per credential partition and Vary fingerprint).
_MAX_VARIANTS: Final = 32
_NAMES_REMEMBERED: Final = 64  # distinct sensitive_headers sets whose credential union is kept
_MAX_ROUNDS: Final = 4  # waits for flights per request before it goes to the origin itself
_AGAIN: Final = object()  # a waiter's cue to look up again
_NAMING: Final = ("location", "content-location")  # the URIs an unsafe request's answer names


def _named_urls(answer: Response) -> list[str]:
    """The absolute URLs an answer's Location and Content-Location name."""
    base = answer.url or (answer.request.url if answer.request is not None else "")
    return [urljoin(base, answer.headers[name]) for name in _NAMING if name in answer.headers]


def _deletes(keys: Iterable[str]) -> Flow[None]:
    """The storage operations that drop ``keys``."""
    for key in keys:
        yield Delete(key)


class CachePlugin:
    """Cache GET responses for ``ttl`` seconds, at most ``max_size`` URLs (LRU out first).

    Only GET is cached; any other method except HEAD, OPTIONS and TRACE drops
    the entry of its URL once it succeeded. The key is the URL with its query
    sorted, plus the request headers the response's Vary names. Requests with
    credentials (Authorization, Cookie, ``sensitive_headers``,
    ``credential_headers``) are not cached unless ``cache_authenticated=True``,
    and then only for the same credentials. ``no-store`` responses, streamed ones
    and bodies larger than ``max_entry_bytes`` are never stored. With
    ``respect_cache_control=True`` the origin's Cache-Control, Expires, Age, ETag
    and Last-Modified decide freshness and revalidation (RFC 9111 and RFC 5861's
    stale-while-revalidate and stale-if-error), within ``ttl``. Concurrent misses
    for one key make one origin request (``coalesce``); the others wait up to
    ``coalesce_timeout`` seconds for it. A failing storage is a miss, tried
    again at most every ``storage_retry_after`` seconds.

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
        coalesce: bool = True,
        coalesce_timeout: float = 5.0,
        storage_retry_after: float = 1.0,
    ) -> None:
        check_positive("ttl", ttl, allow_none=True)
        check_positive("max_size", max_size, allow_none=False, integer=True)
        check_positive("max_entry_bytes", max_entry_bytes, allow_none=True, integer=True)
        check_positive("coalesce_timeout", coalesce_timeout, allow_none=False)
        check_positive("storage_retry_after", storage_retry_after, allow_none=False)
        check_flag("respect_cache_control", respect_cache_control)
        check_flag("shared", shared)
        check_flag("cache_authenticated", cache_authenticated)
        check_flag("coalesce", coalesce)
        self.ttl = None if ttl is None else float(ttl)
        self.max_size = max_size
        self.respect_cache_control = respect_cache_control
        self.shared = shared
        self.cache_authenticated = cache_authenticated
        self.credential_headers = check_names(credential_headers)
        self.max_entry_bytes = max_entry_bytes
        self.coalesce = coalesce
        self.coalesce_timeout = float(coalesce_timeout)
        if respect_cache_control:
            from . import _policy  # noqa: F401  (load hishel now, not during the first request)
        self.storage = make_storage(storage, sqlite_path, redis_url, max_size)
        self._counters = Counters()
        self._count = self._counters.counts
        # The credential names per distinct ``sensitive_headers`` value (there are few).
        self._names_for: dict[frozenset[str], frozenset[str]] = {}
        self._runner = StorageRunner(self.storage, self._counters, float(storage_retry_after))
        self._coalescer = Coalescer(self.coalesce_timeout) if coalesce else None
        self._refresher = Refresher()

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
        self, request: Request, config: Mapping[str, Any], client: AxiosPython, is_async: bool
    ) -> Response | Awaitable[Response | None] | None:
        """Answer a GET from the cache, or let it go to the origin (leading or after a wait)."""
        extensions = request.extensions
        previous: Any = None
        flight = None
        if extensions:
            previous = extensions.pop(EXTENSION, None)
            if isinstance(previous, Pending):  # a retried attempt: from the caller's headers
                for name in previous.added_headers:
                    request.headers.pop(name, None)
                flight = previous.flight  # a leader stays the leader across its retries
        if request.method != "GET":
            if request.method not in _SAFE_METHODS:
                key = url_key("GET", request.url)
                extensions[EXTENSION] = Pending(key, request, invalidate=True)
            return None
        try:  # the credential names remembered for this sensitive_headers frozenset
            names = self._names_for[config["sensitive_headers"]]
        except (KeyError, TypeError):  # first seen, absent, or not a frozenset
            names = self._credential_names(config)
        partition = None
        if not self.cache_authenticated:
            if request.headers.has_any(names):  # any credential: one C-level test
                next(self._count["bypasses"])  # Counters.add, inline: most requests get here
                return None
        else:
            partition = credential_partition(request.headers, names)
        if request.stream or config.get("decompress") is False:  # entries hold decoded bodies
            next(self._count["bypasses"])
            return None
        pending = Pending(url_key("GET", request.url), request, partition, flight=flight)
        if flight is not None:
            pending.config_id = previous.config_id
        request.extensions[EXTENSION] = pending
        lookup = self._lookup if flight is None else self._retried_lookup
        return self._runner.run(lookup(pending, config, client, is_async), is_async)

    @hookimpl
    def axios_response(
        self, response: Response, config: Mapping[str, Any], client: AxiosPython, is_async: bool
    ) -> Response | Awaitable[Response | None] | None:
        """Store a cacheable response; drop the URL's entry after a successful unsafe request."""
        request = response.request  # pending_of(response), inline: this runs for every response
        if request is None or not request.extensions:
            return None  # no notes: a bypassed or a safe non-GET request
        pending = request.extensions.get(EXTENSION)
        if type(pending) is not Pending or response.from_cache:
            return None
        if pending.invalidate:
            # RFC 9111 4.4: only a non-error answer invalidates (a redirect, whatever follows).
            answer = response.history[0] if response.history else response
            if answer.status_code >= 400:
                return None
            return self._invalidate(pending, _named_urls(answer), is_async)
        if response.status_code == 304 and pending.revalidating:
            return self._runner.run(self._refresh(pending, response, config, client), is_async)
        if pending.fallback is not None and response.status_code in ERROR_STATUSES:
            self._finish(pending, failure(response))
            return self._stale(pending)
        stored = self._storable(pending, response)
        if stored is None:
            if pending.revalidating:
                self._counters.add("misses")
            self._finish(pending, failure(response))
            return None
        return self._runner.run(self._store(pending, stored), is_async)

    @hookimpl
    def axios_error(
        self, error: Exception, config: Mapping[str, Any], client: AxiosPython, is_async: bool
    ) -> Response | Awaitable[Response | None] | None:
        """Refresh the entry our 304 confirmed; serve stale-if-error; tell the waiters."""
        pending = pending_of(getattr(error, "request", None), getattr(error, "response", None))
        if pending is None and self._coalescer is not None:
            pending = self._coalescer.leader(config)  # e.g. a middleware's own exception
        if pending is None:
            return None
        if pending.invalidate:  # failed; but after a redirect, the request itself succeeded
            return self._invalidate_redirected(pending, error, is_async)
        response = error.response if isinstance(error, HTTPStatusError) else None
        if response is not None and response.status_code == 304 and pending.revalidating:
            return self._runner.run(self._refresh(pending, response, config, client), is_async)
        outcome = outcome_of(error)
        self._finish(pending, outcome)
        if pending.fallback is not None and origin_failed(outcome):
            return self._stale(pending)
        return None

    @hookimpl
    def axios_interrupted(self, config: Mapping[str, Any]) -> None:
        """A leader stopped by a cancelled task or KeyboardInterrupt: its waiters look up again."""
        pending = None if self._coalescer is None else self._coalescer.leader(config)
        if pending is not None:
            self._finish(pending, RETRY)

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

    def _young(self, stored: StoredResponse, now: float) -> bool:
        return self.ttl is None or now - stored.stored_at < self.ttl

    def _shared(self, partition: str | None) -> bool:
        # A credential-partitioned entry serves one user only: judge it as a private cache.
        return self.shared and partition is None

    def _storable(self, pending: Pending, response: Response) -> StoredResponse | None:
        """What to store for ``response`` to ``pending``'s request, or None if it must not be."""
        return storable(
            pending,
            response,
            max_entry_bytes=self.max_entry_bytes,
            rfc=self.respect_cache_control,
            shared=self._shared(pending.partition),
        )

    @staticmethod
    def _matches(stored: StoredResponse, partition: str | None, headers: Headers) -> bool:
        if stored.partition != partition:
            return False
        return vary_fingerprint((name for name, _ in stored.vary), headers) == stored.vary

    @staticmethod
    def _served(stored: StoredResponse, request: Request, now: float) -> Response:
        """A hit in RFC mode: the stored response with its current Age."""
        response = stored.to_response(request)
        response.headers["Age"] = str(int(stored.age(now)))
        return response

    def _stale(self, pending: Pending) -> Response:
        """stale-if-error: the stored response instead of the origin's failure."""
        assert pending.fallback is not None
        self._counters.add("hits")
        self._counters.add("stale")
        return self._served(pending.fallback, pending.request, time.time())

    def _finish(self, pending: Pending, outcome: Outcome) -> None:
        if self._coalescer is not None:
            self._coalescer.finish(pending, outcome)

    def _may_coalesce(self, pending: Pending, mode: str | None) -> bool:
        if self._coalescer is None or pending.flight is not None or mode == "unconditional":
            return False
        return not no_store(pending.request.headers)

    # --- flows (yield storage operations, waits and fetches) ------------------------------

    def _invalidate(
        self, pending: Pending, named: Iterable[str], is_async: bool
    ) -> Awaitable[None] | None:
        """Drop the target URI and the same-origin URIs its answer ``named`` (RFC 9111 4.4)."""
        self._counters.add("invalidations")
        keys = [pending.key]
        keys.extend(url_key("GET", url) for url in named if same_origin(url, pending.request.url))
        return self._runner.run(_deletes(dict.fromkeys(keys)), is_async)

    def _invalidate_redirected(
        self, pending: Pending, error: Exception, is_async: bool
    ) -> Awaitable[None] | None:
        """An unsafe request that failed after a redirect: that redirect was its success."""
        response = getattr(error, "response", None)
        if isinstance(response, Response) and response.history:
            return self._invalidate(pending, _named_urls(response.history[0]), is_async)
        hop = getattr(error, "request", None)  # no answer to a redirect hop: only its URL is known
        if isinstance(hop, Request) and hop is not pending.request:
            return self._invalidate(pending, (hop.url,), is_async)
        return None

    def _retried_lookup(
        self, pending: Pending, config: Mapping[str, Any], client: AxiosPython, is_async: bool
    ) -> Flow[Response | None]:
        response = yield from self._lookup(pending, config, client, is_async)
        if response is not None:
            self._finish(pending, RETRY)  # a retried leader found an answer: waiters look again
        return response

    def _lookup(
        self, pending: Pending, config: Mapping[str, Any], client: AxiosPython, is_async: bool
    ) -> Flow[Response | None]:
        """A response from the storage or from an identical request in flight, else None."""
        request = pending.request
        resending = RESENDING.get()
        mode = resending[0] if resending is not None and resending[1] == pending.key else None
        rfc = self.respect_cache_control
        if rfc:
            from . import _policy

            bypass = _policy.BYPASS_HEADERS
            sent = request.headers.multi_items()
            if mode != "unconditional" and any(name.lower() in bypass for name, _ in sent):
                self._counters.add("misses")  # the caller's own conditional or range request
                return None
        vary_known: tuple[str, ...] | None = None  # names a shared response varied on
        decision: Any = None
        for _ in range(_MAX_ROUNDS):
            entry: Entry | None = yield Get(pending.key)
            now = pending.sent_at = time.time()
            candidates = [
                stored
                for stored in entry or ()
                if self._matches(stored, pending.partition, request.headers)
                and self._young(stored, now)
            ]
            if mode == "unconditional":  # a 304 matched none of them: ask for the full response
                candidates = []
            if not rfc:
                if candidates:
                    self._counters.add("hits")
                    return candidates[-1].to_response(request)
            else:
                decision = _policy.lookup(
                    request,
                    candidates,
                    now,
                    shared=self._shared(pending.partition),
                    force_revalidate=mode == "revalidate",
                )
                answer = self._answer(decision, pending, config, client, is_async, now)
                if answer is not None:
                    return answer
                pending.fallback = decision.fallback
            if not self._may_coalesce(pending, mode):
                break
            assert self._coalescer is not None
            names = vary_known if vary_known is not None else self._vary_names(entry, pending)
            flight_key = (pending.key, pending.partition, vary_fingerprint(names, request.headers))
            flight = self._coalescer.enter(pending, flight_key, config, is_async)
            if flight is None:
                break  # it leads, or it is the leader's own nested request
            token = request.extensions.get("cancel_token")
            outcome: Outcome | None = yield Wait(self._coalescer.flights, flight, token)
            shared = self._waited(outcome, pending)
            if isinstance(shared, Response):
                return shared
            if shared is not _AGAIN:
                break  # to the origin: the leader's answer is not this request's
            if isinstance(outcome, Shared):
                vary_known = tuple(name for name, _ in outcome.stored.vary)
        if rfc and isinstance(decision, _policy.Revalidate):
            request.headers.update_from(decision.conditional_headers)
            pending.revalidating = decision.candidates
            pending.added_headers = tuple(decision.conditional_headers)
            self._counters.add("revalidations")
        else:
            self._counters.add("misses")
        return None

    def _waited(self, outcome: Outcome | None, pending: Pending) -> Response | object | None:
        """A waiter's answer from its leader's ``outcome``: a Response, _AGAIN or None (origin).

        A shared response that varies on a header this request sends otherwise, or
        a leader that gave up, means looking up again; a timed-out wait, a response
        that may not be shared or one that needs the origin for every use (RFC
        mode, e.g. max-age=0) means going to the origin.
        """
        request = pending.request
        if isinstance(outcome, Failed):
            self._counters.add("coalesced")
            if outcome.response is not None:
                return outcome.response.to_response(request)
            raise shared_error(outcome.error, request)
        if not isinstance(outcome, Shared):
            return _AGAIN if outcome is RETRY else None
        stored = outcome.stored
        if not self._matches(stored, pending.partition, request.headers):
            return _AGAIN
        response = None
        if not self.respect_cache_control:
            response = stored.to_response(request)
        else:
            from . import _policy

            now = time.time()
            decision = _policy.lookup(
                request, [stored], now, shared=self._shared(pending.partition)
            )
            if isinstance(decision, _policy.Fresh):
                response = self._served(stored, request, now)
        if response is not None:
            self._counters.add("hits")
            self._counters.add("coalesced")
        return response

    def _answer(
        self,
        decision: _policy.Decision,
        pending: Pending,
        config: Mapping[str, Any],
        client: AxiosPython,
        is_async: bool,
        now: float,
    ) -> Response | None:
        """The response an RFC-mode decision gives without the origin, or None."""
        from . import _policy

        request = pending.request
        if isinstance(decision, _policy.Fresh):
            self._counters.add("hits")
            if decision.stale:
                self._counters.add("stale")
            return self._served(decision.stored, request, now)
        if isinstance(decision, _policy.Stale):
            self._counters.add("hits")
            self._counters.add("stale")
            url, options = resend_options(request, config)
            self._refresher.start(pending.key, client, url, options, is_async)
            return self._served(decision.stored, request, now)
        if isinstance(decision, _policy.Unavailable):
            self._counters.add("misses")
            response = Response(504, content=b"", request=request, url=request.url)
            response.from_cache = True
            return response
        return None

    @staticmethod
    def _vary_names(entry: Entry | None, pending: Pending) -> tuple[str, ...]:
        """The Vary names stored for this URL and partition: what its flight is keyed on."""
        names = {
            name
            for stored in entry or ()
            if stored.partition == pending.partition
            for name, _ in stored.vary
        }
        return tuple(sorted(names))

    def _put(self, pending: Pending, stored: StoredResponse) -> Flow[bool]:
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

    def _store(self, pending: Pending, stored: StoredResponse) -> Flow[None]:
        try:
            if pending.revalidating:
                self._counters.add("misses")
            if (yield from self._put(pending, stored)):
                self._counters.add("stores")
        finally:  # waiters get the response even when the storage could not keep it
            self._finish(pending, Shared(stored))

    def _refresh(
        self,
        pending: Pending,
        not_modified: Response,
        config: Mapping[str, Any],
        client: AxiosPython,
    ) -> Flow[Response | None]:
        from . import _policy

        now = time.time()
        refreshed = _policy.refresh(
            pending.request,
            pending.revalidating,
            not_modified,
            pending.sent_at,
            now,
            shared=self._shared(pending.partition),
        )
        if refreshed is None:
            # RFC 9111 4.3.4: the 304 selects nothing stored, so it answers nobody's
            # request; repeat it without conditions and return the full response.
            self._counters.add("misses")
            try:
                url = pending.request.url
                repeat = Fetch(
                    client, url, dict(config), "unconditional", pending.key, attempt=True
                )
                full: Response = yield repeat
                # One attempt runs no axios_response hook: store the full response here.
                again = pending_of(full)
                if again is not None and not full.from_cache:
                    stored = self._storable(again, full)
                    if stored is not None:
                        yield from self._store(again, stored)
            finally:
                self._finish(pending, RETRY)
            return full
        try:
            yield from self._put(pending, refreshed)
        finally:
            self._finish(pending, Shared(refreshed))
        self._counters.add("hits")
        response = self._served(refreshed, pending.request, now)
        response.config = dict(config)
        response.elapsed = not_modified.elapsed
        response.retries = not_modified.retries
        response.history = list(not_modified.history)
        return response
