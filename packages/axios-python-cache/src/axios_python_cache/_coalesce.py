"""The plugin's side of single-flight: who leads a flight, and what its waiters learn.

A leader's outcome is shared as follows: a stored response goes to every waiter
it matches; an error status or a network failure goes to every waiter (each
judges a status by its own ``validate_status``); a success that may not be
stored (no-store, Set-Cookie...) is the leader's only, so each waiter sends its
own request; anything else (cancelled, interrupted, a plugin's bug) makes the
waiters look up again.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Mapping
from typing import Any, Final

from axios_python import (
    HTTPStatusError,
    NetworkError,
    Request,
    Response,
    RetryError,
    StreamError,
    TimeoutError,
)

from ._entry import StoredResponse
from ._flight import GO_ALONE, RETRY, Failed, Flight, Flights, Outcome, current_owner
from ._hop import storable_fields
from ._pending import Pending

__all__ = ["ERROR_STATUSES", "Coalescer", "failure", "origin_failed", "outcome_of", "shared_error"]

# The statuses that count as an origin failure (RFC 5861 section 4, stale-if-error).
ERROR_STATUSES: Final = frozenset({500, 502, 503, 504})
_MAX_LEADING: Final = 4096  # leaders remembered by config (for errors that carry no request)


class Coalescer:
    """Flights by cache key, and the leaders by the id of their request config."""

    def __init__(self, timeout: float) -> None:
        self.flights = Flights(timeout)
        self._leading: dict[int, Pending] = {}

    def enter(
        self, pending: Pending, key: Hashable, config: Mapping[str, Any], is_async: bool
    ) -> Flight | None:
        """The flight to wait for, or None: ``pending`` leads (``pending.flight``) or goes alone."""
        flight, leads = self.flights.enter(key, current_owner(is_async))
        if not leads:
            return flight
        pending.flight = flight
        pending.config_id = id(config)
        if len(self._leading) >= _MAX_LEADING:  # leaders whose hooks never came back
            self._leading.pop(next(iter(self._leading)), None)
        self._leading[pending.config_id] = pending
        return None

    def leader(self, config: Mapping[str, Any]) -> Pending | None:
        """The leading request whose config is ``config`` (for errors that name no request)."""
        return self._leading.get(id(config))

    def finish(self, pending: Pending, outcome: Outcome) -> None:
        """End the flight ``pending`` leads (if any) with ``outcome``, waking its waiters."""
        flight = pending.flight
        if flight is None:
            return
        pending.flight = None
        self._leading.pop(pending.config_id, None)
        self.flights.finish(flight, outcome)


def failure(response: Response) -> Outcome:
    """What waiters learn from a response that was not stored: an error status is shared."""
    if response.status_code < 400 or "set-cookie" in response.headers:
        return GO_ALONE  # a success that may not be reused, or one caller's cookie
    try:
        content = response.content
    except StreamError:
        return GO_ALONE
    snapshot = StoredResponse(
        url=response.url,
        status_code=response.status_code,
        headers=tuple(storable_fields(response.headers.multi_items())),
        content=content,
        stored_at=time.time(),
    )
    return Failed(response=snapshot)


def outcome_of(error: Exception) -> Outcome:
    """What waiters learn from the leader's error: its failure, or to look up again."""
    cause = error
    if isinstance(error, RetryError) and isinstance(error.__cause__, Exception):
        cause = error.__cause__
    if isinstance(cause, HTTPStatusError):
        return failure(cause.response)
    if isinstance(cause, (NetworkError, TimeoutError)):
        return Failed(error=cause)
    return RETRY  # cancelled, closed client, a plugin's bug: not the origin's answer


def origin_failed(outcome: Outcome) -> bool:
    """True for a network failure or a 500, 502, 503 or 504 (what stale-if-error covers)."""
    if not isinstance(outcome, Failed):
        return False
    if outcome.error is not None:
        return True
    return outcome.response is not None and outcome.response.status_code in ERROR_STATUSES


def shared_error(error: Exception | None, request: Request) -> Exception:
    """The leader's network or timeout error, as this waiter's own (same type, its request)."""
    assert error is not None
    message = f"{error} (the identical request in flight that this one waited for failed)"
    try:
        copy = type(error)(message, request=request)  # type: ignore[call-arg]
    except TypeError:  # a subclass with another constructor
        copy = NetworkError(message, request=request)
    copy.__cause__ = error
    return copy
