"""What may be stored: the response a cache keeps for a request, or None (no I/O)."""

from __future__ import annotations

import time
from typing import Final

from axios_python import Headers, Response, StreamError

from ._entry import StoredResponse
from ._freshness import HEURISTIC_STATUSES
from ._hop import storable_fields
from ._keys import vary_fingerprint, vary_names
from ._pending import Pending

__all__ = ["no_store", "storable"]

# What describes the bytes of a decoded body as received rather than as stored.
_CODED_FIELDS: Final = frozenset({"content-encoding", "content-length"})


def no_store(headers: Headers) -> bool:
    """True when ``headers`` carries ``Cache-Control: no-store``."""
    if "cache-control" not in headers:  # the common case, without building a list
        return False
    value = headers["cache-control"].lower()
    return "no-store" in {part.split("=", 1)[0].strip() for part in value.split(",")}


def storable(
    pending: Pending,
    response: Response,
    *,
    max_entry_bytes: int | None,
    rfc: bool,
    shared: bool,
) -> StoredResponse | None:
    """What to store for ``response`` to ``pending.request``, or None when it must not be kept.

    Never a streamed body, Set-Cookie, no-store (either side), ``Vary: *`` or a
    body over ``max_entry_bytes``. ``rfc``: RFC 9111 storability (``_policy``),
    else the statuses cacheable by default. Hop-by-hop fields are left out, and a
    body the core decoded is stored without its Content-Encoding, with its own length.
    """
    request = pending.request
    if request.stream or "set-cookie" in response.headers:
        return None
    if no_store(response.headers) or no_store(request.headers):
        return None
    names = vary_names(response.headers["vary"]) if "vary" in response.headers else ()
    if "*" in names:
        return None
    try:
        content = response.content
    except StreamError:
        return None
    if max_entry_bytes is not None and len(content) > max_entry_bytes:
        return None
    now = time.time()
    if rfc:
        from . import _policy  # hishel (and what it imports) loads only in this mode

        headers = _policy.storable_headers(request, response, pending.sent_at, now, shared=shared)
        if headers is None:
            return None
    elif response.status_code in HEURISTIC_STATUSES:  # RFC 9110 section 15.1
        headers = storable_fields(response.headers.multi_items())
    else:
        return None
    if response.decoded:  # the body is stored as the caller got it: say so in its headers
        headers = [pair for pair in headers if pair[0].lower() not in _CODED_FIELDS]
        headers.append(("Content-Length", str(len(content))))
    return StoredResponse(
        url=response.url or request.url,
        status_code=response.status_code,
        headers=tuple(headers),
        content=content,
        stored_at=now,
        partition=pending.partition,
        vary=vary_fingerprint(names, request.headers),
    )
