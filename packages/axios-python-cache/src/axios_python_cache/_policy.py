"""RFC 9111 decisions for ``respect_cache_control=True``, delegated to hishel's sans-I/O core.

hishel's state machine (IdleClient -> FromCache | NeedRevalidation | CacheMiss,
CacheMiss -> StoreAndUse | CouldNotBeStored, NeedRevalidation -> NeedToBeUpdated)
does no I/O and knows nothing of httpx, so it fits the plugin hooks: this module
only translates our stored responses to hishel's models and back.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formatdate
from typing import Union

import hishel

from axios_python import Request, Response

from ._entry import StoredResponse

__all__ = ["Fresh", "Miss", "Revalidate", "lookup", "refresh", "storable_headers"]


@dataclass(frozen=True)
class Fresh:
    """Serve ``stored`` without the network; ``age`` is its current age in seconds."""

    stored: StoredResponse
    age: int


@dataclass(frozen=True)
class Revalidate:
    """Send the request with ``conditional_headers`` to check the ``candidates``."""

    candidates: tuple[StoredResponse, ...]
    conditional_headers: dict[str, str]


@dataclass(frozen=True)
class Miss:
    """Nothing stored can be used or revalidated: go to the origin."""


Decision = Union[Fresh, Revalidate, Miss]

_CONDITIONAL: tuple[str, ...] = ("if-none-match", "if-modified-since")


def _options(shared: bool) -> hishel.CacheOptions:
    return hishel.CacheOptions(shared=shared, supported_methods=["GET"], allow_stale=False)


def _hishel_headers(pairs: Sequence[tuple[str, str]]) -> hishel.Headers:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name.lower(), []).append(value)
    return hishel.Headers(grouped)


def _pairs(headers: hishel.Headers) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name in headers:
        pairs.extend((name, value) for value in headers.get_list(name) or ())
    return pairs


def _request(request: Request) -> hishel.Request:
    return hishel.Request(
        method=request.method,
        url=request.url,
        headers=_hishel_headers(request.headers.multi_items()),
    )


def lookup(request: Request, candidates: Sequence[StoredResponse], *, shared: bool) -> Decision:
    """Decide how ``candidates`` (already matched on partition and Vary) answer ``request``."""
    if not candidates:
        return Miss()
    hrequest = _request(request)
    by_id: dict[uuid.UUID, StoredResponse] = {}
    entries: list[hishel.Entry] = []
    for stored in candidates:
        entry_id = uuid.uuid4()
        by_id[entry_id] = stored
        # The Vary match was done on digests already; give hishel the same request
        # headers so it does not repeat it on values we never stored.
        entries.append(
            hishel.Entry(
                id=entry_id,
                request=hishel.Request(request.method, request.url, hrequest.headers),
                response=hishel.Response(stored.status_code, _hishel_headers(stored.headers)),
            )
        )
    state = hishel.IdleClient(options=_options(shared)).next(hrequest, entries)
    if isinstance(state, hishel.FromCache):
        stored = by_id[state.entry.id]
        age = state.entry.response.headers.get("age", "0")
        return Fresh(stored, int(age) if age.isdigit() else 0)
    if isinstance(state, hishel.NeedRevalidation):
        conditional = {
            name: state.request.headers[name]
            for name in _CONDITIONAL
            if name in state.request.headers and name not in request.headers
        }
        if conditional:
            return Revalidate(tuple(by_id[e.id] for e in state.revalidating_entries), conditional)
    return Miss()


def storable_headers(
    request: Request, response: Response, stored_at: float, *, shared: bool
) -> list[tuple[str, str]] | None:
    """The headers to store for ``response`` under RFC 9111 section 3, or None if it must not be.

    hishel also drops the header fields a cache must not keep (Connection and
    the fields named by ``no-cache="..."`` or, for a shared cache, ``private="..."``).
    A missing Date is set to the time of storage, as section 4.2.3 asks.
    """
    pairs = response.headers.multi_items()
    if "date" not in response.headers:
        pairs.append(("Date", formatdate(stored_at, usegmt=True)))
    state: object = hishel.CacheMiss(request=_request(request), options=_options(shared)).next(
        hishel.Response(response.status_code, _hishel_headers(pairs))
    )
    while isinstance(state, hishel.InvalidateEntries):
        state = state.next()
    if isinstance(state, hishel.StoreAndUse):
        return _pairs(state.response.headers)
    return None


def refresh(
    request: Request,
    candidates: Sequence[StoredResponse],
    not_modified: Response,
    stored_at: float,
    *,
    shared: bool,
) -> StoredResponse | None:
    """The stored response a 304 freshens (headers updated, body kept), or None if none matches."""
    hrequest = _request(request)
    by_id: dict[uuid.UUID, StoredResponse] = {}
    entries: list[hishel.Entry] = []
    for stored in candidates:
        entry_id = uuid.uuid4()
        by_id[entry_id] = stored
        entries.append(
            hishel.Entry(
                id=entry_id,
                request=hrequest,
                response=hishel.Response(stored.status_code, _hishel_headers(stored.headers)),
            )
        )
    pairs = not_modified.headers.multi_items()
    if "date" not in not_modified.headers:
        pairs.append(("Date", formatdate(stored_at, usegmt=True)))
    state: object = hishel.NeedRevalidation(
        request=hrequest,
        original_request=hrequest,
        revalidating_entries=entries,
        options=_options(shared),
    ).next(hishel.Response(304, _hishel_headers(pairs)))
    while isinstance(state, hishel.InvalidateEntries):
        state = state.next()
    if not isinstance(state, hishel.NeedToBeUpdated) or not state.updating_entries:
        return None
    updated = state.updating_entries[-1]
    original = by_id.get(updated.id)
    if original is None:
        return None
    return original.with_headers(_pairs(updated.response.headers), stored_at)
