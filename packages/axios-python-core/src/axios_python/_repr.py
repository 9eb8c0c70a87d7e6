"""A short, always-safe repr for error messages that quote the value they refuse."""

from __future__ import annotations

import reprlib

__all__ = ["short_repr"]

_REPR = reprlib.Repr()
_REPR.maxlevel = 3  # nested containers shown three levels deep: a 5000-deep list cannot recurse
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = 80
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = _REPR.maxfrozenset = 6


def short_repr(value: object, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters, never raising (deep or broken values too)."""
    try:
        text = _REPR.repr(value)
    except Exception:  # a __repr__ that raises (or recurses) must not hide the real error
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= limit else text[: limit - 3] + "..."
