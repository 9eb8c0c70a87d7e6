"""The notes the plugin leaves on a request (in its extensions) for when its response arrives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from axios_python import Request, Response

from ._entry import StoredResponse
from ._flight import Flight

__all__ = ["EXTENSION", "Pending", "pending_of"]

# Where the plugin leaves its per-request notes; redirects share this dict.
EXTENSION: Final = "axios_python_cache"


@dataclass
class Pending:
    """What the lookup learned about one request, read again when its response arrives."""

    key: str
    request: Request
    partition: str | None = None
    invalidate: bool = False
    revalidating: tuple[StoredResponse, ...] = ()
    added_headers: tuple[str, ...] = ()  # conditional headers the plugin put on the request
    sent_at: float = 0.0  # when the lookup let the request go (the request time of RFC 9111 4.2.3)
    fallback: StoredResponse | None = None  # what stale-if-error allows on an origin failure
    flight: Flight | None = None  # the flight this request leads, until it finishes
    config_id: int = 0  # id() of the request's config while it leads


def pending_of(*sources: object) -> Pending | None:
    """The notes on the first of ``sources`` (Requests or Responses) that carries them."""
    for source in sources:
        request = source.request if isinstance(source, Response) else source
        if isinstance(request, Request):
            pending = request.extensions.get(EXTENSION)
            if isinstance(pending, Pending):
                return pending
    return None
