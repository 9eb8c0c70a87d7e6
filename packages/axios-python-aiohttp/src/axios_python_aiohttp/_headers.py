"""The response headers aiohttp read, as the core's Headers, with the names decoded once.

aiohttp keeps the raw (name, value) byte pairs; they are decoded as latin-1
(as every transport hands them over). A response's names are nearly always
the same few (Content-Type, Content-Length, Date...), so each distinct name is
decoded and lower-cased once and remembered: the core's name index then comes
with the headers instead of one ``.lower()`` per field per response.
"""

from __future__ import annotations

from typing import Final

from axios_python import Headers

__all__ = ["received"]

# Distinct names remembered (servers choose them: bounded, forgotten all at once past this).
_SIZE: Final = 256
_names: dict[bytes, tuple[str, str]] = {}


def received(raw_headers: tuple[tuple[bytes, bytes], ...]) -> Headers:
    """Headers for aiohttp's ``raw_headers``: pairs in order, repeats kept, latin-1."""
    names = _names
    items: list[tuple[str, str]] = []
    lowered: list[str] = []
    for raw_name, raw_value in raw_headers:
        known = names.get(raw_name)
        if known is None:
            known = _remember(raw_name)
        items.append((known[0], raw_value.decode("latin-1")))
        lowered.append(known[1])
    return Headers.from_trusted(items, lowered)


def _remember(raw_name: bytes) -> tuple[str, str]:
    name = raw_name.decode("latin-1")
    if len(_names) >= _SIZE:
        _names.clear()
    known = _names[raw_name] = (name, name.lower())
    return known
