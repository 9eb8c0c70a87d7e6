"""RFC 9111 decisions for ``respect_cache_control=True``: reuse, storage and 304 freshening.

Storability and how a 304 freshens a stored response come from hishel's sans-I/O
core (``CacheMiss``, ``NeedRevalidation``), corrected where it is wrong: header
fields named in ``Connection`` are dropped before hishel sees them, and the
stored ``Age`` is the corrected initial age of RFC 9111 section 4.2.3. Whether a
stored response may be reused (age, freshness, request directives,
stale-while-revalidate, stale-if-error) is decided here, with ``_freshness``,
because hishel ignores the ``Age`` header, accepts invalid ``Expires`` dates and
knows neither stale-while-revalidate nor stale-if-error.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formatdate
from typing import Final, Union

import hishel

from axios_python import Headers, Request, Response

from ._entry import StoredResponse
from ._freshness import (
    always_revalidate,
    delta_seconds,
    field_map,
    freshness_lifetime,
    initial_age,
    parse_cache_control,
    stale_prohibited,
)
from ._hop import storable_fields

__all__ = [
    "BYPASS_HEADERS",
    "Decision",
    "Fresh",
    "Miss",
    "Revalidate",
    "Stale",
    "Unavailable",
    "lookup",
    "refresh",
    "storable_headers",
]

# A caller's own conditional or range request is answered by the origin, never from here.
BYPASS_HEADERS: Final = frozenset(
    {
        "if-none-match",
        "if-modified-since",
        "if-match",
        "if-unmodified-since",
        "if-range",
        "range",
    }
)


@dataclass(frozen=True)
class Fresh:
    """Serve ``stored`` without the network; ``age`` is its current age in whole seconds.

    ``stale`` is True when it is served past its freshness because the request's
    ``max-stale`` allows it.
    """

    stored: StoredResponse
    age: int
    stale: bool = False


@dataclass(frozen=True)
class Stale:
    """Serve ``stored`` now (stale-while-revalidate) and revalidate it in the background."""

    stored: StoredResponse
    age: int


@dataclass(frozen=True)
class Revalidate:
    """Send the request with ``conditional_headers`` to check ``candidates``.

    ``fallback`` is the stored response stale-if-error allows on an origin failure.
    """

    candidates: tuple[StoredResponse, ...]
    conditional_headers: dict[str, str]
    fallback: StoredResponse | None = None


@dataclass(frozen=True)
class Miss:
    """Nothing stored can be used or revalidated: go to the origin (``fallback`` as above)."""

    fallback: StoredResponse | None = None


@dataclass(frozen=True)
class Unavailable:
    """The request said ``only-if-cached`` and nothing stored may answer it: a 504."""


Decision = Union[Fresh, Stale, Revalidate, Miss, Unavailable]
_MISS: Final = Miss()


def _request_age_limit(wanted: dict[str, str | None], name: str) -> float | None:
    if name not in wanted:
        return None
    seconds = delta_seconds(wanted[name])
    return 0.0 if seconds is None else float(seconds)  # invalid: the strictest reading


def lookup(
    request: Request,
    candidates: Sequence[StoredResponse],
    now: float,
    *,
    shared: bool,
    force_revalidate: bool = False,
) -> Decision:
    """Decide how ``candidates`` (matched on partition and Vary, oldest first) answer ``request``.

    Honours the response's max-age, s-maxage, Expires, no-cache, must-revalidate,
    proxy-revalidate, stale-while-revalidate and stale-if-error, and the request's
    no-cache, max-age, min-fresh, max-stale, only-if-cached and stale-if-error.
    ``force_revalidate`` acts as a request ``no-cache`` (a background revalidation).
    """
    if "cache-control" not in request.headers:
        if not candidates:
            return _MISS  # the common miss, decided without parsing anything
        wanted: dict[str, str | None] = {}
    else:
        wanted = parse_cache_control(request.headers.get_list("cache-control"))
    asked_no_cache = "no-cache" in wanted
    no_cache = asked_no_cache or force_revalidate
    max_age = _request_age_limit(wanted, "max-age")
    min_fresh = _request_age_limit(wanted, "min-fresh") or 0.0
    asked_stale_if_error = delta_seconds(wanted.get("stale-if-error"))
    fallback: StoredResponse | None = None
    checkable: list[StoredResponse] = []
    for stored in reversed(candidates):  # the newest first
        directives = stored.cache_control
        lifetime = freshness_lifetime(stored.fields, directives, stored.status_code, shared=shared)
        age = stored.age(now)
        staleness = age - lifetime
        reusable = not no_cache and not always_revalidate(directives)
        if max_age is not None and age > max_age:
            reusable = False
        if reusable and lifetime - age > min_fresh:
            return Fresh(stored, int(age))
        stale_allowed = not stale_prohibited(directives, shared=shared)
        if reusable and stale_allowed and staleness > 0:
            if "max-stale" in wanted:
                limit = delta_seconds(wanted["max-stale"])
                if wanted["max-stale"] is None or (limit is not None and staleness <= limit):
                    return Fresh(stored, int(age), stale=True)
            window = delta_seconds(directives.get("stale-while-revalidate"))
            if window is not None and staleness <= window and max_age is None:
                return Stale(stored, int(age))
        if fallback is None and stale_allowed and not asked_no_cache:
            windows = (delta_seconds(directives.get("stale-if-error")), asked_stale_if_error)
            if any(w is not None and staleness <= w for w in windows):
                fallback = stored
        checkable.append(stored)
    if "only-if-cached" in wanted:
        return Unavailable()
    for stored in checkable:
        conditional: dict[str, str] = {}
        etag = stored.fields.get("etag")
        modified = stored.fields.get("last-modified")
        if etag:
            conditional["If-None-Match"] = etag[0]
        if modified:
            conditional["If-Modified-Since"] = modified[0]
        if conditional:
            return Revalidate((stored,), conditional, fallback)
    return Miss(fallback)


# --- hishel: storability and 304 freshening ------------------------------------------------


def _options(shared: bool) -> hishel.CacheOptions:
    return hishel.CacheOptions(shared=shared, supported_methods=["GET"], allow_stale=False)


def _hishel_headers(pairs: Sequence[tuple[str, str]]) -> hishel.Headers:
    return hishel.Headers(field_map(pairs))


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


def _with_date(headers: Headers, received: float) -> list[tuple[str, str]]:
    """The storable fields of ``headers``, with a Date (the time of receipt) when it has none."""
    pairs = storable_fields(headers.multi_items())
    if "date" not in headers:
        pairs.append(("Date", formatdate(received, usegmt=True)))
    return pairs


def _with_age(headers: hishel.Headers, age: float) -> list[tuple[str, str]]:
    """hishel's (lower-cased) ``headers`` with Age set to ``age``: later, Age + time stored."""
    pairs = [
        (name, value) for name in headers if name != "age" for value in headers.get_list(name) or ()
    ]
    pairs.append(("age", str(int(age))))
    return pairs


