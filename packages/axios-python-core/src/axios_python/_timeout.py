"""Timeout: the connect/read/write/pool limits of one request, and its total, in seconds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Union

from ._repr import short_repr

__all__ = ["DEFAULT_TIMEOUT", "MAX_SECONDS", "Timeout", "TimeoutInput"]

_PHASES = ("connect", "read", "write", "pool")
_PARTS = (*_PHASES, "total")


@dataclass(frozen=True, slots=True)
class Timeout:
    """Per-phase limits in seconds, and a total; None means no limit.

    ``connect``, ``read``, ``write`` and ``pool`` each bound one wait (a read
    limit restarts with every byte that arrives); ``total`` bounds one attempt
    of the request from start to end, body read included (while you iterate a
    streamed body too), however slowly the server trickles. The fields are
    positional: ``Timeout(5)`` limits only connect. For one limit on every phase
    use ``Timeout.of(5)`` (what ``timeout=5`` does; it sets no total).
    """

    connect: float | None = None
    read: float | None = None
    write: float | None = None
    pool: float | None = None
    total: float | None = None

    def __post_init__(self) -> None:
        # Timeout(read=float("inf")) must fail here, not as an OverflowError mid-request.
        for name in _PARTS:
            value = getattr(self, name)
            if value is not None:
                _positive(f"timeout {name!r}", value)

    @classmethod
    def of(cls, value: TimeoutInput) -> Timeout:
        """Build a Timeout from a number, None, a mapping of parts or a Timeout."""
        if isinstance(value, Timeout):
            return value
        if value is None:
            return _NO_TIMEOUT
        if isinstance(value, bool):
            raise TypeError(f"timeout must be a number of seconds, got a bool ({value!r})")
        if isinstance(value, (int, float)):
            seconds = _positive("timeout", value)
            return cls(seconds, seconds, seconds, seconds)
        if isinstance(value, Mapping):
            unknown = set(value) - set(_PARTS)
            if unknown:
                raise ValueError(
                    f"timeout parts must be among {', '.join(_PARTS)} (got {sorted(unknown)!r})"
                )
            # A phase the mapping does not name keeps the library default; an explicit
            # None lifts that phase's limit. {"read": 60} must not make connect unbounded.
            default = DEFAULT_TIMEOUT
            parts = {name: value.get(name, getattr(default, name)) for name in _PARTS}
            checked = {
                name: None if part is None else _positive(f"timeout {name!r}", part)
                for name, part in parts.items()
            }
            return cls(**checked)
        raise TypeError(
            "timeout must be a number of seconds, None, or a mapping of "
            f"connect/read/write/pool/total (got {type(value).__name__}: {short_repr(value)})"
        )

    def as_dict(self) -> dict[str, float | None]:
        """The four phases as a dict (the shape most transports take); ``total`` is not one.

        The pipeline enforces ``total`` itself, through the request's cancel token.
        """
        return {"connect": self.connect, "read": self.read, "write": self.write, "pool": self.pool}


MAX_SECONDS = 1_000_000.0
"""The longest limit accepted (about 11.5 days): beyond it, use None for no limit.

Larger values (or infinity) would overflow the platform's timers mid-request.
"""


def _positive(what: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} must be a number of seconds (got {short_repr(value)})")
    if not 0 < value <= MAX_SECONDS:
        raise ValueError(
            f"{what} must be a positive number of seconds, at most {MAX_SECONDS:,.0f} "
            f"(None for no limit) (got {value!r})"
        )
    return float(value)


TimeoutInput = Union[Timeout, float, int, None, Mapping[str, float | int | None]]

_NO_TIMEOUT = Timeout()
DEFAULT_TIMEOUT = Timeout(30.0, 30.0, 30.0, 30.0)
