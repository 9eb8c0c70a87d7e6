"""Retry strategies: how long to wait before each retry and which outcomes are retryable."""

from __future__ import annotations

import datetime
import email.utils
import random
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

from ._exceptions import NetworkError, TimeoutError

if TYPE_CHECKING:
    from ._models import Response

__all__ = [
    "IDEMPOTENT_METHODS",
    "ExponentialBackoff",
    "FixedBackoff",
    "LinearBackoff",
    "RetryStrategy",
    "retry_after_seconds",
]

IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})


class RetryStrategy:
    """Decides whether an outcome is retried and how long to wait first.

    Subclass it and override ``backoff`` (and optionally ``is_retryable``)::

        class Quadratic(RetryStrategy):
            def backoff(self, retry_number: int) -> float:
                return 0.1 * retry_number**2

    ``retry_number`` counts retries from 1. Network errors and timeouts are
    retryable by default; ``retry_on_status`` adds HTTP statuses. A Retry-After
    header on a retryable status is honoured, capped by ``max_delay``. With
    ``jitter`` each back-off is drawn uniformly from [0, backoff] ("full jitter");
    it is off by default so delays are exact.
    """

    # Class-level defaults keep a subclass that skips super().__init__() working.
    max_delay: float | None = None
    retry_on_status: frozenset[int] = frozenset()
    jitter: bool = False

    def __init__(
        self,
        *,
        max_delay: float | None = None,
        retry_on_status: Iterable[int] | None = None,
        jitter: bool = False,
    ) -> None:
        if max_delay is not None:
            _non_negative("max_delay", max_delay)
        if not isinstance(jitter, bool):
            raise TypeError(f"jitter must be True or False (got {jitter!r})")
        self.max_delay = max_delay
        self.retry_on_status = _statuses(retry_on_status)
        self.jitter = jitter

    def backoff(self, retry_number: int) -> float:
        """Seconds to wait before retry number ``retry_number`` (1-based), before capping."""
        raise NotImplementedError(
            f"{type(self).__name__} must override backoff(retry_number) to return seconds"
        )

    def is_retryable(self, outcome: Response | BaseException) -> bool:
        """True for network errors, timeouts and responses whose status is in retry_on_status."""
        if isinstance(outcome, BaseException):
            return isinstance(outcome, (NetworkError, TimeoutError))
        return outcome.status_code in self.retry_on_status

    def delay(self, retry_number: int, outcome: Response | BaseException) -> float:
        """The wait before retry ``retry_number``: Retry-After if given, else backoff; capped."""
        seconds: float | None = None
        if not isinstance(outcome, BaseException):
            seconds = retry_after_seconds(outcome.headers.get("retry-after"))
        if seconds is None:
            seconds = self.backoff(retry_number)
            if self.jitter:
                seconds = random.uniform(0, seconds)
        if self.max_delay is not None:
            seconds = min(seconds, self.max_delay)
        return max(0.0, seconds)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"


class ExponentialBackoff(RetryStrategy):
    """Wait ``base * multiplier ** (n - 1)`` seconds before retry n: 0.5, 1, 2, 4... by default."""

    def __init__(
        self,
        base: float = 0.5,
        multiplier: float = 2.0,
        max_delay: float | None = 30.0,
        retry_on_status: Iterable[int] | None = None,
        jitter: bool = False,
    ) -> None:
        super().__init__(max_delay=max_delay, retry_on_status=retry_on_status, jitter=jitter)
        _non_negative("base", base)
        _non_negative("multiplier", multiplier)
        self.base = base
        self.multiplier = multiplier

    def backoff(self, retry_number: int) -> float:
        """base * multiplier ** (retry_number - 1)."""
        return float(self.base * self.multiplier ** (retry_number - 1))


class LinearBackoff(RetryStrategy):
    """Wait ``delay * n`` seconds before retry n: delay, 2*delay, 3*delay..."""

    def __init__(
        self,
        delay: float = 1.0,
        max_delay: float | None = None,
        retry_on_status: Iterable[int] | None = None,
        jitter: bool = False,
    ) -> None:
        super().__init__(max_delay=max_delay, retry_on_status=retry_on_status, jitter=jitter)
        _non_negative("delay", delay)
        self.step = delay

    def backoff(self, retry_number: int) -> float:
        """delay * retry_number."""
        return float(self.step * retry_number)


class FixedBackoff(RetryStrategy):
    """Wait the same ``delay`` seconds before every retry."""

    def __init__(
        self,
        delay: float = 1.0,
        max_delay: float | None = None,
        retry_on_status: Iterable[int] | None = None,
        jitter: bool = False,
    ) -> None:
        super().__init__(max_delay=max_delay, retry_on_status=retry_on_status, jitter=jitter)
        _non_negative("delay", delay)
        self.fixed = delay

    def backoff(self, retry_number: int) -> float:
        """delay, whatever the retry number."""
        return float(self.fixed)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta seconds or an HTTP date); None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" or no zone: HTTP dates are always GMT
        when = when.replace(tzinfo=datetime.timezone.utc)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _statuses(statuses: Iterable[int] | None) -> frozenset[int]:
    if statuses is None:
        return frozenset()
    if isinstance(statuses, (str, bytes)) or not isinstance(statuses, Iterable):
        raise TypeError(f"retry_on_status must be a collection of ints (got {statuses!r})")
    result = frozenset(statuses)
    for status in result:
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise ValueError(
                f"retry_on_status entries must be HTTP statuses 100-599 (got {status!r})"
            )
    return result


def _non_negative(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{name} must be a non-negative number of seconds (got {value!r})")