def storable_headers(
    request: Request, response: Response, sent: float, received: float, *, shared: bool
) -> list[tuple[str, str]] | None:
    """The headers to store for ``response`` under RFC 9111 section 3, or None if it must not be.

    ``sent`` and ``received`` are when the request left and the response came
    back (they set the stored Age). Fields named by ``Connection``, the
    hop-by-hop ones and those named by ``no-cache="..."`` (or, shared,
    ``private="..."``) are left out; a missing Date is the time of receipt.
    """
    fields = field_map(_with_date(response.headers, received))
    # hishel reads only the method and Authorization of the request here.
    authorization = request.headers.get_list("authorization")
    hrequest = hishel.Request(
        request.method,
        request.url,
        hishel.Headers({"authorization": authorization} if authorization else {}),
    )
    state: object = hishel.CacheMiss(request=hrequest, options=_options(shared)).next(
        hishel.Response(response.status_code, hishel.Headers(fields))
    )
    while isinstance(state, hishel.InvalidateEntries):
        state = state.next()
    if isinstance(state, hishel.StoreAndUse):
        return _with_age(state.response.headers, initial_age(fields, sent, received))
    return None


def refresh(
    request: Request,
    candidates: Sequence[StoredResponse],
    not_modified: Response,
    sent: float,
    received: float,
    *,
    shared: bool,
) -> StoredResponse | None:
    """The stored response a 304 freshens (headers updated, body kept), or None if none matches.

    None means the 304's validators select nothing stored (RFC 9111 section
    4.3.4): the caller must then repeat the request without conditions.
    """
    hrequest = _request(request)
    by_id: dict[uuid.UUID, StoredResponse] = {}
    entries: list[hishel.Entry] = []
    for stored in candidates:
        entry_id = uuid.uuid4()
        by_id[entry_id] = stored
        # The stored Age belongs to the old response: the 304 sets a new one.
        kept = [pair for pair in stored.headers if pair[0].lower() != "age"]
        response = hishel.Response(stored.status_code, _hishel_headers(kept))
        entries.append(hishel.Entry(id=entry_id, request=hrequest, response=response))
    state: object = hishel.NeedRevalidation(
        request=hrequest,
        original_request=hrequest,
        revalidating_entries=entries,
        options=_options(shared),
    ).next(hishel.Response(304, _hishel_headers(_with_date(not_modified.headers, received))))
    while isinstance(state, hishel.InvalidateEntries):
        state = state.next()
    if not isinstance(state, hishel.NeedToBeUpdated) or not state.updating_entries:
        return None
    updated = state.updating_entries[-1]
    original = by_id.get(updated.id)
    if original is None:
        return None
    headers = updated.response.headers
    age = initial_age(field_map(_pairs(headers)), sent, received)
    return original.with_headers(_with_age(headers, age), received)
