"""Progress events for on_upload_progress / on_download_progress, throttled in the core.

A callback gets a ProgressEvent at most every ``INTERVAL`` seconds and, when
the size is known, only after another 1 % has moved, so a 100 MB transfer makes
at most about a hundred calls however fast or slow it goes, plus one final
event (``done`` true) when the body is complete.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, Union

from ._exceptions import ConfigError

__all__ = [
    "INTERVAL",
    "Meter",
    "ProgressCallback",
    "ProgressEvent",
    "anotify",
    "check_callback",
    "notify",
]

INTERVAL = 0.1  # seconds between two events of one transfer, at least (the final one apart)


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """Where one upload or download stands, as axios reports it.

    ``loaded`` bytes moved so far out of ``total`` (None when the size is not
    known); ``bytes`` moved since the previous event; ``rate`` in bytes per
    second over that span; ``estimated`` seconds left at that rate (None when
    unknown). Download progress counts the bytes as they arrive, before
    decompression, so it matches Content-Length.
    """

    direction: Literal["upload", "download"]
    loaded: int
    total: int | None
    bytes: int
    rate: float | None
    estimated: float | None
    done: bool

    @property
    def progress(self) -> float | None:
        """``loaded / total`` between 0.0 and 1.0, or None when the total is unknown."""
        if not self.total:
            return 1.0 if self.done else None
        return min(self.loaded / self.total, 1.0)

    @property
    def upload(self) -> bool:
        """True for request-body progress."""
        return self.direction == "upload"

    @property
    def download(self) -> bool:
        """True for response-body progress."""
        return self.direction == "download"


ProgressCallback = Callable[[ProgressEvent], Union[Awaitable[None], None]]


def check_callback(key: str, callback: ProgressCallback, is_async: bool) -> None:
    """Refuse an ``async def`` callback on the sync path, where nothing could await it."""
    if not is_async and inspect.iscoroutinefunction(callback):
        raise ConfigError(
            f"{key!r} is an async function ({getattr(callback, '__name__', callback)!r}); "
            "a sync request cannot await it: use the async_ methods or a plain function"
        )


def notify(key: str, callback: ProgressCallback, event: ProgressEvent) -> None:
    """Call ``callback(event)`` on the sync path, where an awaitable result is an error."""
    result = callback(event)
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if close is not None:
            close()  # never awaited: do not let it warn
        raise ConfigError(
            f"{key!r} returned an awaitable during a sync request; "
            "use the async_ methods or a plain function"
        )


async def anotify(callback: ProgressCallback, event: ProgressEvent) -> None:
    """Call ``callback(event)`` on the async path, awaiting what an async callback returns."""
    result = callback(event)
    if inspect.isawaitable(result):
        await result


class Meter:
    """Counts one transfer and decides when an event is due (not thread-safe: one transfer)."""

    __slots__ = ("_direction", "_last_at", "_last_loaded", "_step", "loaded", "total")

    def __init__(self, direction: Literal["upload", "download"], total: int | None) -> None:
        self._direction: Literal["upload", "download"] = direction
        self.total = total
        self.loaded = 0
        self._last_at = time.monotonic()
        self._last_loaded = 0
        self._step = total // 100 if total else 0

    def advance(self, count: int) -> ProgressEvent | None:
        """Count ``count`` more bytes; return an event when one is due, else None."""
        self.loaded += count
        if self.loaded - self._last_loaded < self._step:
            return None
        now = time.monotonic()
        if now - self._last_at < INTERVAL:
            return None
        return self._event(now, done=False)

    def finish(self) -> ProgressEvent:
        """The final event: the body is complete."""
        return self._event(time.monotonic(), done=True)

    def _event(self, now: float, done: bool) -> ProgressEvent:
        moved = self.loaded - self._last_loaded
        span = now - self._last_at
        rate = moved / span if span > 0 and moved else None
        estimated = None
        if done:
            estimated = 0.0
        elif self.total is not None and rate:
            estimated = max(self.total - self.loaded, 0) / rate
        self._last_at, self._last_loaded = now, self.loaded
        return ProgressEvent(self._direction, self.loaded, self.total, moved, rate, estimated, done)
